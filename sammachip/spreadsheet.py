"""Text that a spreadsheet must show as text, never run as a formula (OWASP CSV injection).

The one rule for every CSV the site writes (household exports, ``/stats/csv``) and for the
import that reads our own exports back: a text cell whose first character is ``= + - @``, a tab
or a carriage return gets a leading ``'``. The first character is also compared after NFKC, so
the full-width and small forms a Thai or Japanese keyboard types (``＝ ＋ － ＠ ﹦ ﹢ ﹣ ﹫``)
and the super/subscript signs are escaped like their ASCII forms. Numbers are left alone (a
negative income stays a number).
"""

import unicodedata

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def starts_like_formula(text):
    """Whether a spreadsheet could read ``text`` (a ``str``) as a formula."""
    first = text[:1]
    return bool(first) and (
        first in FORMULA_PREFIXES
        or unicodedata.normalize("NFKC", first).startswith(FORMULA_PREFIXES)
    )


def spreadsheet_safe(value):
    """``value`` for a CSV cell: text that starts like a formula gets a leading ``'``."""
    if isinstance(value, str) and starts_like_formula(value):
        return "'" + value
    return value


def spreadsheet_unescaped(value):
    """The import side: ``'=x`` (as ``spreadsheet_safe`` wrote it) becomes ``=x`` again."""
    if isinstance(value, str) and value[:1] == "'" and starts_like_formula(value[1:]):
        return value[1:]
    return value


# Number formats of every xlsx the site writes: dates are real date cells shown in the Buddhist
# Era. ``[$-107041E]`` is Excel's locale code ``xxyyzzzz``: 01 Western digits, 07 the Thai
# (Buddhist) calendar, 041E Thai month names; Excel and LibreOffice both show ``2 ธ.ค. 2569``
# (LibreOffice 7.4 checked by converting to PDF). Excel 365's newer ``[$-th-TH,107]`` is shown
# by LibreOffice as the bare serial number (46358), and ``bbbb``/``B2`` are not understood there.
EXCEL_BE_DATE = "[$-107041E]d mmm yyyy"
EXCEL_BE_DATETIME = "[$-107041E]d mmm yyyy hh:mm"
# Baht with thousands separators and satang.
EXCEL_MONEY = "#,##0.00"
EXCEL_COUNT = "#,##0"


def csv_number(value):
    """A number for a CSV cell as a person writes it: ``1500``, not ``1500.0``; anything else
    unchanged (``2500.5`` stays)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
