"""``Household.status`` and ``income_after`` follow the record through every ORM door, and
keeping them in step costs at most two queries per saved follow-up or attendance change
(programs/stages.py, the signals and querysets of programs/models.py)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs import parameters
from programs.models import FollowUp, Household, ProgrammeYear
from tests.programs.factories import make_group, make_household, make_session, make_team

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 2, 1)  # 1 ก.พ. 2568, inside FY 2568


def later(days):
    return DAY + datetime.timedelta(days=days)


@pytest.fixture
def team(two_districts):
    return make_team(village=two_districts["phon"])


@pytest.fixture
def household(team):
    return make_household(village=team.village, trainer_team=team, income_before=2000)


@pytest.fixture
def session(team):
    return make_session(team=team, start_date=DAY)


@pytest.fixture
def trained(household, session):
    session.attendees.add(household)
    return household


def state(household):
    """(stage, income_after, its source) as stored."""
    row = Household.objects.filter(pk=household.pk).values(
        "status", "income_after", "income_after_source"
    )[0]
    return row["status"], row["income_after"], row["income_after_source"]


def visit(household, days, income=3500, practising=True, save=True):
    follow_up = FollowUp(
        household=household,
        visited_on=later(days),
        practising=practising,
        monthly_income=None if income is None else Decimal(income),
    )
    if save:
        follow_up.save()
    return follow_up


PRACTISING_3500 = ("practising", Decimal(3500), "followup")
TRAINED_NO_INCOME = ("trained", None, "")


# ---- the cost -------------------------------------------------------------------------------


def test_a_saved_follow_up_costs_its_insert_and_at_most_two_queries(
    trained, django_assert_num_queries
):
    parameters.for_year(2568)  # the parameters are cached (they were a query on every save)
    # INSERT; the year lock (programs.locking: one query through the household); keeping the
    # stage in step: the facts and income, one UPDATE.
    with django_assert_num_queries(1 + 1 + 2):
        FollowUp.objects.create(
            household_id=trained.pk, visited_on=later(30), monthly_income=Decimal(3500)
        )
    assert state(trained) == PRACTISING_3500
    follow_up = FollowUp.objects.get(household=trained)
    follow_up.monthly_income = Decimal(4000)
    # UPDATE of the visit; the lock (the row as stored, its report); the facts; the income
    with django_assert_num_queries(1 + 2 + 2):
        follow_up.save()
    with django_assert_num_queries(1 + 2 + 1):  # nothing changes: no UPDATE of the household
        follow_up.save()


def test_an_attendance_change_keeps_the_stage_in_two_queries(household, session):
    parameters.for_year(2568)
    with CaptureQueriesContext(connection) as queries:
        session.attendees.add(household)
    household_queries = [
        q["sql"] for q in queries.captured_queries if "programs_household" in q["sql"]
    ]
    kept = [
        sql
        for sql in household_queries
        if "stage_followup_on" in sql or sql.lstrip().startswith('UPDATE "programs_household"')
    ]
    assert len(kept) == 2


def test_the_parameters_are_read_once_then_from_the_cache(
    django_assert_num_queries, django_assert_max_num_queries
):
    ProgrammeYear.objects.create(fiscal_year=2568, minimum_training_days=3)
    with django_assert_max_num_queries(1):
        assert parameters.for_year(2568).minimum_training_days == 3
    with django_assert_num_queries(0):
        assert parameters.for_year(2568).minimum_training_days == 3
        assert parameters.for_years([2567, 2568])[2567].pk is None


def test_saving_the_parameters_forgets_the_cached_ones():
    year = ProgrammeYear.objects.create(fiscal_year=2568, evaluation_months=6)
    assert parameters.for_year(2568).evaluation_months == 6
    year.evaluation_months = 2
    year.save()
    assert parameters.for_year(2568).evaluation_months == 2
    year.delete()
    assert parameters.for_year(2568).pk is None


def test_the_income_window_of_the_year_is_kept_with_the_cache(trained):
    """A visit after the evaluation window (30 Sep 2568 + 6 months) does not give the income:
    the latest one inside the window does."""
    visit(trained, 30, income=3000)
    visit(trained, 430, income=9000)  # 6 Apr 2569: after 30 Mar 2569
    assert state(trained) == ("practising", Decimal(3000), "followup")


# ---- every door -----------------------------------------------------------------------------


def test_follow_up_objects_create(trained):
    FollowUp.objects.create(household=trained, visited_on=later(30), monthly_income=3500)
    assert state(trained) == PRACTISING_3500


def test_follow_ups_bulk_create(trained):
    FollowUp.objects.bulk_create([visit(trained, 30, save=False)])
    assert state(trained) == PRACTISING_3500


def test_follow_ups_bulk_create_without_refresh_leaves_it_to_the_caller(trained):
    """``refresh=False``: for a caller that refreshes the stages itself, once (the field sync)."""
    from programs.stages import household_stages_refresh

    FollowUp.objects.bulk_create([visit(trained, 30, save=False)], refresh=False)
    assert state(trained) == TRAINED_NO_INCOME
    household_stages_refresh(households=[trained.pk], income=True)
    assert state(trained) == PRACTISING_3500


def test_follow_ups_queryset_update(trained):
    visit(trained, 30)
    FollowUp.objects.filter(household=trained).update(practising=False)
    assert state(trained) == ("trained", Decimal(3500), "followup")
    FollowUp.objects.filter(household=trained).update(monthly_income=None)
    assert state(trained) == TRAINED_NO_INCOME


def test_follow_ups_bulk_update(trained):
    follow_up = visit(trained, 30)
    follow_up.practising = False
    follow_up.monthly_income = Decimal(1000)
    FollowUp.objects.bulk_update([follow_up], ["practising", "monthly_income"])
    assert state(trained) == ("trained", Decimal(1000), "followup")


def test_a_follow_up_deleted(trained):
    follow_up = visit(trained, 30)
    follow_up.delete()
    assert state(trained) == TRAINED_NO_INCOME


def test_follow_ups_deleted_as_a_queryset(trained):
    visit(trained, 30)
    visit(trained, 40, income=2500)
    FollowUp.objects.filter(household=trained).delete()
    assert state(trained) == TRAINED_NO_INCOME


def test_a_follow_up_moved_to_another_household(trained, session, team):
    other = make_household(village=team.village, trainer_team=team)
    session.attendees.add(other)
    follow_up = visit(trained, 30)
    follow_up.household = other
    follow_up.save()
    assert state(other) == PRACTISING_3500
    assert state(trained) == TRAINED_NO_INCOME  # the household it left steps back


def test_attendance_doors(household, session):
    session.attendees.add(household)
    assert state(household)[0] == "trained"
    session.attendees.remove(household)
    assert state(household)[0] == "target"
    session.attendees.add(household)
    session.attendees.clear()
    assert state(household)[0] == "target"
    household.sessions.add(session)
    assert state(household)[0] == "trained"
    household.sessions.remove(session)
    assert state(household)[0] == "target"
    household.sessions.add(session)
    household.sessions.clear()
    assert state(household)[0] == "target"
    session.attendees.set([household])
    assert state(household)[0] == "trained"


def test_group_join_and_leave_through_the_household(trained):
    group = make_group(village=trained.village)
    trained.group = group
    trained.save()
    assert state(trained)[0] == "grouped"
    trained.group = None
    trained.save()
    assert state(trained)[0] == "trained"


def test_group_join_and_leave_through_queryset_update(trained):
    group = make_group(village=trained.village)
    Household.objects.filter(pk=trained.pk).update(group=group)
    assert state(trained)[0] == "grouped"
    Household.objects.filter(group=group).update(group=None)  # the filter's rows, read before
    assert state(trained)[0] == "trained"


def test_group_join_and_leave_through_the_groups_members(trained):
    group = make_group(village=trained.village)
    group.members.add(trained)
    assert state(trained)[0] == "grouped"
    group.members.remove(trained)
    assert state(trained)[0] == "trained"
    group.members.add(trained)
    group.members.clear()
    assert state(trained)[0] == "trained"


def test_a_status_written_with_queryset_update_does_not_stay(trained):
    Household.objects.filter(pk=trained.pk).update(status="grouped")
    assert state(trained)[0] == "trained"


def test_a_status_passed_to_bulk_create_does_not_stay(team):
    from tests.programs.factories import valid_id

    rows = [
        Household(
            village=team.village,
            district_id=team.village.district_id,  # bulk_create skips save(), which derives it
            trainer_team=team,
            fiscal_year=team.fiscal_year,
            first_name="สมชาย",
            last_name=f"นำเข้าทดสอบ{n}",
            house_no=str(n),
            citizen_id=valid_id(),
            income_before=Decimal(2000),
            status="grouped",
        )
        for n in range(3)
    ]
    created = Household.objects.bulk_create(rows)
    assert [h.status for h in created] == ["target"] * 3  # in memory too
    assert set(
        Household.objects.filter(pk__in=[h.pk for h in created]).values_list("status", flat=True)
    ) == {"target"}
    kept = Household(
        village=team.village,
        district_id=team.village.district_id,
        fiscal_year=team.fiscal_year,
        first_name="สมหญิง",
        last_name="เดโมทดสอบ",
        house_no="9",
        citizen_id=valid_id(),
        status="grouped",
    )
    Household.objects.bulk_create([kept], refresh=False)  # the caller refreshes itself
    assert Household.objects.get(pk=kept.pk).status == "grouped"


def test_an_income_typed_by_hand_is_left_alone_by_every_door(trained):
    Household.objects.filter(pk=trained.pk).update(income_after=Decimal(5000))
    FollowUp.objects.bulk_create([visit(trained, 30, save=False)])
    assert state(trained) == ("practising", Decimal(5000), "")


# ---- the import: an income in the file is the officer's ------------------------------------


def import_rows(user, household, **cells):
    import tablib

    from programs.resources import HouseholdResource

    row = {
        "รหัสรายการ": household.pk if household.pk else "",
        "ปีงบประมาณ (พ.ศ.)": household.fiscal_year,
        "รหัสหมู่บ้าน": household.village.code,
        "บ้านเลขที่": household.house_no,
        "คำนำหน้า": household.prefix,
        "ชื่อ": household.first_name,
        "นามสกุล": household.last_name,
        "เลขประจำตัวประชาชน": household.citizen_id,
        **cells,
    }
    dataset = tablib.Dataset(headers=list(row))
    dataset.append(list(row.values()))
    result = HouseholdResource(user=user).import_data(dataset, dry_run=False)
    assert not result.has_validation_errors()
    assert not result.has_errors()


def test_an_imported_income_is_marked_typed_by_hand(phon_officer, team):
    new = Household(
        village=team.village,
        fiscal_year=2568,
        house_no="77",
        prefix="นาย",
        first_name="นำเข้า",
        last_name="รายได้",
        citizen_id="1101700230708",
    )
    import_rows(phon_officer, new, **{"รายได้เมื่อประเมินสิ้นปี (บาท/เดือน)": "4,200"})
    household = Household.objects.get(last_name="รายได้")
    assert state(household) == ("target", Decimal(4200), "manual")


def test_an_income_changed_by_import_is_kept_and_an_unchanged_one_keeps_its_source(
    phon_officer, trained
):
    column = "รายได้เมื่อประเมินสิ้นปี (บาท/เดือน)"
    visit(trained, 30)
    trained.refresh_from_db()
    import_rows(phon_officer, trained, **{column: "3500", "โทรศัพท์": "0812345678"})
    assert state(trained) == PRACTISING_3500  # the follow-up's income, re-imported as it was
    import_rows(phon_officer, trained, **{column: "5000"})
    assert state(trained) == ("practising", Decimal(5000), "manual")
    visit(trained, 40, income=2500)
    assert state(trained)[1:] == (Decimal(5000), "manual")  # a visit does not replace it
    trained.refresh_from_db()
    import_rows(phon_officer, trained, **{column: ""})
    assert state(trained) == ("practising", Decimal(2500), "followup")  # emptied: the visits'


# ---- the stored training date, and a stale copy of the household ---------------------------


def test_the_training_date_is_stored_with_the_stage(household, session):
    session.attendees.add(household)
    assert Household.objects.get(pk=household.pk).training_ended_on == DAY
    session.end_date = later(2)
    session.save()
    assert Household.objects.get(pk=household.pk).training_ended_on == later(2)
    session.attendees.remove(household)
    assert Household.objects.get(pk=household.pk).training_ended_on is None


def test_a_stale_copy_saved_does_not_write_its_stage_back(household, session):
    stale = Household.objects.get(pk=household.pk)  # read before the attendance
    session.attendees.add(household)
    stale.phone = "0812345678"
    stale.save()
    saved = Household.objects.get(pk=household.pk)
    assert (saved.status, saved.training_ended_on, saved.phone) == ("trained", DAY, "0812345678")
