"""The field app and the year lock (``programs.locking``): a locked district-year is said up
front and never crashes a page (QA walk B, items 1 and 2)."""

import datetime

import pytest
from django.urls import reverse

from programs.models import DistrictReport, FollowUp
from tests.programs.factories import make_household


@pytest.fixture
def home(two_districts):
    return make_household(
        village=two_districts["phon"], fiscal_year=2569, status="trained", first_name="ล็อกไว้"
    )


def test_the_visit_form_without_javascript_shows_the_lock_and_keeps_what_was_typed(
    phon_client, home
):
    DistrictReport.objects.create(district_id="4012", fiscal_year=2569, status="submitted")
    response = phon_client.post(
        reverse("field:visit", args=[home.pk]),
        {
            "visited_on": "15/09/2569",
            "practising": "1",
            "monthly_income": "๓,๕๐๐",
            "notes": "ตกค้าง",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "ส่งรายงานแล้วและรอจังหวัดตรวจสอบ" in html
    assert "๓,๕๐๐" in html
    assert "ตกค้าง" in html
    assert not FollowUp.objects.exists()


def test_a_visit_after_the_approval_day_is_still_saved(phon_client, home):
    DistrictReport.objects.create(
        district_id="4012",
        fiscal_year=2569,
        status="approved",
        approved_on=datetime.date(2026, 9, 10),
    )
    response = phon_client.post(
        reverse("field:visit", args=[home.pk]),
        {"visited_on": "15/09/2569", "practising": "1", "monthly_income": "100"},
    )
    assert response.status_code == 302
    assert FollowUp.objects.filter(household=home).count() == 1
