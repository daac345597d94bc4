"""Issue 13, item 8 and "Citizen IDs validated in the model": records of one district never link
to another district's, in the model and (PostgreSQL) in the database; related lists are shown
through scoping; a model refuses a citizen ID with a bad checksum whoever builds it."""

import contextlib

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from programs.models import Household, Sage, TrainerTeam, TrainingSession
from tests.factories import make_village
from tests.programs.factories import make_group, make_household, make_product, make_team

pytestmark = pytest.mark.django_db

BAD_CHECKSUM = "1101700230709"  # 1101700230708 is valid
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the database guards are PostgreSQL triggers"
)


@contextlib.contextmanager
def guards_checked_now():
    """Deferred constraint triggers fire at commit; a test never commits, so check at once."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        yield


@contextlib.contextmanager
def legacy_rows():
    """Write household rows as an old database may hold them (the guards off on PostgreSQL)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the checks pending so far, now
        cursor.execute("ALTER TABLE programs_household DISABLE TRIGGER USER")
    yield
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE programs_household ENABLE TRIGGER USER")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


# ---- citizen IDs in the model ------------------------------------------------------------------


def test_household_full_clean_refuses_a_bad_checksum(two_districts):
    """Citizen IDs validated in the model: Household(...).full_clean() with a bad checksum
    raises on citizen_id, in Thai."""
    household = Household(
        village=two_districts["phon"],
        fiscal_year=2568,
        house_no="1",
        first_name="สมชาย",
        last_name="ใจดี",
        citizen_id=BAD_CHECKSUM,
    )
    with pytest.raises(ValidationError) as raised:
        household.full_clean()
    assert "citizen_id" in raised.value.message_dict
    assert "เลขตรวจสอบ" in raised.value.message_dict["citizen_id"][0]


def test_sage_full_clean_refuses_a_bad_checksum(two_districts):
    """Citizen IDs validated in the model: the same for a sage (an empty ID stays allowed)."""
    sage = Sage(
        village=two_districts["phon"], first_name="ปราชญ์", last_name="ทดสอบ", citizen_id="123"
    )
    with pytest.raises(ValidationError) as raised:
        sage.full_clean()
    assert "citizen_id" in raised.value.message_dict
    sage.citizen_id = ""
    sage.full_clean()


def test_stored_ids_validate_as_their_plain_number(two_districts):
    """Citizen IDs validated in the model: a record read back (the column holds a Fernet token)
    validates its decrypted number."""
    household = make_household(village=two_districts["phon"], citizen_id="1101700230708")
    Household.objects.get(pk=household.pk).full_clean()


# ---- item 8: one district per set of linked records --------------------------------------------


def test_household_on_another_districts_team_is_refused_by_the_model(programme):
    """Item 8: a household of อ.เมือง put on a team of อ.พล fails full_clean on trainer_team."""
    household = programme["muang"]["household"]
    household.trainer_team = programme["phon"]["team"]
    with pytest.raises(ValidationError) as raised:
        household.full_clean()
    assert "อำเภอเดียวกับ" in raised.value.message_dict["trainer_team"][0]


def test_household_on_a_team_of_another_year_is_refused(programme):
    """Item 8: the household's team is a team of its own fiscal year."""
    household = programme["phon"]["household"]
    household.trainer_team = make_team(village=programme["phon"]["village"], fiscal_year=2567)
    with pytest.raises(ValidationError) as raised:
        household.full_clean()
    assert "ปีงบประมาณ" in raised.value.message_dict["trainer_team"][0]


def test_group_sage_and_product_links_stay_in_the_district(programme):
    """Item 8: a household's group, a team's sage and a product's group are of its district."""
    muang_group = make_group(village=programme["muang"]["village"])
    household = programme["phon"]["household"]
    household.group = muang_group
    with pytest.raises(ValidationError) as raised:
        household.full_clean()
    assert "group" in raised.value.message_dict

    team = programme["phon"]["team"]
    team.sage = programme["muang"]["sage"]
    with pytest.raises(ValidationError) as raised:
        team.full_clean()
    assert "sage" in raised.value.message_dict

    product = make_product(village=programme["phon"]["village"])
    product.group = muang_group
    with pytest.raises(ValidationError) as raised:
        product.full_clean()
    assert "group" in raised.value.message_dict


def test_moving_a_household_away_from_its_sessions_is_refused(programme, two_districts):
    """Item 8: a household that attended a session of อ.พล cannot move to a village of อ.เมือง."""
    household = programme["phon"]["household"]
    session = TrainingSession.objects.create(
        team=programme["phon"]["team"], start_date="2025-06-21", end_date="2025-06-22"
    )
    session.attendees.add(household)
    household = Household.objects.get(pk=household.pk)
    household.village = two_districts["muang"]
    household.trainer_team = None
    with pytest.raises(ValidationError) as raised:
        household.full_clean()
    assert "village" in raised.value.message_dict


def test_orm_refuses_another_districts_attendee(programme):
    """Item 8: session.attendees.add(h) from the ORM refuses a household of another district,
    from both sides of the relation; nothing is added."""
    session = TrainingSession.objects.create(
        team=programme["phon"]["team"], start_date="2025-06-21", end_date="2025-06-22"
    )
    outsider = programme["muang"]["household"]
    # add() runs in the caller's transaction (as an IntegrityError would): a savepoint each.
    with pytest.raises(ValidationError), transaction.atomic():
        session.attendees.add(outsider)
    with pytest.raises(ValidationError), transaction.atomic():
        outsider.sessions.add(session)
    session.attendees.add(programme["phon"]["household"])
    assert list(session.attendees.all()) == [programme["phon"]["household"]]


def test_province_staff_cannot_put_a_household_on_another_districts_team(
    province_client, programme
):
    """Item 8: province_staff's household form refuses team 5 (อ.พล) for household 201
    (อ.เมือง), in Thai; nothing saved."""
    household = programme["muang"]["household"]
    response = province_client.post(
        f"/admin/programs/household/{household.pk}/change/",
        {
            "village": household.village_id,
            "fiscal_year": 2568,
            "house_no": household.house_no,
            "first_name": household.first_name,
            "last_name": household.last_name,
            "citizen_id": "",
            "trainer_team": programme["phon"]["team"].pk,
            "status": "target",
            "follow_ups-TOTAL_FORMS": "0",
            "follow_ups-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "อำเภอเดียวกับ" in errors["trainer_team"][0]
    household.refresh_from_db()
    assert household.trainer_team_id == programme["muang"]["team"].pk


def test_session_form_refuses_another_districts_attendee(province_client, programme):
    """Item 8: the training-session form names the attendee of another district."""
    response = province_client.post(
        "/admin/programs/trainingsession/add/",
        {
            "team": programme["phon"]["team"].pk,
            "start_date": "21/06/2567",
            "end_date": "22/06/2567",
            "place": "sage_home",
            "attendees": [programme["muang"]["household"].pk],
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "อำเภอเดียวกับทีม" in errors["attendees"][0]
    assert not TrainingSession.objects.exists()


def test_attendance_sheet_lists_only_the_teams_district(phon_client, programme):
    """Item 8: officer_phon's attendance sheet of team 5 does not list household 201 of อ.เมือง
    put on the team (as an old database may hold it) and says that a row was left out."""
    team = programme["phon"]["team"]
    session = TrainingSession.objects.create(
        team=team, start_date="2025-06-21", end_date="2025-06-22"
    )
    with legacy_rows():
        Household.objects.filter(pk=programme["muang"]["household"].pk).update(trainer_team=team)
    html = phon_client.get(f"/admin/programs/trainingsession/{session.pk}/sheet/").content
    html = html.decode()
    assert "ครัวเรือนphon" in html
    assert "ครัวเรือนmuang" not in html
    assert "ไม่แสดง 1 ครัวเรือน" in html


@on_postgresql
def test_database_refuses_another_districts_team(programme):
    """Item 8: at the database (PostgreSQL), update() cannot put household 201 (อ.เมือง) on
    team 5 (อ.พล)."""
    household = Household.objects.filter(pk=programme["muang"]["household"].pk)
    with pytest.raises(IntegrityError, match="household_team_same_district"), guards_checked_now():
        household.update(trainer_team=programme["phon"]["team"])


@on_postgresql
def test_database_refuses_cross_district_links_from_both_sides(programme):
    """Item 8: at the database (PostgreSQL), an attendee row of another district, and a team
    moved away from its households' district, are refused."""
    session = TrainingSession.objects.create(
        team=programme["phon"]["team"], start_date="2025-06-21", end_date="2025-06-22"
    )
    through = TrainingSession.attendees.through
    with pytest.raises(IntegrityError, match="attendee_same_district"), guards_checked_now():
        through.objects.create(trainingsession=session, household=programme["muang"]["household"])
    elsewhere = make_village(subdistrict="400101", moo=3)
    with pytest.raises(IntegrityError, match="_same_district"), guards_checked_now():
        TrainerTeam.objects.filter(pk=programme["phon"]["team"].pk).update(
            village=elsewhere, district_id="4001"
        )


def test_a_team_with_households_cannot_move_to_another_district(programme, two_districts):
    """Item 8: moving a team that has households to a village of another district is refused in
    the model (its households stay in the old district; on PostgreSQL the deferred trigger
    would otherwise refuse it at commit, as a 500)."""
    team = TrainerTeam.objects.get(pk=programme["phon"]["team"].pk)
    team.village = two_districts["muang"]
    team.sage = programme["muang"]["sage"]
    with pytest.raises(ValidationError) as raised:
        team.full_clean()
    assert "อำเภออื่นไม่ได้" in raised.value.message_dict["village"][0]


def test_an_empty_team_may_move_to_another_district(programme, two_districts):
    """Item 8: a team with no household or session yet may still be moved."""
    team = make_team(village=make_village(subdistrict="401207"), fiscal_year=2569)
    team = TrainerTeam.objects.get(pk=team.pk)
    team.village = two_districts["muang"]
    team.sage = programme["muang"]["sage"]
    team.full_clean(validate_unique=False, validate_constraints=False)
