import datetime
import zoneinfo

import pytest
from django.template import Context, Template

from sammachip import thaidate

BANGKOK = zoneinfo.ZoneInfo("Asia/Bangkok")


def test_full_thai_date_uses_buddhist_era():
    assert thaidate.format_thai_date(datetime.date(2017, 6, 21)) == "21 มิถุนายน 2560"


def test_short_thai_date():
    assert thaidate.format_thai_date(datetime.date(2017, 6, 21), short=True) == "21 มิ.ย. 60"


def test_short_thai_date_pads_two_digit_year():
    assert thaidate.format_thai_date(datetime.date(2043, 1, 5), short=True) == "5 ม.ค. 86"


def test_aware_datetime_is_shown_in_bangkok_time():
    # 20:30 UTC on 30 Sep is already 1 Oct in Bangkok.
    moment = datetime.datetime(2024, 9, 30, 20, 30, tzinfo=datetime.UTC)
    assert thaidate.format_thai_datetime(moment) == "1 ตุลาคม 2567 เวลา 03:30 น."


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2024, 9, 30), 2567),
        (datetime.date(2024, 10, 1), 2568),
        (datetime.date(2023, 10, 1), 2567),
        (datetime.date(2023, 9, 30), 2566),
        (datetime.date(2024, 1, 1), 2567),
        (datetime.date(2024, 12, 31), 2568),
    ],
)
def test_fiscal_year_boundaries(day, expected):
    assert thaidate.fiscal_year(day) == expected


def test_fiscal_year_of_an_aware_datetime_uses_the_local_date():
    late_sept_utc = datetime.datetime(2024, 9, 30, 18, 0, tzinfo=datetime.UTC)  # 01:00 on 1 Oct BKK
    assert thaidate.fiscal_year(late_sept_utc) == 2568


def test_fiscal_year_bounds():
    assert thaidate.fiscal_year_bounds(2567) == (
        datetime.date(2023, 10, 1),
        datetime.date(2024, 9, 30),
    )


@pytest.mark.parametrize(("typed", "ce"), [(2567, 2024), (2024, 2024), (2401, 1858)])
def test_typed_year_above_2400_is_buddhist_era(typed, ce):
    assert thaidate.ce_year(typed) == ce


def test_template_filters_are_builtin():
    template = Template(
        "{{ d|thai_date }}|{{ d|thai_date_short }}|{{ d|fiscal_year }}|{{ n|thai_date }}"
    )
    rendered = template.render(Context({"d": datetime.date(2024, 10, 1), "n": None}))
    assert rendered == "1 ตุลาคม 2567|1 ต.ค. 67|2568|"
