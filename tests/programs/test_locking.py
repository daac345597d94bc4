"""The lock of a reported district-year at the model level (``programs.locking``): a report
row ``submitted`` or ``approved``, however written, refuses every write of that district-year."""

import datetime

import pytest
from django.db import transaction

from programs import locking
from programs.models import (
    DistrictReport,
    FollowUp,
    Household,
    StageDecision,
    TeamMember,
    TrainerTeam,
    TrainingSession,
)
from tests.programs.factories import make_group, make_household, make_session, valid_id

pytestmark = pytest.mark.django_db

APPROVED_ON = datetime.date(2025, 10, 15)  # FY 2568 ended 30 Sep 2025 (CE)


def lock(district="4012", fiscal_year=2568, status="approved"):
    return DistrictReport.objects.update_or_create(
        district_id=district,
        fiscal_year=fiscal_year,
        defaults={"status": status, "approved_on": APPROVED_ON if status == "approved" else None},
    )[0]


def refused(call):
    with pytest.raises(locking.YearLocked) as raised, transaction.atomic():
        call()
    assert "สำนักงานพัฒนาชุมชนจังหวัด" in raised.value.messages[0]
    return raised.value


@pytest.fixture
def phon(programme):
    data = programme["phon"]
    session = make_session(team=data["team"], attendees=[data["household"]])
    data["session"] = session
    data["member"] = TeamMember.objects.create(team=data["team"], first_name="ก", last_name="ข")
    data["visit"] = FollowUp.objects.create(
        household=data["household"], visited_on=datetime.date(2025, 3, 1), practising=True
    )
    return data


@pytest.mark.parametrize("status", ["submitted", "approved"])
def test_locked_year_refuses_changes_of_every_record(phon, status):
    lock(status=status)
    household = Household.objects.get(pk=phon["household"].pk)
    household.house_no = "99"
    refused(household.save)
    refused(phon["team"].save)
    refused(phon["member"].save)
    refused(phon["session"].save)
    refused(phon["visit"].save)
    assert Household.objects.get(pk=household.pk).house_no != "99"


@pytest.mark.parametrize("status", ["submitted", "approved"])
def test_locked_year_refuses_deletes(phon, status):
    lock(status=status)
    for obj in (phon["household"], phon["team"], phon["member"], phon["session"], phon["visit"]):
        refused(obj.delete)
    assert Household.objects.filter(pk=phon["household"].pk).exists()
    assert FollowUp.objects.filter(pk=phon["visit"].pk).exists()


def test_message_names_the_district_and_year(phon):
    lock(status="submitted")
    error = refused(phon["household"].save)
    assert "2568" in error.messages[0]
    # The district's name, a space, then the state (not run together).
    assert "ของอำเภอพล ส่งรายงานแล้วและรอจังหวัดตรวจสอบ จึง" in error.messages[0]


def test_message_of_an_approved_year(phon):
    lock(status="approved")
    error = refused(phon["household"].save)
    assert "ของอำเภอพล อนุมัติรายงานแล้ว จึง" in error.messages[0]


@pytest.mark.parametrize("status", ["open", "returned"])
def test_open_or_returned_year_is_writable(phon, status):
    lock(status=status)
    phon["household"].house_no = "77"
    phon["household"].save()
    phon["visit"].delete()
    phon["member"].delete()
    assert Household.objects.get(pk=phon["household"].pk).house_no == "77"


def test_other_district_and_other_year_stay_open(programme, phon):
    lock(status="approved")
    muang = programme["muang"]["household"]
    muang.house_no = "5"
    muang.save()
    make_household(village=phon["village"], fiscal_year=2569)
    assert Household.objects.filter(fiscal_year=2569).count() == 1


def test_adding_to_a_locked_year_is_refused(phon):
    lock(status="submitted")
    refused(
        lambda: Household.objects.create(
            village=phon["village"],
            fiscal_year=2568,
            house_no="1",
            first_name="ใหม่",
            last_name="ใหม่",
            citizen_id=valid_id(),
        )
    )
    refused(lambda: TeamMember.objects.create(team=phon["team"], first_name="a", last_name="b"))
    refused(
        lambda: TrainingSession.objects.create(
            team=phon["team"],
            start_date=datetime.date(2025, 3, 2),
            end_date=datetime.date(2025, 3, 2),
        )
    )
    assert not Household.objects.filter(first_name="ใหม่").exists()


def test_moving_a_household_into_or_out_of_a_locked_year_is_refused(phon):
    other = make_household(village=phon["village"], fiscal_year=2569)
    lock(status="approved")
    other.fiscal_year = 2568
    refused(other.save)
    household = Household.objects.get(pk=phon["household"].pk)
    household.fiscal_year = 2569
    household.trainer_team = None
    refused(household.save)


def test_queryset_writes_are_refused(phon):
    lock(status="approved")
    refused(lambda: Household.objects.filter(pk=phon["household"].pk).update(house_no="1"))
    refused(lambda: Household.objects.filter(village=phon["village"]).delete())
    refused(lambda: FollowUp.objects.all().delete())
    refused(lambda: TrainerTeam.objects.filter(pk=phon["team"].pk).update(occupation=None))
    refused(
        lambda: FollowUp.objects.bulk_create(
            [FollowUp(household=phon["household"], visited_on=datetime.date(2025, 4, 1))]
        )
    )
    household = Household.objects.get(pk=phon["household"].pk)
    household.house_no = "2"
    refused(lambda: Household.objects.bulk_update([household], ["house_no"]))
    assert FollowUp.objects.count() == 1


def test_queryset_writes_elsewhere_pass(programme, phon):
    lock(status="approved")
    assert Household.objects.filter(district_id="4001").update(house_no="3") == 1


def test_derived_columns_follow_the_record(phon):
    lock(status="approved")
    assert Household.objects.filter(pk=phon["household"].pk).update(status="practising") == 1


def test_attendance_changes_are_refused(phon):
    other = make_household(village=phon["village"], fiscal_year=2568)
    lock(status="submitted")
    refused(lambda: phon["session"].attendees.add(other))
    refused(lambda: phon["session"].attendees.remove(phon["household"]))
    refused(lambda: phon["session"].attendees.clear())
    refused(lambda: other.sessions.add(phon["session"]))
    assert list(phon["session"].attendees.all()) == [phon["household"]]


def test_follow_up_after_the_approval_is_allowed(phon):
    lock(status="approved")
    later = FollowUp.objects.create(
        household=phon["household"], visited_on=APPROVED_ON + datetime.timedelta(days=1)
    )
    later.notes = "เยี่ยมอีกครั้ง"
    later.save()
    later.delete()
    refused(lambda: FollowUp.objects.create(household=phon["household"], visited_on=APPROVED_ON))
    # An old visit cannot be moved after the approval either.
    phon["visit"].visited_on = APPROVED_ON + datetime.timedelta(days=2)
    refused(phon["visit"].save)


def test_follow_up_after_submission_is_refused(phon):
    lock(status="submitted")
    refused(
        lambda: FollowUp.objects.create(
            household=phon["household"], visited_on=datetime.date(2025, 11, 1)
        )
    )


def test_stage_decision_in_locked_year_is_refused(phon):
    lock(status="submitted")
    refused(
        lambda: StageDecision.objects.create(
            household=phon["household"], decided_on=datetime.date(2025, 4, 1), reason="เลิก"
        )
    )


def test_group_with_members_in_a_locked_year_cannot_be_deleted(phon):
    group = make_group(village=phon["village"])
    Household.objects.filter(pk=phon["household"].pk).update(group=group)
    lock(status="approved")
    refused(group.delete)
    empty = make_group(village=phon["village"])
    empty.delete()


def test_is_locked_and_check_for_other_doors(phon):
    assert not locking.is_locked("4012", 2568)
    lock(status="approved")
    assert locking.is_locked("4012", 2568)
    assert not locking.is_locked("4012", 2568, on=APPROVED_ON + datetime.timedelta(days=1))
    assert not locking.is_locked("4001", 2568)
    refused(lambda: locking.check(phon["household"]))


def test_inside_cached_the_reports_are_read_once(phon, django_assert_num_queries):
    lock(status="approved")
    households = list(Household.objects.filter(district_id="4012"))
    with locking.cached():
        with django_assert_num_queries(1):
            for _n in range(5):
                assert locking.is_locked("4012", 2568)
                assert not locking.is_locked("4001", 2568)
        with django_assert_num_queries(0):
            for household in households:
                with pytest.raises(locking.YearLocked):
                    locking.check(household)
