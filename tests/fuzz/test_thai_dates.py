"""Buddhist-Era date entry: any text gives a date or "not a date", never an exception; every
date typed in BE (or CE, or two-digit BE, in Thai or Arabic digits) reads back as itself."""

import datetime

from django import forms
from hypothesis import assume, given
from hypothesis import strategies as st

from sammachip.fields import ThaiDateFormField, ThaiDateInput
from sammachip.thaidate import parse_thai_date

THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
dates = st.dates(min_value=datetime.date(1957, 1, 1), max_value=datetime.date(2099, 12, 31))
date_like = st.from_regex(r"\A\s*\d{1,3}\s*[/.\-]\s*\d{1,3}\s*[/.\-]\s*\d{1,5}\s*\Z")


@given(st.one_of(st.text(), date_like, st.integers(), st.floats()))
def test_anything_gives_a_date_or_none(value):
    result = parse_thai_date(value)
    assert result is None or isinstance(result, datetime.date)


@given(dates, st.sampled_from("/.-"), st.booleans(), st.booleans())
def test_a_be_date_reads_back(day, separator, padded, thai):
    be_year = day.year + 543
    text = (
        f"{day.day:02d}{separator}{day.month:02d}{separator}{be_year}"
        if padded
        else f"{day.day}{separator}{day.month}{separator}{be_year}"
    )
    if thai:
        text = text.translate(THAI)
    assert parse_thai_date(text) == day


@given(dates)
def test_a_ce_date_reads_back(day):
    assume(day.year <= 2400)
    assert parse_thai_date(f"{day.day}/{day.month}/{day.year}") == day


@given(dates)
def test_a_two_digit_year_is_be(day):
    assume(2500 <= day.year + 543 <= 2599)
    short = (day.year + 543) % 100
    assert parse_thai_date(f"{day.day}/{day.month}/{short:02d}") == day


@given(dates)
def test_the_widget_and_the_field_round_trip(day):
    shown = ThaiDateInput().format_value(day)
    assert str(day.year + 543) in shown
    assert ThaiDateFormField().to_python(shown) == day


@given(st.text())
def test_the_form_field_answers_a_date_or_a_thai_error(text):
    field = ThaiDateFormField()
    try:
        value = field.to_python(text)
    except forms.ValidationError as error:
        assert "พ.ศ." in error.messages[0]
        return
    assert value is None or isinstance(value, datetime.date)
