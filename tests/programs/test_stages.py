"""The household's stage is derived from the record (programs/stages.py), through every door:
the rule itself, the ORM (signals), the admin, the import, and migration 0008's derivation."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs import kpis
from programs.models import FollowUp, Household, ProgrammeYear, StageDecision, TrainingSession
from programs.resources import HouseholdResource
from programs.stages import (
    StageFacts,
    household_stages_refresh,
    stage_from_facts,
    stored_update,
)
from sammachip import thaidate
from tests.factories import make_village
from tests.programs.factories import make_group, make_household, make_session, make_team

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 2, 1)  # 1 ก.พ. 2568, inside FY 2568


def later(days):
    return DAY + datetime.timedelta(days=days)


def stage(household):
    household.refresh_from_db()
    return household.status


@pytest.fixture
def team(two_districts):
    return make_team(village=two_districts["phon"])


@pytest.fixture
def household(team):
    return make_household(village=team.village, trainer_team=team)


@pytest.fixture
def session(team):
    return make_session(team=team)


# ---- the rule -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (StageFacts(), "target"),
        (StageFacts(training_days=1), "trained"),
        (StageFacts(training_days=2, minimum_training_days=3), "target"),
        (StageFacts(training_days=3, minimum_training_days=3), "trained"),
        (StageFacts(training_days=1, followup_on=DAY, followup_practising=True), "practising"),
        (StageFacts(training_days=1, followup_on=DAY, followup_practising=False), "trained"),
        (StageFacts(training_days=1, followup_on=DAY, followup_stopped=True), "dropped"),
        (StageFacts(training_days=1, in_group=True), "grouped"),
        (StageFacts(in_group=True, followup_on=DAY, followup_stopped=True), "dropped"),
        (StageFacts(training_days=1, decision_on=DAY, decision_stage="dropped"), "dropped"),
    ],
)
def test_the_rule(facts, expected):
    assert stage_from_facts(facts) == expected


def test_a_decision_holds_until_a_newer_dated_fact():
    decided = {"decision_on": DAY, "decision_stage": "dropped", "training_days": 1}
    same_day = StageFacts(**decided, followup_on=DAY, followup_practising=True)
    newer_visit = StageFacts(**decided, followup_on=later(1), followup_practising=True)
    newer_training = StageFacts(**decided, training_end=later(1))
    grouped_since = StageFacts(**decided, in_group=True)
    assert stage_from_facts(same_day) == "dropped"
    assert stage_from_facts(newer_visit) == "practising"
    assert stage_from_facts(newer_training) == "trained"
    assert stage_from_facts(grouped_since) == "dropped"  # membership has no date


# ---- through the ORM ------------------------------------------------------------------------


def test_attendance_trains_and_removing_it_steps_back(household, session):
    session.attendees.add(household)
    assert stage(household) == "trained"
    session.attendees.remove(household)
    assert stage(household) == "target"


def test_attendance_from_the_household_side_and_clear(household, session):
    household.sessions.add(session)
    assert household.status == "trained"  # the instance itself follows
    assert stage(household) == "trained"
    session.attendees.clear()
    assert stage(household) == "target"
    household.sessions.add(session)
    household.sessions.clear()
    assert stage(household) == "target"


def test_only_the_households_own_team_trains_it(household):
    elsewhere = make_team(village=make_village(subdistrict="401207"))
    make_session(team=elsewhere, attendees=[household])
    assert stage(household) == "target"
    household.trainer_team = elsewhere
    household.save()
    assert stage(household) == "trained"


def test_the_minimum_training_days_of_the_year(household, team):
    ProgrammeYear.objects.create(fiscal_year=2568, minimum_training_days=3)
    short = make_session(team=team, attendees=[household])
    assert stage(household) == "target"
    short.end_date = short.start_date + datetime.timedelta(days=2)  # three days, inclusively
    short.save()
    assert stage(household) == "trained"


def test_deleting_the_session_steps_back(household, session):
    session.attendees.add(household)
    session.delete()
    assert stage(household) == "target"


def test_a_practising_follow_up_and_its_removal(household, session):
    session.attendees.add(household)
    visit = FollowUp.objects.create(household=household, visited_on=later(30), practising=True)
    assert stage(household) == "practising"
    FollowUp.objects.create(household=household, visited_on=later(60), practising=False)
    assert stage(household) == "trained"  # the latest visit decides
    FollowUp.objects.filter(visited_on=later(60)).delete()  # a queryset delete: signals too
    assert stage(household) == "practising"
    visit.delete()
    assert stage(household) == "trained"


def test_a_follow_up_that_found_the_occupation_given_up_drops(household, session):
    session.attendees.add(household)
    FollowUp.objects.create(
        household=household, visited_on=later(30), practising=False, stopped_reason="ย้ายไปทำงาน"
    )
    assert stage(household) == "dropped"


def test_joining_a_group_and_the_group_deleted(household):
    group = make_group(village=household.village)
    household.group = group
    household.save()
    assert stage(household) == "grouped"
    group.delete()
    assert stage(household) == "target"


def test_a_dated_decision_drops_and_its_removal_steps_back(household, session):
    session.attendees.add(household)
    decision = StageDecision.objects.create(household=household, decided_on=later(10), reason="x")
    assert stage(household) == "dropped"
    FollowUp.objects.create(household=household, visited_on=later(40), practising=True)
    assert stage(household) == "practising"  # visited after the decision: practising again
    FollowUp.objects.all().delete()
    assert stage(household) == "dropped"
    decision.delete()
    assert stage(household) == "trained"


def test_a_status_typed_through_the_orm_does_not_stay(household):
    household.status = "grouped"
    household.save()
    assert stage(household) == "target"


def test_kpis_follow_at_once(household, session):
    def row():
        [row] = kpis.district_kpis(fiscal_year=2568, districts=["4012"])
        return row

    session.attendees.add(household)
    assert (row()["trained"], row()["practising"]) == (1, 0)
    FollowUp.objects.create(household=household, visited_on=later(30), practising=True)
    assert (row()["trained"], row()["practising"]) == (1, 1)
    session.attendees.remove(household)
    FollowUp.objects.all().delete()
    assert (row()["trained"], row()["practising"]) == (0, 0)


def refresh_queries(operation):
    """The queries ``operation`` made for the stage (reading the facts, writing the status)."""
    with CaptureQueriesContext(connection) as queries:
        operation()
    return [
        q["sql"]
        for q in queries.captured_queries
        if "stage_followup_on" in q["sql"]
        or q["sql"].lstrip().startswith('UPDATE "programs_household" SET "status"')
    ]


def test_a_saved_follow_up_costs_at_most_two_queries(household, session):
    session.attendees.add(household)

    def visit(days):
        return lambda: FollowUp.objects.create(
            household=household, visited_on=later(days), practising=True
        )

    assert len(refresh_queries(visit(30))) == 2  # the facts, the UPDATE of the stage
    assert len(refresh_queries(visit(40))) == 1  # the stage does not change: no UPDATE
    two_deleted = refresh_queries(lambda: FollowUp.objects.filter(household=household).delete())
    assert len(two_deleted) <= 2 * 2


def test_an_attendance_change_costs_at_most_two_queries(household, session):
    assert len(refresh_queries(lambda: session.attendees.add(household))) == 2
    assert len(refresh_queries(lambda: session.attendees.remove(household))) == 2
    many = [make_household(village=household.village) for _ in range(5)]
    assert len(refresh_queries(lambda: session.attendees.add(*many))) == 2


def test_the_service_recomputes_querysets_pks_and_instances(household, session):
    session.attendees.add(household)
    stored_update(Household.objects.filter(pk=household.pk), status="target")  # no refresh
    assert household_stages_refresh(households=Household.objects.filter(pk=household.pk)) == 1
    stored_update(Household.objects.filter(pk=household.pk), status="target")
    assert household_stages_refresh(households=[household.pk]) == 1
    assert household_stages_refresh(households=[household]) == 0
    assert household.status == "trained"
    assert household_stages_refresh(households=[]) == 0


def test_training_end_annotation(household, team):
    from programs.stages import household_training_date

    make_session(team=team, start_date=DAY, end_date=later(2), attendees=[household])
    make_session(team=team, start_date=later(10), end_date=later(11), attendees=[household])
    annotated = Household.objects.with_training_end().get(pk=household.pk)
    assert annotated.training_end == later(11)
    assert household_training_date(household) == later(11)


# ---- through the admin ----------------------------------------------------------------------


def session_form(session, attendees):
    return {
        "team": session.team_id,
        "start_date": thaidate.format_input_date(session.start_date),
        "end_date": thaidate.format_input_date(session.end_date),
        "place": session.place,
        "place_detail": "",
        "attendees": [h.pk for h in attendees],
    }


def test_admin_session_attendees(phon_client, household, session):
    url = f"/admin/programs/trainingsession/{session.pk}/change/"
    response = phon_client.post(url, session_form(session, [household]))
    assert response.status_code == 302
    assert stage(household) == "trained"
    assert phon_client.post(url, session_form(session, [])).status_code == 302
    assert stage(household) == "target"


def household_form(household, **changes):
    return {
        "village": household.village_id,
        "fiscal_year": household.fiscal_year,
        "house_no": household.house_no,
        "prefix": household.prefix,
        "first_name": household.first_name,
        "last_name": household.last_name,
        "citizen_id": "",
        "trainer_team": household.trainer_team_id or "",
        "follow_ups-TOTAL_FORMS": "0",
        "follow_ups-INITIAL_FORMS": "0",
        **changes,
    }


def test_admin_follow_up_inline_and_group(phon_client, household, session):
    session.attendees.add(household)
    url = f"/admin/programs/household/{household.pk}/change/"
    visit = {
        "follow_ups-TOTAL_FORMS": "1",
        "follow_ups-0-visited_on": thaidate.format_input_date(later(30)),
        "follow_ups-0-practising": "on",
        "follow_ups-0-monthly_income": "3500",
        "status": "target",  # read-only: a posted status is ignored
    }
    response = phon_client.post(url, household_form(household, **visit))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert stage(household) == "practising"
    group = make_group(village=household.village)
    response = phon_client.post(url, household_form(household, group=group.pk))
    assert response.status_code == 302
    assert stage(household) == "grouped"


def test_admin_status_is_read_only_on_the_form_and_the_team_grid(phon_client, household, team):
    form = phon_client.get(f"/admin/programs/household/{household.pk}/change/").content.decode()
    assert 'name="status"' not in form
    assert "เป้าหมาย" in form
    grid = phon_client.get(f"/admin/programs/trainerteam/{team.pk}/change/").content.decode()
    assert "households-0-status" not in grid
    assert 'name="households-0-first_name"' in grid


def test_admin_drop_decision_asks_for_a_date_and_a_reason(phon_client, phon_officer, household):
    url = "/admin/programs/household/"
    chosen = {"action": "record_drop_decision", "index": "0", "_selected_action": [household.pk]}
    page = phon_client.post(url, chosen)
    html = page.content.decode()
    assert page.status_code == 200
    assert "บันทึกการตัดสินใจ (เลิก)" in html
    assert household.full_name in html
    assert not StageDecision.objects.exists()

    tomorrow = thaidate.format_input_date(datetime.date.today() + datetime.timedelta(days=2))
    refused = phon_client.post(url, {**chosen, "decided_on": tomorrow, "reason": "ย้ายออก"})
    assert "ต้องไม่เกินวันนี้" in refused.content.decode()
    no_reason = phon_client.post(url, {**chosen, "decided_on": "01/03/2568", "reason": "  "})
    assert no_reason.status_code == 200
    assert not StageDecision.objects.exists()

    done = phon_client.post(url, {**chosen, "decided_on": "01/03/2568", "reason": "ย้ายออก"})
    assert done.status_code == 302
    decision = StageDecision.objects.get()
    assert (decision.decided_on, decision.reason, decision.officer) == (
        datetime.date(2025, 3, 1),
        "ย้ายออก",
        phon_officer,
    )
    assert stage(household) == "dropped"


def test_the_old_status_actions_are_gone(phon_client, household):
    html = phon_client.get("/admin/programs/household/").content.decode()
    assert "mark_trained" not in html
    assert "record_drop_decision" in html


def test_stage_decisions_admin_is_scoped(client, muang_officer, phon_client, programme):
    phon = programme["phon"]["household"]
    StageDecision.objects.create(household=phon, decided_on=DAY, reason="เหตุผลของอำเภอพล")
    assert "เหตุผลของอำเภอพล" in phon_client.get("/admin/programs/stagedecision/").content.decode()
    client.force_login(muang_officer)
    assert "เหตุผลของอำเภอพล" not in client.get("/admin/programs/stagedecision/").content.decode()
    decision = StageDecision.objects.get()
    assert client.get(f"/admin/programs/stagedecision/{decision.pk}/change/").status_code in (
        302,
        403,
        404,
    )


def test_the_pending_filter_lists_the_kept_stages(phon_client, household, team):
    other = make_household(village=team.village)
    StageDecision.objects.create(
        household=household, decided_on=DAY, stage="practising", reason=StageDecision.PENDING_REASON
    )
    html = phon_client.get("/admin/programs/household/", {"stage_pending": "yes"}).content.decode()
    assert "สถานะรอยืนยัน" in html
    assert household.last_name in html
    assert other.last_name not in html
    assert stage(household) == "practising"


# ---- import ---------------------------------------------------------------------------------


def test_the_import_ignores_the_status_column(phon_officer, team):
    import tablib

    row = {
        "ปีงบประมาณ (พ.ศ.)": 2568,
        "รหัสหมู่บ้าน": team.village.code,
        "บ้านเลขที่": "9",
        "คำนำหน้า": "นาย",
        "ชื่อ": "นำเข้า",
        "นามสกุล": "สถานะไม่นำเข้า",
        "เลขประจำตัวประชาชน": "1101700230708",
        "อาชีพ": team.occupation.name,
        "สถานะ": "สบายดี",  # not even read: no error
    }
    dataset = tablib.Dataset(headers=list(row))
    dataset.append(list(row.values()))
    result = HouseholdResource(user=phon_officer).import_data(dataset, dry_run=False)
    assert not result.has_validation_errors()
    assert result.status_column_ignored
    assert Household.objects.get(last_name="สถานะไม่นำเข้า").status == "target"


def test_the_import_preview_says_the_status_is_not_imported(phon_client, programme):
    from tests.programs.test_excel import admin_import, filled_template, good_row

    content = filled_template([good_row(1, **{"สถานะ": "ประกอบอาชีพ"})])
    html = admin_import(phon_client, content).content.decode()
    assert "คอลัมน์ “สถานะ” ในไฟล์จะไม่ถูกนำเข้า" in html


def test_an_export_still_shows_the_stage(household, session):
    session.attendees.add(household)
    columns = HouseholdResource().export_columns()
    [(_header, paths, render)] = [c for c in columns if c[0] == "สถานะ"]
    value = Household.objects.filter(pk=household.pk).values_list(*paths, flat=True).get()
    assert render(value) == "ฝึกอบรมแล้ว"


# ---- migration 0008 -------------------------------------------------------------------------


def test_the_migration_derives_stages_and_keeps_typed_ones_as_pending(team):
    migration = importlib.import_module("programs.migrations.0008_derived_stage")
    village = team.village
    session = make_session(team=team)
    attended = make_household(village=village, trainer_team=team)  # typed target, attended
    typed_practising = make_household(village=village, trainer_team=team)  # attended, no visit
    typed_dropped = make_household(village=village)  # nothing behind it
    backed = make_household(village=village, trainer_team=team)  # practising, visit behind it
    plain = make_household(village=village)
    session.attendees.add(attended, typed_practising, backed)
    FollowUp.objects.create(household=backed, visited_on=later(30), practising=True)
    typed = {attended: "target", typed_practising: "practising", typed_dropped: "dropped"}
    typed |= {backed: "practising", plain: "target"}
    for household, status in typed.items():  # the stages as typed before (no signal)
        stored_update(Household.objects.filter(pk=household.pk), status=status)

    migration.derive_stages(apps, None)

    assert stage(attended) == "trained"
    assert stage(typed_practising) == "practising"
    assert stage(typed_dropped) == "dropped"
    assert stage(backed) == "practising"
    assert stage(plain) == "target"
    kept = StageDecision.objects.order_by("household_id")
    assert [(d.household_id, d.stage) for d in kept] == [
        (typed_practising.pk, "practising"),
        (typed_dropped.pk, "dropped"),
    ]
    assert {d.reason for d in kept} == {"บันทึกสถานะเดิมก่อนปรับระบบ — รอเจ้าหน้าที่ยืนยัน"}
    assert {d.decided_on for d in kept} == {datetime.date.today()}
    assert set(Household.objects.stage_pending()) == {typed_practising, typed_dropped}
    # A visit dated after the kept stage supersedes it.
    StageDecision.objects.filter(household=typed_practising).update(decided_on=later(10))
    FollowUp.objects.create(household=typed_practising, visited_on=later(30), practising=False)
    assert stage(typed_practising) == "trained"


def test_the_factory_makes_the_record_behind_each_stage(two_districts):
    village = two_districts["phon"]
    for status in ["target", "trained", "practising", "grouped", "dropped"]:
        household = make_household(village=village, status=status)
        assert household.status == status
    assert TrainingSession.objects.filter(team__village=village).count() == 1


def test_seed_demo_stages_follow_from_its_records(geography):
    from django.conf import settings
    from django.core.management import call_command

    from programs.demo import seed_programme

    call_command("loaddata", settings.BASE_DIR / "fixtures" / "occupations.json", verbosity=0)
    assert seed_programme() > 0
    assert household_stages_refresh(households=Household.objects.all()) == 0  # already derived
    stages = set(Household.objects.values_list("status", flat=True))
    assert {"trained", "practising", "grouped", "dropped"} <= stages
