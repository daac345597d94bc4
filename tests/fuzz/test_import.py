"""The household import (``HouseholdResource().import_data``) with fuzzed rows: it never raises,
reports bad input as row validation errors (Thai), and saves nothing unless every row is valid."""

import datetime
import itertools

import pytest
import tablib
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from programs.models import Household
from programs.resources import HouseholdResource
from sammachip import citizen_id
from tests.programs.factories import make_occupation

pytestmark = pytest.mark.django_db

HEADERS = HouseholdResource().get_export_headers()
_serial = itertools.count(1)

garbage = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.sampled_from(
        ["=1+1", "+66", "-", "@SUM(A1)", "'=x", "\x00", "\t", "๒๕๖๘", "1-2345-xxxxx-xx-1"]
    ),
)


def valid_id(_):
    return citizen_id.with_check_digit(f"5{next(_serial):011d}")


def column(valid):
    """Mostly valid values for a column, sometimes garbage."""
    return st.one_of(valid, valid, valid, garbage)


@st.composite
def rows(draw, village_codes):
    row = {
        "รหัสรายการ": draw(st.one_of(st.just(""), st.just(""), garbage)),
        "ปีงบประมาณ (พ.ศ.)": draw(column(st.sampled_from([2568, "2569", "๒๕๖๙", 2569.0]))),
        "รหัสหมู่บ้าน": draw(column(st.sampled_from(village_codes))),
        "บ้านเลขที่": draw(column(st.sampled_from(["1", "12/3", "๔๕", "99 ม.2"]))),
        "คำนำหน้า": draw(column(st.sampled_from(["นาย", "นาง", "นางสาว", ""]))),
        "ชื่อ": draw(column(st.sampled_from(["สมชาย", "สมหญิง", "มานี"]))),
        "นามสกุล": draw(column(st.sampled_from(["ใจดี", "รักไทย", "ทดสอบ"]))),
        "เลขประจำตัวประชาชน": draw(column(st.integers(0, 5).map(valid_id))),
        "โทรศัพท์": draw(column(st.sampled_from(["0812345678", "081-234-5678", "", 812345678]))),
        "อาชีพ": draw(column(st.sampled_from(["ทอผ้าไหม", ""]))),
        "สถานะ": draw(column(st.sampled_from(["เป้าหมาย", "trained", "ประกอบอาชีพ", ""]))),
        "รายได้ก่อนเข้าร่วม (บาท/เดือน)": draw(column(st.sampled_from([2500, "3,000", "", 0]))),
        "รายได้เมื่อประเมินสิ้นปี (บาท/เดือน)": draw(column(st.sampled_from([2600, "", 1.5]))),
        "แก้ไขล่าสุด": draw(column(st.sampled_from(["", "21/06/2567", datetime.date(2024, 6, 21)]))),
    }
    for header in HEADERS:
        row.setdefault(header, draw(st.one_of(st.just(""), garbage)))
    return row


@pytest.fixture
def village_codes(two_districts):
    make_occupation("ทอผ้าไหม")
    return [two_districts["phon"].code, two_districts["muang"].code, "99999999"]


@pytest.fixture
def saved_before(village_codes):
    return Household.objects.count()


@given(data=st.data())
def test_import_never_raises_and_is_all_or_nothing(village_codes, saved_before, data):
    batch = data.draw(st.lists(rows(village_codes), min_size=1, max_size=8))
    headers = list(HEADERS)
    if data.draw(st.booleans()) and len(batch) > 1:
        headers.remove(data.draw(st.sampled_from(HEADERS)))  # a column missing
    dataset = tablib.Dataset(headers=headers)
    for row in batch:
        dataset.append([row.get(header, "") for header in headers])

    with transaction.atomic():
        result = HouseholdResource().import_data(
            dataset, dry_run=False, raise_errors=False, rollback_on_validation_errors=True
        )
        saved = Household.objects.count() - saved_before
        assert not result.has_errors(), [
            error.error for _, errors in result.row_errors() for error in errors
        ] or result.base_errors
        if result.has_validation_errors():
            assert saved == 0
            for invalid in result.invalid_rows:
                assert invalid.error_dict
        else:
            assert saved == result.totals["new"]
            for household in Household.objects.all():
                assert citizen_id.is_valid(household.citizen_id)
        transaction.set_rollback(True)
