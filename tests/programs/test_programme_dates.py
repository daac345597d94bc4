"""Dates checked against the programme, at their edges, typed in BE and in CE: a training inside
its team's fiscal year (1 Oct – 30 Sep), a follow-up from its household's year (and training)
up to the year's follow-up window, nothing in the future ("today" in Asia/Bangkok), days
counted inclusively, and a day the calendar does not have said as such."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from programs import widgets
from programs.models import FollowUp, ProgrammeYear, TrainingSession
from sammachip import thaidate
from sammachip.fields import ThaiDateFormField
from tests.programs.factories import make_household, make_team

pytestmark = pytest.mark.django_db
BANGKOK = zoneinfo.ZoneInfo("Asia/Bangkok")
FY2570 = "(1 ต.ค. 2569 – 30 ก.ย. 2570)"


def typed(text):
    """A date as the admin's date box reads what a person typed."""
    return ThaiDateFormField().to_python(text)


def frozen(year, month, day, hour=10, minute=0):
    return time_machine.travel(
        datetime.datetime(year, month, day, hour, minute, tzinfo=BANGKOK), tick=False
    )


def errors_of(record):
    try:
        record.full_clean()
    except ValidationError as error:
        return error.message_dict
    return {}


@pytest.fixture
def team(two_districts):
    return make_team(village=two_districts["phon"], fiscal_year=2570)


def session(team, start, end=None):
    start = typed(start)
    return TrainingSession(team=team, start_date=start, end_date=typed(end) if end else start)


# ---- "ไม่มีวันที่นี้": a day the calendar does not have --------------------------------------


@pytest.mark.parametrize(
    "text", ["31/02/2569", "29/02/2569", "29/02/2026", "31/04/2569", "1/13/2569"]
)
def test_a_day_the_calendar_does_not_have_is_said_so(text):
    with pytest.raises(ValidationError) as caught:
        typed(text)
    assert caught.value.code == "no_such_date"
    assert "ไม่มีวันที่นี้" in caught.value.messages[0]
    with pytest.raises(thaidate.NoSuchDate):
        thaidate.to_date(text)
    assert thaidate.parse_thai_date(text) is None
    with pytest.raises(ValueError, match="ไม่มีวันที่นี้"):
        widgets.BEDateWidget().clean(text)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("29/02/2567", datetime.date(2024, 2, 29)),  # 2024 is a leap year
        ("29/02/2024", datetime.date(2024, 2, 29)),
        ("๒๙/๐๒/๒๕๖๗", datetime.date(2024, 2, 29)),
        ("28/02/2569", datetime.date(2026, 2, 28)),
    ],
)
def test_a_leap_day_of_a_leap_year_is_a_date(text, day):
    assert typed(text) == day


def test_what_is_no_date_at_all_is_still_a_format_error():
    with pytest.raises(ValidationError) as caught:
        typed("สามสิบ กุมภา")
    assert caught.value.code == "invalid"
    assert "ไม่มีวันที่นี้" not in caught.value.messages[0]


def test_the_admin_form_says_no_such_date(phon_client, team):
    response = phon_client.post(
        "/admin/programs/trainingsession/add/",
        {"team": team.pk, "start_date": "31/02/2570", "end_date": "31/02/2570", "place": "other"},
    )
    assert response.status_code == 200
    assert "ไม่มีวันที่นี้" in response.content.decode()
    assert not TrainingSession.objects.exists()


# ---- trainings inside the team's fiscal year -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "inside"),
    [
        ("30/09/2569", False),
        ("01/10/2569", True),
        ("1/10/2026", True),  # CE
        ("30/9/2026", False),  # CE
        ("30/09/2570", True),
        ("30/9/2027", True),
        ("01/10/2570", False),
        ("1/10/2027", False),
    ],
)
def test_a_training_falls_inside_the_teams_fiscal_year(team, text, inside):
    with frozen(2027, 12, 1):
        errors = errors_of(session(team, text))
    if inside:
        assert errors == {}
    else:
        assert "start_date" in errors
        assert f"อยู่นอกปีงบประมาณ 2570 ของทีม {FY2570}" in errors["start_date"][0]


@pytest.mark.parametrize("text", ["21/06/1990", "21/06/2533"])
def test_a_year_typed_in_the_wrong_era_is_refused_with_the_reason(team, text):
    with frozen(2027, 3, 1):
        errors = errors_of(session(team, text))
    assert errors["start_date"] == [f"วันเริ่มอบรม 21 มิ.ย. 2533 อยู่นอกปีงบประมาณ 2570 ของทีม {FY2570}"]


def test_the_end_of_a_training_is_checked_too(team):
    with frozen(2027, 12, 1):
        errors = errors_of(session(team, "28/09/2570", "02/10/2570"))
    assert set(errors) == {"end_date"}
    assert "วันสิ้นสุดการอบรม 2 ต.ค. 2570 อยู่นอกปีงบประมาณ 2570" in errors["end_date"][0]


def test_an_end_before_the_start_names_the_end(team):
    with frozen(2027, 12, 1):
        errors = errors_of(session(team, "05/01/2570", "03/01/2570"))
    assert "วันสิ้นสุดการอบรมต้องไม่ก่อนวันเริ่มอบรม" in errors["end_date"]


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        ("01/06/2570", "03/06/2570", 3),
        ("01/06/2570", "01/06/2570", 1),
        ("28/02/2567", "1/3/2567", 3),
    ],
)
def test_training_days_are_counted_inclusively(team, start, end, days):
    assert session(team, start, end).days == days


# ---- nothing in the future: today is Bangkok's ----------------------------------------------


def test_a_training_today_is_accepted_and_tomorrow_refused(team):
    with frozen(2027, 3, 15):
        assert errors_of(session(team, "15/03/2570")) == {}
        errors = errors_of(session(team, "16/03/2570"))
    assert errors["start_date"] == [
        "วันเริ่มอบรมต้องไม่เป็นวันในอนาคต (16 มีนาคม 2570 ยังมาไม่ถึง วันนี้คือ 15 มีนาคม 2570)"
    ]


def test_today_is_bangkoks_date_not_utcs(team):
    # 23:30 UTC on 15 March is 06:30 on 16 March in Bangkok.
    with time_machine.travel(
        datetime.datetime(2027, 3, 15, 23, 30, tzinfo=datetime.UTC), tick=False
    ):
        assert errors_of(session(team, "16/03/2570")) == {}
        assert "start_date" in errors_of(session(team, "17/03/2570"))


def test_the_end_date_may_not_be_tomorrow_either(team):
    with frozen(2027, 3, 15):
        errors = errors_of(session(team, "14/03/2570", "16/03/2570"))
    assert set(errors) == {"end_date"}
    assert "ต้องไม่เป็นวันในอนาคต" in errors["end_date"][0]


def test_the_session_admin_refuses_a_date_outside_the_year(client, phon_officer, team):
    with frozen(2027, 3, 15):
        client.force_login(phon_officer)  # inside the frozen clock: the session is not idle
        response = client.post(
            "/admin/programs/trainingsession/add/",
            {
                "team": team.pk,
                "start_date": "30/09/2569",
                "end_date": "01/10/2569",
                "place": "other",
            },
        )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "นอกปีงบประมาณ 2570 ของทีม" in errors["start_date"][0]
    assert not TrainingSession.objects.exists()


def test_the_session_admin_saves_a_date_inside_the_year(client, phon_officer, team):
    with frozen(2027, 3, 15):
        client.force_login(phon_officer)
        response = client.post(
            "/admin/programs/trainingsession/add/",
            {
                "team": team.pk,
                "start_date": "1/10/2026",
                "end_date": "02/10/2569",
                "place": "other",
            },
        )
    assert response.status_code == 302, response.context["adminform"].form.errors
    saved = TrainingSession.objects.get()
    assert (saved.start_date, saved.days) == (datetime.date(2026, 10, 1), 2)


# ---- follow-ups: from the household's year and training, up to the year's window --------------


@pytest.fixture
def household(team):
    return make_household(village=team.village, fiscal_year=2570, trainer_team=team)


def visit(household, text):
    return FollowUp(household=household, visited_on=typed(text), practising=True)


@pytest.mark.parametrize(
    ("text", "allowed"),
    [("30/09/2569", False), ("30/9/2026", False), ("01/10/2569", True), ("1/10/2026", True)],
)
def test_a_follow_up_is_not_before_the_households_year(household, text, allowed):
    with frozen(2027, 3, 15):
        errors = errors_of(visit(household, text))
    if allowed:
        assert errors == {}
    else:
        assert f"อยู่ก่อนปีงบประมาณ 2570 ของครัวเรือน {FY2570}" in errors["visited_on"][0]


def test_a_follow_up_is_not_before_the_households_training(household, team):
    with frozen(2027, 3, 15):
        training = session(team, "10/01/2570", "12/01/2570")
        training.save()
        training.attendees.add(household)
        errors = errors_of(visit(household, "09/01/2570"))
        assert errors_of(visit(household, "10/01/2570")) == {}
    assert errors["visited_on"] == ["วันที่ติดตามต้องไม่ก่อนวันเริ่มอบรมของครัวเรือน (10 มกราคม 2570)"]


@pytest.mark.parametrize(
    ("text", "allowed"),
    [
        ("01/10/2570", True),  # the schedule runs past the year's end
        ("30/09/2571", True),  # 30 Sep 2570 + 6 (last follow-up) + 6 (evaluation) months
        ("30/9/2028", True),
        ("01/10/2571", False),
        ("1/10/2028", False),
    ],
)
def test_a_follow_up_after_the_year_stays_within_its_window(household, text, allowed):
    with frozen(2029, 1, 1):
        errors = errors_of(visit(household, text))
    if allowed:
        assert errors == {}
    else:
        assert "เลยช่วงติดตามผลของปีงบประมาณ 2570" in errors["visited_on"][0]
        assert "ถึง 30 ก.ย. 2571" in errors["visited_on"][0]


def test_the_window_follows_the_years_parameters(household):
    ProgrammeYear.objects.create(fiscal_year=2570, followup_schedule="1, 3", evaluation_months=0)
    with frozen(2029, 1, 1):
        assert errors_of(visit(household, "31/12/2570")) == {}
        errors = errors_of(visit(household, "01/01/2571"))
    assert "ถึง 31 ธ.ค. 2570" in errors["visited_on"][0]


def test_a_follow_up_today_is_accepted_and_tomorrow_refused(household):
    with frozen(2027, 3, 15, hour=23, minute=59):
        assert errors_of(visit(household, "15/03/2570")) == {}
        errors = errors_of(visit(household, "16/03/2570"))
    assert "วันที่ติดตามต้องไม่เป็นวันในอนาคต" in errors["visited_on"][0]


def test_the_follow_up_form_refuses_a_visit_before_the_year(client, phon_officer, household):
    with frozen(2027, 3, 15):
        client.force_login(phon_officer)
        response = client.post(
            "/admin/programs/followup/add/",
            {"household": household.pk, "visited_on": "21/06/2533", "practising": "on"},
        )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "วันที่ติดตาม 21 มิ.ย. 2533 อยู่ก่อนปีงบประมาณ 2570" in errors["visited_on"][0]
    assert not FollowUp.objects.exists()


# ---- the database's side: the plausible range still holds below the rules ---------------------


def test_the_database_refuses_an_implausible_training_date(team):
    with pytest.raises(IntegrityError), transaction.atomic():
        TrainingSession.objects.create(
            team=team, start_date=datetime.date(1989, 12, 31), end_date=datetime.date(2027, 1, 1)
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUp.objects.create(
            household=make_household(village=team.village, fiscal_year=2570),
            visited_on=datetime.date(3113, 6, 21),  # 2570 typed as CE
        )
