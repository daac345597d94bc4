"""Thai dates, the one home: Buddhist-Era years, Thai digits, parsing what a person types,
formatting (long, short, with the time) and Thai fiscal years.

The Buddhist Era (พ.ศ.) is the Common Era year + 543. A Thai fiscal year runs from 1 October to
30 September and is named by the BE year in which it ends: FY 2567 = 1 Oct 2023 – 30 Sep 2024.
Month names and Thai digits come from PyThaiNLP; the formatters give what
``pythainlp.util.thai_strftime`` gives (a test pins it) at a twentieth of its cost per cell.
"""

import calendar
import datetime
import re

from django.utils import timezone
from pythainlp import thai_digits
from pythainlp.util.date import thai_abbr_months, thai_full_months

BE_OFFSET = 543
# ``str.translate`` table: Thai digits (``๒๕๖๗``) become Arabic ones.
THAI_DIGITS = str.maketrans(thai_digits, "0123456789")

THAI_MONTHS = tuple(thai_full_months)
THAI_MONTHS_SHORT = tuple(thai_abbr_months)


def be_year(ce_year):
    return ce_year + BE_OFFSET


def ce_year(year):
    """A year as typed by a Thai user: above 2400 it is BE, otherwise CE."""
    return year - BE_OFFSET if year > 2400 else year


def arabic_digits(text):
    """``text`` with Thai digits as Arabic digits."""
    return str(text).translate(THAI_DIGITS)


DATE_RE = re.compile(r"^\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{2,4})\s*$")


class NoSuchDate(ValueError):
    """A day/month/year as typed, but no such day in the calendar (``31/02/2569``, ``29/02/2569``
    in a common year, month 13): said "ไม่มีวันที่นี้", not "wrong format"."""


def _read_date(text):
    """The date ``text`` types, ``None`` if it is not a day/month/year; ``NoSuchDate`` if it is
    one the calendar does not have."""
    match = DATE_RE.match(arabic_digits(text))
    if not match:
        return None
    day, month, year = (int(part) for part in match.groups())
    if year < 100:
        year += 2500
    try:
        return datetime.date(ce_year(year), month, day)
    except ValueError:
        raise NoSuchDate(f"no such day: {text!r}") from None


def parse_thai_date(text):
    """``21/06/2560`` (BE) or ``21/06/2017`` (CE) → date; a year above 2400 is BE; ``None`` if
    the text is not a day/month/year (or no such day). Two-digit years are BE (``21/06/60``)."""
    try:
        return _read_date(text)
    except NoSuchDate:
        return None


def to_date(value):
    """A date from what a form or a spreadsheet cell holds: ``None`` for an empty value, a
    date as it is (a datetime's own date), text through ``parse_thai_date``; ``ValueError``
    for text that is not a date (``NoSuchDate``, a ``ValueError``, for a day the calendar
    does not have)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    parsed = _read_date(value)
    if parsed is None:
        raise ValueError(f"not a day/month/year: {value!r}")
    return parsed


def _as_local_date(value):
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


def format_thai_date(value, short=False):
    """``21 มิถุนายน 2560``, or with ``short`` ``21 มิ.ย. 60``; '' for None."""
    if value is None or value == "":
        return ""
    day = _as_local_date(value)
    if short:
        return f"{day.day} {THAI_MONTHS_SHORT[day.month - 1]} {be_year(day.year) % 100:02d}"
    return f"{day.day} {THAI_MONTHS[day.month - 1]} {be_year(day.year)}"


def format_input_date(value):
    """``21/06/2560``: a date as a BE date box shows it (what ``parse_thai_date`` reads back)."""
    return f"{value.day:02d}/{value.month:02d}/{be_year(value.year)}"


def format_thai_datetime(value, short=False):
    """``21 มิถุนายน 2560 เวลา 18:03 น.`` in local time (Asia/Bangkok); '' for None."""
    if value is None or value == "":
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{format_thai_date(value, short=short)} เวลา {value:%H:%M} น."


def format_be(value):
    """A date-time for an admin column: ``format_thai_datetime``, or ``—`` when there is none."""
    return format_thai_datetime(value) if value else "—"


def fiscal_year(value):
    """The Thai fiscal year (BE) a date or datetime falls in."""
    day = _as_local_date(value)
    return be_year(day.year) + (1 if day.month >= 10 else 0)


def fiscal_year_bounds(be):
    """First and last day of fiscal year ``be`` (BE)."""
    ending_ce = be - BE_OFFSET
    return datetime.date(ending_ce - 1, 10, 1), datetime.date(ending_ce, 9, 30)


def format_day_month_year(value):
    """``1 ต.ค. 2569``: the short month with the full BE year (messages naming a range)."""
    return f"{value.day} {THAI_MONTHS_SHORT[value.month - 1]} {be_year(value.year)}"


def fiscal_year_span(be):
    """``1 ต.ค. 2569 – 30 ก.ย. 2570``: fiscal year ``be`` (BE) as a person reads it."""
    first, last = fiscal_year_bounds(be)
    return f"{format_day_month_year(first)} – {format_day_month_year(last)}"


def add_months(value, months):
    """``value`` moved ``months`` calendar months later, on the same day or the month's last."""
    index = value.year * 12 + value.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last_day = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(value.day, last_day))


def current_fiscal_year():
    return fiscal_year(timezone.localdate())
