"""The field app and the year lock (``programs.locking``): a locked district-year is said up
front and never crashes a page (QA walk B, items 1 and 2)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from programs.models import DistrictReport, FollowUp
from sammachip import thaidate
from tests.programs.factories import make_household

# The worklist's reads (session, user, districts, the schedule, the households) and the one
# read of the locking reports (``locking.cached()``, from the middleware).
WORKLIST_QUERIES = 6


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


def _worklist(client, **params):
    return client.get(reverse("field:worklist"), params).content.decode()


def test_the_worklist_marks_locked_households_and_offers_no_visit_for_them(
    phon_client, two_districts
):
    village = two_districts["phon"]
    this_year = thaidate.fiscal_year(timezone.localdate())
    locked = make_household(village=village, fiscal_year=this_year, first_name="ปิดปีแล้ว")
    DistrictReport.objects.create(district_id="4012", fiscal_year=this_year, status="submitted")
    html = _worklist(phon_client)
    assert "ปิดปีแล้ว" in html
    assert f"ปีงบประมาณ {this_year} ของอำเภอพล ส่งรายงานแล้ว — บันทึกการติดตามไม่ได้" in html
    assert reverse("field:visit", args=[locked.pk]) not in html
    page = phon_client.get(reverse("field:visit", args=[locked.pk])).content.decode()
    assert "บันทึกการติดตามไม่ได้" in page
    assert 'id="visit-form"' not in page


def test_an_approval_before_today_leaves_todays_visits_open(phon_client, two_districts):
    village = two_districts["phon"]
    this_year = thaidate.fiscal_year(timezone.localdate())
    home = make_household(village=village, fiscal_year=this_year, first_name="เปิดอยู่")
    DistrictReport.objects.create(
        district_id="4012",
        fiscal_year=this_year,
        status="approved",
        approved_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    html = _worklist(phon_client)
    assert reverse("field:visit", args=[home.pk]) in html
    assert "บันทึกการติดตามไม่ได้" not in html


@pytest.mark.parametrize("households", [1, 6])
def test_the_lock_costs_the_worklist_one_query_however_many_households(
    phon_client, two_districts, django_assert_num_queries, households
):
    village = two_districts["phon"]
    this_year = thaidate.fiscal_year(timezone.localdate())
    for n in range(households):
        make_household(village=village, fiscal_year=this_year, first_name=f"บ้าน{n}")
    DistrictReport.objects.create(district_id="4012", fiscal_year=this_year, status="submitted")
    phon_client.get(reverse("field:worklist"))  # the session's own first reads
    with django_assert_num_queries(WORKLIST_QUERIES) as queries:
        html = _worklist(phon_client)
    reports = [q for q in queries.captured_queries if "programs_districtreport" in q["sql"]]
    assert len(reports) == 1
    assert html.count("บันทึกการติดตามไม่ได้") == households
