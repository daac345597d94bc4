"""What the officer sees of a household list before confirming its import: every column's value
of the first ``PREVIEW_ROWS`` rows and of every row with a problem, the changes of updated rows
(old → new) and the problems on their cells, in Thai, the citizen ID masked unless the officer
may see whole numbers.

Built cheaply for a 10,000-row file: ``HouseholdResource`` skips the library's per-row diff
(``skip_diff``) and calls ``row_preview`` only for the rows shown (the first rows, and updated
rows up to ``UPDATES_SHOWN`` more); rows with problems keep their cells as the file had them.
``import_preview(result, full_ids=...)`` turns an import's result into plain data (strings,
numbers, lists and dicts, JSON-safe), so a background job can store it and a page render it
later; ``templates/admin/programs/household/import_preview.html`` shows it.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from sammachip import citizen_id, thaidate

PREVIEW_ROWS = 200  # every row up to this one is shown with all its values
UPDATES_SHOWN = 500  # updated rows after those, shown with their changes
VILLAGE_COLUMN = "village"
ID_COLUMN = "citizen_id"


def kind_labels():
    return {
        "new": pgettext("import row", "ใหม่"),
        "update": pgettext("import row", "แก้ไข"),
        "skip": pgettext("import row", "ไม่เปลี่ยน"),
        "example": pgettext("import row", "ข้าม"),
        "invalid": pgettext("import row", "ต้องแก้ไข"),
        "error": pgettext("import row", "ต้องแก้ไข"),
    }


def preview_fields(resource):
    """``[(name, field)]``: the columns an import reads, in the file's order (the read-only
    columns of an export, such as อำเภอ or สถานะ, are never imported and not shown)."""
    return [
        (name, resource.fields[name])
        for name in resource.get_import_order()
        if name in resource.fields and not resource.fields[name].readonly
    ]


def column_label(key, resource=None):
    """The Thai header of the column a problem is about: a resource field by its name or
    attribute (``citizen_id`` → ``เลขประจำตัวประชาชน``), else the model field's Thai name, never the
    key itself; ``""`` for a problem of the row as a whole."""
    if key in (None, "", NON_FIELD_ERRORS):
        return ""
    if resource is None:
        from programs.resources import HouseholdResource

        resource = HouseholdResource()
    for name, field in resource.fields.items():
        if key in (name, field.attribute):
            return str(field.column_name)
    try:
        return str(resource._meta.model._meta.get_field(key).verbose_name)
    except FieldDoesNotExist:
        return _("ข้อมูลของแถว")


# ---- one cell ---------------------------------------------------------------------------------


def shown_value(name, value, *, full_ids):
    """How a cell reads on the preview: a village with its name, incomes with separators,
    dates in the Buddhist Era, a target group by its label, the ID masked unless ``full_ids``."""
    if value is None or value == "":
        return ""
    if name == ID_COLUMN:
        if citizen_id.is_masked(value):
            return str(value).strip()
        return citizen_id.format_full(value) if full_ids else citizen_id.mask(value)
    if name == VILLAGE_COLUMN and hasattr(value, "code"):
        return f"{value.code} {value.name_th} ม.{value.moo}"
    if name == "target_group":
        from programs.models import Household

        try:
            return str(Household.TargetGroup(value).label)
        except ValueError:
            return str(value)
    if hasattr(value, "pk"):  # occupation
        return str(getattr(value, "name", value))
    if isinstance(value, Decimal):
        return f"{value:,.2f}".removesuffix(".00")
    if isinstance(value, float):
        return f"{int(value)}" if value.is_integer() else str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return thaidate.format_thai_date(value)
    return str(value).strip()


def raw_value(name, value, *, full_ids):
    """A cell as the file has it (a row with a problem is not read further), the ID masked."""
    if value is None or value == "---":  # the library's mark of a column the file lacks
        return ""
    if name == ID_COLUMN and not full_ids and not citizen_id.is_masked(value):
        text = str(value).strip()
        if not text:
            return ""
        number = citizen_id.normalize(value)
        return citizen_id.mask(number) if number.isdigit() else "x" * len(text)
    return shown_value(name if name != ID_COLUMN else "", value, full_ids=full_ids)


# ---- captured while importing (``HouseholdResource.after_import_row``) ---------------------


def row_preview(resource, instance, before, *, kind):
    """The cells of one valid row: ``{"values": {name: value}, "old": {name: value}}`` as
    model values (rendered later, once, by ``import_preview``); ``old`` only for changed
    columns of an updated row."""
    values = {}
    old = {}
    for name, field in preview_fields(resource):
        attribute = field.attribute
        if name == "id":
            values[name] = instance.pk if kind != "new" else None
            continue
        value = getattr(instance, attribute, None)
        values[name] = value
        if before is not None and attribute in before and before[attribute] != value:
            old[name] = before[attribute]
    return {"kind": kind, "values": values, "old": old}


def _render_cells(resource, captured, *, full_ids):
    cells = []
    for name, _field in preview_fields(resource):
        value = shown_value(name, captured["values"].get(name), full_ids=full_ids)
        if name == "id" and captured["kind"] == "new":
            value = ""
        cell = {"value": value, "old": None, "problems": []}
        if name in captured["old"]:
            cell["old"] = shown_value(name, captured["old"][name], full_ids=full_ids) or "—"
        cells.append(cell)
    return cells


def _raw_cells(resource, values_by_header, errors_by_key, *, full_ids):
    """Cells of a row with problems: the file's values, each problem on its column."""
    cells = []
    placed = set()
    for name, field in preview_fields(resource):
        problems = []
        for key in (name, field.attribute):
            if key in errors_by_key and key not in placed:
                problems.extend(errors_by_key[key])
                placed.add(key)
        value = values_by_header.get(field.column_name)
        cells.append(
            {
                "value": raw_value(name, value, full_ids=full_ids),
                "old": None,
                "problems": [str(p) for p in problems],
            }
        )
    others = []
    for key, messages in errors_by_key.items():
        if key in placed:
            continue
        label = column_label(key, resource)
        others.extend(f"{label}: {m}" if label else str(m) for m in messages)
    return cells, others


def _error_words(error):
    """The Thai words of an import error (``resources.ImportProblem.message``), never its text."""
    return getattr(error, "message", None) or _(
        "เกิดข้อผิดพลาดระหว่างนำเข้า ระบบไม่ได้บันทึกข้อมูลใด กรุณาแจ้งผู้ดูแลระบบพร้อมวันเวลาที่เกิดเหตุ"
    )


# ---- the whole preview ------------------------------------------------------------------------


def import_preview(result, *, resource=None, full_ids=False, problems_shown=None):
    """The preview of an import ``result`` (from ``HouseholdResource.import_data``) as plain
    data::

        {"columns": [Thai header, ...],
         "rows": [{"number", "excel_row", "kind", "kind_label",
                   "cells": [{"value", "old", "problems"}], "problems": [...]}],
         "counts": {"new", "update", "skip", "example", "problems"},
         "total", "shown", "not_shown", "preview_rows", "example_rows": [excel row, ...]}

    Rows in file order: the first ``PREVIEW_ROWS``, every row with a problem (up to
    ``problems_shown``, the import limits' ``errors_shown``), updated rows after those (up to
    ``UPDATES_SHOWN``). ``full_ids``: whole citizen IDs (the officer holds
    ``programs.view_full_citizen_id``), else masked."""
    from programs.resources import HouseholdResource
    from sammachip.spreadsheet_intake import import_limits

    resource = resource or HouseholdResource()
    if problems_shown is None:
        problems_shown = import_limits().errors_shown
    labels = kind_labels()
    rows = {}
    for row_result in result.rows:
        captured = getattr(row_result, "preview", None)
        if captured is None:
            continue
        number = row_result.preview_number
        if captured["kind"] == "example":
            cells, others = _raw_cells(resource, captured["row"], {}, full_ids=full_ids)
            problems = [
                _("แถวตัวอย่างจากแบบฟอร์ม ไม่นำเข้า (ลบแถวนี้ออกได้)"),
            ]
        else:
            cells = _render_cells(resource, captured, full_ids=full_ids)
            problems = []
        rows[number] = {"kind": captured["kind"], "cells": cells, "problems": problems}

    problem_count = 0
    for invalid in result.invalid_rows:
        problem_count += 1
        if problem_count > problems_shown:
            continue
        values = dict(zip(result.diff_headers, invalid.values, strict=False))
        errors = {key: [str(m) for m in messages] for key, messages in invalid.error_dict.items()}
        cells, others = _raw_cells(resource, values, errors, full_ids=full_ids)
        rows[invalid.number] = {"kind": "invalid", "cells": cells, "problems": others}
    for number, errors in result.row_errors():
        problem_count += 1
        if problem_count > problems_shown:
            continue
        row = errors[0].row or {}
        cells, _others = _raw_cells(resource, dict(row), {}, full_ids=full_ids)
        rows[number] = {
            "kind": "error",
            "cells": cells,
            "problems": [_error_words(error) for error in errors],
        }

    totals = result.totals
    example_rows = sorted(number + 1 for number, row in rows.items() if row["kind"] == "example")
    shown = []
    for number in sorted(rows):
        row = rows[number]
        shown.append(
            {
                "number": number,
                "excel_row": number + 1,
                "kind": row["kind"],
                "kind_label": labels[row["kind"]],
                "cells": row["cells"],
                "problems": row["problems"],
            }
        )
    columns = [str(field.column_name) for _name, field in preview_fields(resource)]
    # รหัสรายการ only when a row shows one (a filled template never has it: new rows).
    id_first = columns and columns[0] == str(resource.fields["id"].column_name)
    if id_first and not any(
        row["cells"][0]["value"] or row["cells"][0]["problems"] for row in shown
    ):
        columns = columns[1:]
        for row in shown:
            row["cells"] = row["cells"][1:]
    return {
        "columns": columns,
        "rows": shown,
        "counts": {
            "new": totals.get("new", 0),
            "update": totals.get("update", 0),
            "skip": totals.get("skip", 0) - len(example_rows),
            "example": len(example_rows),
            "problems": problem_count,
        },
        "total": result.total_rows,
        "shown": len(shown),
        "not_shown": max(0, result.total_rows - len(shown)),
        "preview_rows": PREVIEW_ROWS,
        "problems_not_shown": max(0, problem_count - problems_shown),
        "example_rows": example_rows,
    }
