"""An officer enters a team and its 20 households on one page; validation in Thai."""

import datetime

import pytest

from programs.models import FollowUp, Household, TrainerTeam, TrainingSession
from tests.programs.factories import make_household, make_occupation, make_sage, valid_id

pytestmark = pytest.mark.django_db


def team_post(village, sage, occupation, households, members=4, fiscal_year=2568):
    data = {
        "village": village.pk,
        "fiscal_year": fiscal_year,
        "sage": sage.pk,
        "occupation": occupation.pk,
        "members-TOTAL_FORMS": members,
        "members-INITIAL_FORMS": 0,
        "households-TOTAL_FORMS": len(households),
        "households-INITIAL_FORMS": 0,
    }
    for i in range(members):
        data |= {
            f"members-{i}-first_name": f"สมาชิก{i}",
            f"members-{i}-last_name": "ทีม",
            f"members-{i}-role": "trainer",
        }
    for i, row in enumerate(households):
        data |= {f"households-{i}-{key}": value for key, value in row.items()}
    return data


def household_row(n, **overrides):
    return {
        "prefix": "นาย",
        "first_name": f"ครัวเรือน{n}",
        "last_name": "ทดสอบ",
        "house_no": str(n),
        "citizen_id": valid_id(9000 + n),
        "phone": "",
        "status": "target",
        **overrides,
    }


@pytest.fixture
def setup(two_districts):
    village = two_districts["phon"]
    return village, make_sage(village=village), make_occupation("ทอผ้าไหม")


def test_team_and_twenty_households_in_one_page(phon_client, setup):
    village, sage, occupation = setup
    rows = [household_row(n) for n in range(20)]
    response = phon_client.post(
        "/admin/programs/trainerteam/add/", team_post(village, sage, occupation, rows)
    )
    assert response.status_code == 302, response.context["inline_admin_formsets"][1].formset.errors
    team = TrainerTeam.objects.get()
    assert team.members.count() == 4
    assert team.households.count() == 20


def test_grid_households_take_the_teams_village_year_and_occupation(phon_client, setup):
    village, sage, occupation = setup
    phon_client.post(
        "/admin/programs/trainerteam/add/", team_post(village, sage, occupation, [household_row(1)])
    )
    household = Household.objects.get()
    assert household.village == village
    assert household.district_id == "4012"
    assert household.fiscal_year == 2568
    assert household.occupation == occupation


def test_small_team_is_a_warning_not_a_block(phon_client, setup):
    village, sage, occupation = setup
    response = phon_client.post(
        "/admin/programs/trainerteam/add/",
        team_post(village, sage, occupation, [household_row(1)], members=2),
        follow=True,
    )
    text = response.content.decode()
    assert TrainerTeam.objects.count() == 1
    assert "ขณะนี้มี 3 คน" in text
    assert "ประมาณ 20 ครัวเรือน" in text


def test_bad_checksum_in_the_grid_saves_nothing(phon_client, setup):
    village, sage, occupation = setup
    rows = [household_row(1), household_row(2, citizen_id="1101700230709")]
    response = phon_client.post(
        "/admin/programs/trainerteam/add/", team_post(village, sage, occupation, rows)
    )
    assert response.status_code == 200
    assert "เลขตรวจสอบหลักสุดท้ายไม่ตรง" in response.content.decode()
    assert TrainerTeam.objects.count() == 0
    assert Household.objects.count() == 0


def test_same_person_twice_in_the_grid_saves_nothing(phon_client, setup):
    village, sage, occupation = setup
    rows = [household_row(1), household_row(2, citizen_id=valid_id(9001))]
    response = phon_client.post(
        "/admin/programs/trainerteam/add/", team_post(village, sage, occupation, rows)
    )
    assert "ซ้ำกับแถวที่ 1" in response.content.decode()
    assert Household.objects.count() == 0


def test_listing_twice_in_a_year_across_districts_is_refused_without_saying_where(
    phon_client, setup, two_districts
):
    village, sage, occupation = setup
    make_household(village=two_districts["muang"], citizen_id=valid_id(777), fiscal_year=2568)
    rows = [household_row(1, citizen_id=valid_id(777))]
    response = phon_client.post(
        "/admin/programs/trainerteam/add/", team_post(village, sage, occupation, rows)
    )
    html = response.content.decode()
    assert "มีรายชื่อเป็นครัวเรือนเป้าหมายในปีงบประมาณนี้แล้ว" in html
    assert "เมือง" not in html
    assert Household.objects.count() == 1


def test_the_same_person_may_be_listed_in_another_year(phon_client, setup):
    village, sage, occupation = setup
    make_household(village=village, citizen_id=valid_id(778), fiscal_year=2567)
    phon_client.post(
        "/admin/programs/trainerteam/add/",
        team_post(village, sage, occupation, [household_row(1, citizen_id=valid_id(778))]),
    )
    assert Household.objects.count() == 2


def household_form(village, **overrides):
    return {
        "village": village.pk,
        "fiscal_year": 2568,
        "house_no": "5",
        "prefix": "นาง",
        "first_name": "มาลี",
        "last_name": "ทดสอบ",
        "citizen_id": valid_id(31),
        "status": "target",
        "follow_ups-TOTAL_FORMS": "0",
        "follow_ups-INITIAL_FORMS": "0",
        **overrides,
    }


def test_bad_phone_gets_a_thai_error(phon_client, two_districts):
    response = phon_client.post(
        "/admin/programs/household/add/", household_form(two_districts["phon"], phone="12345")
    )
    assert "เบอร์โทรศัพท์ไม่ถูกต้อง" in response.content.decode()
    assert Household.objects.count() == 0


def test_negative_income_is_refused(phon_client, two_districts):
    response = phon_client.post(
        "/admin/programs/household/add/", household_form(two_districts["phon"], income_before="-5")
    )
    assert response.status_code == 200
    assert Household.objects.count() == 0


def test_mobile_phone_with_dashes_is_accepted(phon_client, two_districts):
    response = phon_client.post(
        "/admin/programs/household/add/",
        household_form(two_districts["phon"], phone="081-234-5678"),
    )
    assert response.status_code == 302


def test_follow_up_date_typed_in_buddhist_era(phon_client, two_districts):
    # FY 2567 (1 Oct 2566 – 30 Sep 2567): a visit on 21/06/2567 falls inside the household's year.
    household = make_household(village=two_districts["phon"], fiscal_year=2567)
    data = household_form(
        two_districts["phon"],
        fiscal_year=2567,
        citizen_id="",
        first_name=household.first_name,
        last_name=household.last_name,
        house_no=household.house_no,
    ) | {
        "follow_ups-TOTAL_FORMS": "1",
        "follow_ups-0-visited_on": "21/06/2567",
        "follow_ups-0-practising": "on",
        "follow_ups-0-monthly_income": "3500",
    }
    response = phon_client.post(f"/admin/programs/household/{household.pk}/change/", data)
    assert response.status_code == 302
    follow_up = FollowUp.objects.get()
    assert follow_up.visited_on == datetime.date(2024, 6, 21)
    assert follow_up.officer.username == "phon"


def test_change_form_shows_buddhist_era_and_no_ce_year(phon_client, setup):
    village, sage, occupation = setup
    team = TrainerTeam.objects.create(
        village=village, fiscal_year=2567, sage=sage, occupation=occupation
    )
    session = TrainingSession.objects.create(
        team=team, start_date=datetime.date(2024, 6, 21), end_date=datetime.date(2024, 6, 25)
    )
    form_html = phon_client.get(
        f"/admin/programs/trainingsession/{session.pk}/change/"
    ).content.decode()
    list_html = phon_client.get("/admin/programs/trainingsession/").content.decode()
    assert 'value="21/06/2567"' in form_html
    assert "2024" not in form_html
    assert "21 มิถุนายน 2567" in list_html
    assert "2024" not in list_html


def test_attendance_sheet_lists_the_teams_households(phon_client, setup):
    village, sage, occupation = setup
    team = TrainerTeam.objects.create(
        village=village, fiscal_year=2567, sage=sage, occupation=occupation
    )
    make_household(village=village, trainer_team=team, first_name="ผู้เข้าอบรม")
    session = TrainingSession.objects.create(
        team=team, start_date=datetime.date(2024, 6, 21), end_date=datetime.date(2024, 6, 25)
    )
    html = phon_client.get(f"/admin/programs/trainingsession/{session.pk}/sheet/").content.decode()
    assert "ผู้เข้าอบรม" in html
    assert "25 มิ.ย. 67" in html
    assert html.count('class="sign"') == 5
