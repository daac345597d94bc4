"""Lock checks cost at most one query per request (issue 16): every web request runs inside one
``locking.cached()`` (``programs.middleware.YearLockCacheMiddleware``), so the locking reports
are read once however many records the request checks. Counted on the table the lock reads
(``programs_districtreport``) through the test client, for the doors that check many records:
exactly one read each (none would mean the door no longer checks the lock at all); and a report
moved inside such a block is never served stale."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs import locking, reporting
from programs.models import DistrictReport, FollowUp, Household, StageDecision, TrainerTeam
from tests.programs.factories import make_household, make_occupation, make_sage
from tests.programs.test_excel import admin_confirm, admin_import, filled_template, good_row
from tests.programs.test_reporting import make_reportable
from tests.programs.test_team_entry import household_form, household_row, team_post

pytestmark = pytest.mark.django_db

TABLE = "programs_districtreport"
ROWS = 10


class LockQueries(CaptureQueriesContext):
    """The queries of the block that read the reports' table."""

    def __init__(self):
        super().__init__(connection)

    @property
    def lock_queries(self):
        return [query["sql"] for query in self.captured_queries if TABLE in query["sql"]]


def lock(status, district="4012", fiscal_year=2568):
    DistrictReport.objects.update_or_create(
        district_id=district,
        fiscal_year=fiscal_year,
        defaults={
            "status": status,
            "approved_on": datetime.date(2025, 10, 15) if status == "approved" else None,
        },
    )


@pytest.fixture
def other_locks(geography):
    """Locked district-years elsewhere: the lock has rows to read but none of them is ours."""
    lock("approved", district="4001", fiscal_year=2568)
    lock("submitted", district="4012", fiscal_year=2566)


def follow_up_rows(n, start=0):
    return {
        key: value
        for i in range(n)
        for key, value in {
            f"follow_ups-{start + i}-visited_on": f"{1 + i:02d}/06/2567",
            f"follow_ups-{start + i}-practising": "on",
            f"follow_ups-{start + i}-monthly_income": str(3000 + i),
        }.items()
    }


def test_household_change_form_with_follow_up_inlines(phon_client, two_districts, other_locks):
    village = two_districts["phon"]
    household = make_household(village=village, fiscal_year=2567)
    stored = [
        FollowUp.objects.create(
            household=household,
            visited_on=datetime.date(2024, 5, 1 + i),
            practising=True,
            monthly_income=2000,
        )
        for i in range(3)
    ]
    data = household_form(
        village,
        fiscal_year=2567,
        citizen_id="",
        first_name=household.first_name,
        last_name=household.last_name,
        house_no=household.house_no,
    )
    data |= {"follow_ups-TOTAL_FORMS": str(3 + ROWS), "follow_ups-INITIAL_FORMS": "3"}
    for i, follow_up in enumerate(stored):  # the stored ones changed
        data |= {
            f"follow_ups-{i}-id": follow_up.pk,
            f"follow_ups-{i}-household": household.pk,
            f"follow_ups-{i}-visited_on": f"{1 + i:02d}/05/2567",
            f"follow_ups-{i}-practising": "on",
            f"follow_ups-{i}-monthly_income": "2500",
        }
    data |= follow_up_rows(ROWS, start=3)
    url = f"/admin/programs/household/{household.pk}/change/"
    with LockQueries() as queries:
        response = phon_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert FollowUp.objects.filter(household=household).count() == 3 + ROWS
    assert FollowUp.objects.filter(household=household, monthly_income=2500).count() == 3
    assert len(queries.lock_queries) == 1, queries.lock_queries

    with LockQueries() as queries:
        assert phon_client.get(url).status_code == 200
    assert len(queries.lock_queries) == 1, queries.lock_queries


def test_a_locked_household_form_is_refused_with_one_lock_query(phon_client, two_districts):
    village = two_districts["phon"]
    household = make_household(village=village, fiscal_year=2567)
    lock("submitted", fiscal_year=2567)
    url = f"/admin/programs/household/{household.pk}/change/"
    data = household_form(village, fiscal_year=2567, citizen_id="") | {
        "follow_ups-TOTAL_FORMS": str(ROWS)
    }
    data |= follow_up_rows(ROWS)
    with LockQueries() as queries:
        assert phon_client.post(url, data).status_code == 403
    assert not FollowUp.objects.exists()
    assert len(queries.lock_queries) == 1, queries.lock_queries
    with LockQueries() as queries:
        page = phon_client.get(url)
    assert "สำนักงานพัฒนาชุมชนจังหวัด" in page.content.decode()
    assert len(queries.lock_queries) == 1, queries.lock_queries


def test_bulk_drop_decision_over_many_households(phon_client, two_districts, other_locks):
    households = [
        make_household(village=two_districts["phon"], fiscal_year=2568, status="trained")
        for _ in range(ROWS * 2)
    ]
    with LockQueries() as queries:
        response = phon_client.post(
            "/admin/programs/household/",
            {
                "action": "record_drop_decision",
                "_selected_action": [h.pk for h in households],
                "decided_on": "01/04/2568",
                "reason": "เลิกแล้ว",
            },
        )
    assert response.status_code == 302
    assert StageDecision.objects.count() == ROWS * 2
    assert len(queries.lock_queries) == 1, queries.lock_queries


def test_bulk_delete_confirmation_and_delete(phon_client, two_districts, other_locks):
    households = [make_household(village=two_districts["phon"]) for _ in range(ROWS)]
    for household in households:
        FollowUp.objects.create(
            household=household, visited_on=datetime.date(2025, 3, 1), practising=True
        )
    data = {"action": "delete_selected", "_selected_action": [h.pk for h in households]}
    with LockQueries() as queries:
        assert phon_client.post("/admin/programs/household/", data).status_code == 200
    assert len(queries.lock_queries) == 1, queries.lock_queries
    with LockQueries() as queries:
        response = phon_client.post("/admin/programs/household/", data | {"post": "yes"})
    assert response.status_code == 302
    assert not Household.objects.filter(pk__in=[h.pk for h in households]).exists()
    assert len(queries.lock_queries) == 1, queries.lock_queries


def test_delete_page_of_a_household_with_follow_ups(phon_client, two_districts, other_locks):
    household = make_household(village=two_districts["phon"])
    for day in range(1, 6):
        FollowUp.objects.create(
            household=household, visited_on=datetime.date(2025, 3, day), practising=True
        )
    url = f"/admin/programs/household/{household.pk}/delete/"
    with LockQueries() as queries:
        assert phon_client.get(url).status_code == 200
    assert len(queries.lock_queries) == 1, queries.lock_queries
    with LockQueries() as queries:
        assert phon_client.post(url, {"post": "yes"}).status_code == 302
    assert not Household.objects.filter(pk=household.pk).exists()
    assert len(queries.lock_queries) == 1, queries.lock_queries


def test_team_grid_with_twenty_households(phon_client, two_districts, other_locks):
    village = two_districts["phon"]
    sage, occupation = make_sage(village=village), make_occupation("ทอผ้าไหม")
    rows = [household_row(n) for n in range(20)]
    with LockQueries() as queries:
        response = phon_client.post(
            "/admin/programs/trainerteam/add/", team_post(village, sage, occupation, rows)
        )
    assert response.status_code == 302
    assert TrainerTeam.objects.get().households.count() == 20
    assert len(queries.lock_queries) == 1, queries.lock_queries


def test_field_sync_of_several_visits(phon_client, two_districts, other_locks):
    from tests.programs.test_field import item, statuses, sync

    homes = [
        make_household(village=two_districts["phon"], fiscal_year=2569, status="trained")
        for _ in range(ROWS)
    ]
    with LockQueries() as queries:
        response = sync(phon_client, *[item(home) for home in homes])
    assert statuses(response) == ["saved"] * ROWS
    assert len(queries.lock_queries) == 1, queries.lock_queries


def test_field_visit_form(phon_client, two_districts, other_locks):
    from django.urls import reverse

    home = make_household(village=two_districts["phon"], fiscal_year=2569, status="trained")
    url = reverse("field:visit", args=[home.pk])
    with LockQueries() as queries:
        response = phon_client.post(
            url, {"visited_on": "15/09/2569", "practising": "1", "monthly_income": "3500"}
        )
    assert response.status_code == 302
    assert FollowUp.objects.filter(household=home).count() == 1
    assert len(queries.lock_queries) == 1, queries.lock_queries


def test_import_confirm_of_several_rows(phon_client, programme, other_locks):
    make_occupation("ทอผ้าไหม")
    preview = admin_import(phon_client, filled_template([good_row(n) for n in range(1, ROWS + 1)]))
    assert preview.context["confirm_form"] is not None
    with LockQueries() as queries:
        response = admin_confirm(phon_client, preview)
    assert response.status_code == 302
    assert Household.objects.filter(fiscal_year=2569).count() == ROWS
    assert len(queries.lock_queries) == 1, queries.lock_queries


# --- a report moved inside a cached block -------------------------------------------------------


def test_submitting_inside_a_cached_block_locks_at_once(phon_officer, programme):
    make_reportable(programme)
    household = Household.objects.get(pk=programme["phon"]["household"].pk)
    with locking.cached():
        locking.check(household)  # reads the reports: the year is open
        reporting.report_submit(district="4012", fiscal_year=2568, user=phon_officer, note="ครบ")
        household.house_no = "99"
        with pytest.raises(locking.YearLocked):
            household.save()
        with pytest.raises(locking.YearLocked):
            FollowUp.objects.create(
                household=household, visited_on=datetime.date(2025, 4, 1), practising=True
            )
    assert Household.objects.get(pk=household.pk).house_no != "99"


def test_reopening_inside_a_cached_block_opens_at_once(phon_officer, province_staff, programme):
    make_reportable(programme)
    reporting.report_submit(district="4012", fiscal_year=2568, user=phon_officer, note="ครบ")
    reporting.report_approve(district="4012", fiscal_year=2568, user=province_staff)
    household = Household.objects.get(pk=programme["phon"]["household"].pk)
    with locking.cached():
        assert locking.is_locked("4012", 2568)
        reporting.report_reopen(
            district="4012", fiscal_year=2568, user=province_staff, reason="แก้รายได้"
        )
        assert not locking.is_locked("4012", 2568)
        household.house_no = "99"
        household.save()
    assert Household.objects.get(pk=household.pk).house_no == "99"


def test_a_report_written_directly_inside_a_cached_block_is_seen(programme):
    household = Household.objects.get(pk=programme["phon"]["household"].pk)
    with locking.cached():
        assert not locking.is_locked("4012", 2568)
        lock("approved")  # however written: the ORM, not the service
        with pytest.raises(locking.YearLocked):
            household.save()
        DistrictReport.objects.filter(district_id="4012").delete()
        household.save()


def test_a_submission_through_the_admin_then_a_save_is_refused(
    phon_client, phon_officer, programme
):
    make_reportable(programme)
    household = programme["phon"]["household"]
    response = phon_client.post(
        "/admin/programs/districtreport/submit/4012/2568/", {"note": "ครบแล้ว"}
    )
    assert response.status_code == 302
    assert DistrictReport.objects.get(district_id="4012", fiscal_year=2568).status == "submitted"
    url = f"/admin/programs/household/{household.pk}/change/"
    assert phon_client.post(url, {}).status_code == 403


def test_nested_blocks_share_one_read(programme):
    with LockQueries() as queries, locking.cached():
        locking.is_locked("4012", 2568)
        with locking.cached():
            locking.is_locked("4001", 2568)
        locking.is_locked("4012", 2567)
    assert len(queries.lock_queries) == 1


def test_once_the_move_commits_the_block_reads_once_again(
    phon_officer, programme, django_capture_on_commit_callbacks
):
    make_reportable(programme)
    with LockQueries() as queries, locking.cached():
        assert not locking.is_locked("4012", 2568)
        with django_capture_on_commit_callbacks(execute=True):
            reporting.report_submit(
                district="4012", fiscal_year=2568, user=phon_officer, note="ครบ"
            )
            assert locking.is_locked("4012", 2568)  # before the commit: read each time
            assert locking.is_locked("4012", 2568)
        before = len(queries.lock_queries)
        for _n in range(5):
            assert locking.is_locked("4012", 2568)
            assert not locking.is_locked("4001", 2568)
        after = len(queries.lock_queries)
    assert after - before == 1


def test_rows_are_checked_in_one_query_however_many_years_are_locked(
    programme, django_assert_num_queries
):
    from villages.models import District

    household = programme["phon"]["household"]  # อ.พล, FY 2568
    before = FollowUp.objects.create(
        household=household, visited_on=datetime.date(2025, 3, 1), practising=True
    )
    for district in District.objects.filter(province_id="40").exclude(code="4012"):
        lock("approved", district=district.code)
    lock("submitted", fiscal_year=2567)
    with locking.cached():
        locking.locked_years()  # the request's one read of the reports
        with django_assert_num_queries(1):
            assert locking.rows_lock(Household.objects.filter(district_id="4012")) is None
    lock("approved")  # อ.พล's FY 2568, approved on 15 Oct 2025
    after = FollowUp.objects.create(
        household=household, visited_on=datetime.date(2025, 10, 16), practising=True
    )
    with locking.cached():
        locking.locked_years()
        with django_assert_num_queries(1):
            assert locking.rows_lock(FollowUp.objects.filter(pk=after.pk)) is None
        with django_assert_num_queries(1):
            report = locking.rows_lock(FollowUp.objects.filter(pk__in=[before.pk, after.pk]))
        assert (report.district_id, report.fiscal_year) == ("4012", 2568)
        with pytest.raises(locking.YearLocked):
            Household.objects.filter(district_id="4012").delete()
    assert Household.objects.filter(pk=household.pk).exists()


def test_new_records_built_by_parent_id_are_checked_together(
    two_districts, django_assert_num_queries
):
    households = [make_household(village=two_districts["phon"]) for _ in range(ROWS)]
    lock("approved", district="4001")

    def decisions(day):
        return [StageDecision(household_id=h.pk, decided_on=day, reason="เลิก") for h in households]

    with locking.cached():
        locking.locked_years()
        with django_assert_num_queries(1):  # the households' district and year, once
            locking.check_new(decisions(datetime.date(2025, 4, 1)))
    lock("submitted")
    with pytest.raises(locking.YearLocked) as raised:
        locking.check_new(decisions(datetime.date(2025, 4, 1)))
    assert "ส่งรายงานแล้ว" in raised.value.messages[0]
    lock("approved")  # on 15 Oct 2025: a decision dated after it stays open
    locking.check_new(decisions(datetime.date(2025, 10, 20)))
    with pytest.raises(locking.YearLocked):
        locking.check_new(decisions(datetime.date(2025, 10, 15)))
