"""One home for each rule (issue 14): Thai dates in ``sammachip.thaidate``, citizen IDs in the
``sammachip.citizen_id`` package, spreadsheet-safe text in ``sammachip.spreadsheet``.

The walk reads every module of the four packages (migrations and tests left out) with ``ast``
and fails where a module writes one of those rules again instead of calling its home; the old
import paths kept for others' code must hand out the very same objects.
"""

import ast
import datetime
from pathlib import Path

import pytest
from pythainlp.util import thai_digit_to_arabic_digit, thai_strftime

from sammachip import thaidate

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["sammachip", "villages", "programs", "articles"]
THAIDATE = "sammachip/thaidate.py"
CITIZEN_ID = "sammachip/citizen_id/"
SPREADSHEET = "sammachip/spreadsheet.py"
# Places another engineer owns that still write an ID rule of their own (issue 14, in flight):
# ``(path, line text)``; each should call ``citizen_id.searched_number`` / ``is_masked``.
ID_RULE_TRANSITIONAL = set()  # every ID rule has moved to its home


def sources():
    """``[(relative path, source text, ast)]`` of every module but migrations and tests."""
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or "/tests/" in relative:
                continue
            text = path.read_text(encoding="utf-8")
            found.append((relative, text, ast.parse(text, filename=relative)))
    return found


SOURCES = sources()


def constants(tree):
    return [node for node in ast.walk(tree) if isinstance(node, ast.Constant)]


def line(text, node):
    return text.splitlines()[node.lineno - 1].strip()


def transitional(path, text):
    return any(path == where and what in text for where, what in ID_RULE_TRANSITIONAL)


def test_the_walk_reads_the_homes():
    paths = {path for path, _text, _tree in SOURCES}
    assert THAIDATE in paths
    assert CITIZEN_ID + "__init__.py" in paths
    assert SPREADSHEET in paths


# ---- Thai dates ------------------------------------------------------------------------------


def test_the_buddhist_era_offset_is_written_only_in_thaidate():
    found = [
        f"{path}:{node.lineno}: {line(text, node)}"
        for path, text, tree in SOURCES
        if path != THAIDATE
        for node in constants(tree)
        if type(node.value) is int and node.value == 543
    ]
    assert found == []


def test_thai_digits_are_converted_only_in_thaidate():
    found = [
        f"{path}:{node.lineno}: {line(text, node)}"
        for path, text, tree in SOURCES
        if path != THAIDATE
        for node in constants(tree)
        if isinstance(node.value, str) and "๐๑๒" in node.value
    ]
    assert found == []


def test_dates_are_parsed_only_in_thaidate():
    """No other module compiles a day/month/year pattern or defines a date parser."""
    found = []
    for path, text, tree in SOURCES:
        if path == THAIDATE:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name in {
                "parse_thai_date",
                "to_date",
                "be_year",
                "ce_year",
                "format_thai_date",
                "format_thai_datetime",
                "format_be",
            }:
                found.append(f"{path}:{node.lineno}: def {node.name}")
        found += [
            f"{path}:{node.lineno}: {line(text, node)}"
            for node in constants(tree)
            if isinstance(node.value, str) and r"(\d{1,2})\s*[/.-]" in node.value
        ]
    assert found == []


def test_re_exported_date_names_are_the_same_objects():
    from articles import forms as article_forms
    from sammachip import fields

    assert fields.parse_thai_date is thaidate.parse_thai_date
    assert article_forms.format_be is thaidate.format_be
    assert article_forms.ThaiDateTimeField is fields.ThaiDateTimeField


def test_the_form_field_reads_what_the_parser_reads():
    from django.core.exceptions import ValidationError

    from sammachip.fields import ThaiDateFormField

    field = ThaiDateFormField()
    for text in ["21/06/2560", "๒๑/๐๖/๒๕๖๐", "21-6-2017", "21.06.60"]:
        assert field.to_python(text) == thaidate.parse_thai_date(text) == thaidate.to_date(text)
    moment = datetime.datetime(2017, 6, 21, 18, 3)
    assert field.to_python(moment) == thaidate.to_date(moment) == datetime.date(2017, 6, 21)
    with pytest.raises(ValidationError):
        field.to_python("31/02/2560")
    with pytest.raises(ValueError):
        thaidate.to_date("31/02/2560")
    assert thaidate.to_date("") is None


def test_the_formatters_say_what_pythainlp_says():
    day = datetime.date(1990, 1, 1)
    while day.year < 2045:
        assert thaidate.format_thai_date(day) == thai_strftime(day, "%-d %B %Y")
        assert thaidate.format_thai_date(day, short=True) == thai_strftime(day, "%-d %b %y")
        day += datetime.timedelta(days=37)
    moment = datetime.datetime(2017, 6, 21, 18, 3)
    assert thaidate.format_thai_datetime(moment) == thai_strftime(moment, "%-d %B %Y เวลา %H:%M น.")
    text = "เลขที่ ๑๒๓/๔๕ หมู่ ๖ ๗๘๙๐"
    assert thaidate.arabic_digits(text) == thai_digit_to_arabic_digit(text)


def test_the_date_box_shows_what_the_parser_reads_back():
    day = datetime.date(2024, 2, 29)
    assert thaidate.format_input_date(day) == "29/02/2567"
    assert thaidate.parse_thai_date(thaidate.format_input_date(day)) == day


# ---- citizen IDs -----------------------------------------------------------------------------


def test_no_module_outside_the_package_writes_an_id_rule():
    """No 13-digit pattern, length test, masked-form pattern, digit table or ID-text scanner
    outside ``sammachip/citizen_id/``."""
    found = []
    for path, text, tree in SOURCES:
        if path.startswith(CITIZEN_ID):
            continue
        for node in ast.walk(tree):
            where = f"{path}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if "{13}" in node.value or "x{5}" in node.value:
                    found.append(f"{where}: {line(text, node)}")
            elif isinstance(node, ast.Compare) and any(
                isinstance(c, ast.Constant) and type(c.value) is int and c.value == 13
                for c in node.comparators
            ):
                if isinstance(node.left, ast.Call) and getattr(node.left.func, "id", "") == "len":
                    found.append(f"{where}: {line(text, node)}")
            elif isinstance(node, ast.FunctionDef) and node.name in {
                "normalize",
                "validate",
                "mask",
                "keyed_hash",
                "sub_citizen_ids",
                "mask_citizen_ids",
                "ascii_digits",
                "id_search_token",
                "id_search_hash",
                "validate_citizen_id",
            }:
                found.append(f"{where}: def {node.name}")
            elif isinstance(node, ast.ClassDef) and node.name in {
                "EncryptedCitizenIdField",
                "CitizenIdHashField",
                "CitizenIdFormField",
                "CitizenIdFormMixin",
                "MaskCitizenIds",
            }:
                found.append(f"{where}: class {node.name}")
    found = [entry for entry in found if not transitional(entry.split(":", 1)[0], entry)]
    assert found == []


def test_re_exported_id_names_are_the_same_objects():
    from sammachip import admin_tools, citizen_id, fields, logs, security, validators
    from sammachip.citizen_id import fields as id_fields
    from sammachip.citizen_id import forms as id_forms
    from sammachip.citizen_id import text as id_text

    assert fields.EncryptedCitizenIdField is id_fields.EncryptedCitizenIdField
    assert fields.CitizenIdHashField is id_fields.CitizenIdHashField
    assert fields.validate_citizen_id is id_fields.validate_citizen_id
    assert fields.CitizenIdFormField is id_forms.CitizenIdFormField
    assert logs.MaskCitizenIds is id_text.MaskCitizenIds
    assert logs.mask is id_text.replace_ids
    # The admin helpers and the security module no longer re-export ID names: callers import
    # them from the package.
    assert not hasattr(admin_tools, "CitizenIdFormMixin")
    assert not hasattr(admin_tools, "id_search_hash")
    assert not hasattr(security, "mask_citizen_ids")
    assert citizen_id.THAI_DIGITS is thaidate.THAI_DIGITS
    assert validators.THAI_DIGITS is thaidate.THAI_DIGITS


def test_the_migrations_path_still_names_the_field():
    """``programs/migrations/0001_initial.py`` builds ``sammachip.fields.EncryptedCitizenIdField``;
    the model's field deconstructs to the same class, so no migration is due."""
    from programs.models import Household
    from sammachip import fields

    field = Household._meta.get_field("citizen_id")
    assert type(field) is fields.EncryptedCitizenIdField
    assert type(Household._meta.get_field("citizen_id_hash")) is fields.CitizenIdHashField


def test_the_search_box_and_the_mask_share_the_package_rules():
    from sammachip import citizen_id
    from sammachip.citizen_id.search import id_search_token, search_hash

    number = "1101700230708"
    assert citizen_id.searched_number("1-1017-00230-70-8") == number
    assert citizen_id.searched_number("๑๑๐๑๗๐๐๒๓๐๗๐๘") == number
    assert citizen_id.searched_number("110170023070") is None
    assert search_hash(number) == citizen_id.keyed_hash(number)
    assert search_hash(id_search_token(number)) == citizen_id.keyed_hash(number)
    assert search_hash("สมชาย") is None
    assert citizen_id.is_masked(citizen_id.mask(number))
    assert not citizen_id.is_masked(number)


# ---- spreadsheet-safe text -------------------------------------------------------------------


def test_formula_prefixes_are_written_only_in_spreadsheet():
    found = []
    for path, text, tree in SOURCES:
        if path == SPREADSHEET:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Tuple | ast.List | ast.Set):
                values = {item.value for item in node.elts if isinstance(item, ast.Constant)}
                if {"=", "+", "@"} <= values:
                    found.append(f"{path}:{node.lineno}: {line(text, node)}")
            elif isinstance(node, ast.FunctionDef) and node.name in {
                "spreadsheet_safe",
                "spreadsheet_unescaped",
                "starts_like_formula",
            }:
                found.append(f"{path}:{node.lineno}: def {node.name}")
    assert found == []
