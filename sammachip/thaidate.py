"""Thai dates: Buddhist-Era display, BE input, and Thai fiscal years.

The Buddhist Era (พ.ศ.) is the Common Era year + 543. A Thai fiscal year runs from 1 October to
30 September and is named by the BE year in which it ends: FY 2567 = 1 Oct 2023 – 30 Sep 2024.
"""

import datetime

from django.utils import timezone

BE_OFFSET = 543

THAI_MONTHS = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
THAI_MONTHS_SHORT = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)


def be_year(ce_year):
    return ce_year + BE_OFFSET


def ce_year(year):
    """A year as typed by a Thai user: above 2400 it is BE, otherwise CE."""
    return year - BE_OFFSET if year > 2400 else year


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


def format_thai_datetime(value, short=False):
    """``21 มิถุนายน 2560 เวลา 18:03 น.`` in local time (Asia/Bangkok); '' for None."""
    if value is None or value == "":
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{format_thai_date(value, short=short)} เวลา {value:%H:%M} น."


def fiscal_year(value):
    """The Thai fiscal year (BE) a date or datetime falls in."""
    day = _as_local_date(value)
    return be_year(day.year) + (1 if day.month >= 10 else 0)


def fiscal_year_bounds(be):
    """First and last day of fiscal year ``be`` (BE)."""
    ending_ce = be - BE_OFFSET
    return datetime.date(ending_ce - 1, 10, 1), datetime.date(ending_ce, 9, 30)


def current_fiscal_year():
    return fiscal_year(timezone.localdate())
