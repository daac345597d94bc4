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
