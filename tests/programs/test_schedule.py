"""The follow-up schedule (``programs.schedule``): done, due and overdue at their edges."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs import schedule
from programs.models import FollowUp, Household, TrainingSession
from tests.programs.factories import make_household, make_team

BANGKOK = zoneinfo.ZoneInfo("Asia/Bangkok")
D = datetime.date
# FY 2570 = 1 Oct 2026 – 30 Sep 2027; the training ends 15 Nov 2026: visits due 15 Dec 2026
# (1 month), 15 Feb 2027 (3) and 15 May 2027 (6).
TRAINING_END = D(2026, 11, 15)
DUE = [D(2026, 12, 15), D(2027, 2, 15), D(2027, 5, 15)]


def frozen(day, hour=9):
    return time_machine.travel(
        datetime.datetime(*day.timetuple()[:3], hour, tzinfo=BANGKOK), tick=False
    )


def states(visits):
    return [v.state for v in visits]


def plan(today, *visit_dates):
    return schedule.schedule_visits(
        training_end=TRAINING_END, months=[1, 3, 6], visit_dates=list(visit_dates), today=today
    )


def test_due_dates_are_calendar_months_after_the_training():
    assert [v.due_on for v in plan(D(2026, 11, 20))] == DUE
    month_end = schedule.schedule_visits(
        training_end=D(2027, 1, 31), months=[1], visit_dates=[], today=D(2027, 1, 31)
    )
    assert month_end[0].due_on == D(2027, 2, 28)


def test_a_visit_is_upcoming_until_a_week_before_it_is_due():
    assert states(plan(D(2026, 12, 7))) == ["upcoming", "upcoming", "upcoming"]
    assert plan(D(2026, 12, 8))[0].state == "due"


def test_due_up_to_its_day_then_overdue():
    assert plan(D(2026, 12, 15))[0].state == "due"
    assert plan(D(2026, 12, 16))[0].state == "overdue"


def test_a_follow_up_counts_from_a_week_before_the_due_date():
    early = plan(D(2026, 12, 20), D(2026, 12, 8))[0]
    assert early.state == "done"
    assert early.visited_on == D(2026, 12, 8)
    assert plan(D(2026, 12, 20), D(2026, 12, 7))[0].state == "overdue"


def test_a_late_visit_counts_until_the_next_visit_window_opens():
    assert plan(D(2027, 2, 20), D(2027, 2, 7))[:2] == [
        schedule.Visit(1, 1, DUE[0], "done", D(2027, 2, 7)),
        schedule.Visit(2, 3, DUE[1], "overdue"),
    ]
    visits = plan(D(2027, 2, 20), D(2027, 2, 8))
    assert states(visits)[:2] == ["missed", "done"]


def test_the_next_visit_takes_over_a_missed_one():
    visits = plan(D(2027, 2, 8))
    assert states(visits) == ["missed", "due", "upcoming"]
    assert sum(v.state in ("due", "overdue") for v in visits) == 1


def test_the_last_visit_never_closes():
    assert plan(D(2028, 3, 1), D(2026, 12, 15), D(2027, 2, 15))[2].state == "overdue"
    assert plan(D(2028, 3, 1), D(2026, 12, 15), D(2027, 2, 15), D(2027, 11, 20))[2].state == "done"


@pytest.fixture
def trained(geography):
    """A team of FY 2570 whose session ended 15 Nov 2026, and a maker of its attendees."""
    team = make_team(fiscal_year=2570)
    session = TrainingSession.objects.create(
        team=team, start_date=D(2026, 11, 11), end_date=TRAINING_END
    )

    def attendee(**fields):
        household = make_household(
            village=team.village, fiscal_year=2570, trainer_team=team, **fields
        )
        session.attendees.add(household)
        return household

    attendee.team = team
    attendee.session = session
    return attendee


def visit(household, day, **fields):
    return FollowUp.objects.create(household=household, visited_on=day, **fields)


def test_visits_for_reads_the_training_date_and_follow_ups(trained):
    household = trained()
    visit(household, D(2026, 12, 10), monthly_income=3500)
    with frozen(D(2027, 2, 16)):
        result = schedule.visits_for(Household.objects.all())
    assert result[household.pk].training_end == TRAINING_END
    assert states(result[household.pk].visits) == ["done", "overdue", "upcoming"]
    assert result[household.pk].state == "overdue"
    assert not result[household.pk].never_visited


def test_households_not_trained_or_dropped_are_not_followed(trained):
    listed = make_household(village=trained.team.village, fiscal_year=2570)
    dropped = trained()
    visit(dropped, D(2026, 12, 1), practising=False, stopped_reason="ย้ายไปทำงานต่างจังหวัด")
    dropped.refresh_from_db()
    assert dropped.status == Household.Status.DROPPED
    kept = trained()
    with frozen(D(2026, 12, 16)):
        overdue = set(schedule.households_in(Household.objects.all(), "overdue"))
        never = set(schedule.households_in(Household.objects.all(), "never"))
    assert overdue == {kept}
    assert never == {kept}
    assert listed not in never


def test_the_filter_choices_at_their_edges(trained):
    due, overdue, done = trained(), trained(), trained()
    visit(done, D(2027, 2, 8))  # a week early: counts for the second visit
    visit(overdue, D(2026, 12, 15))
    with frozen(D(2027, 2, 16)):
        everyone = Household.objects.all()
        assert set(schedule.households_in(everyone, "overdue")) == {due, overdue}
        assert set(schedule.households_in(everyone, "never")) == {due}
        assert set(schedule.households_in(everyone, "due")) == set()
    with frozen(D(2027, 2, 15)):
        assert set(schedule.households_in(Household.objects.all(), "due")) == {due, overdue}


def test_a_visit_months_after_the_year_end_still_counts(trained):
    household = trained()
    for day in (D(2026, 12, 15), D(2027, 2, 15)):
        visit(household, day)
    with frozen(D(2027, 11, 25)):  # FY 2571: the household's FY 2570 has ended
        assert set(schedule.households_in(Household.objects.all(), "overdue")) == {household}
        visit(household, D(2027, 11, 20))
        assert set(schedule.households_in(Household.objects.all(), "overdue")) == set()
        assert schedule.visits_for(Household.objects.all())[household.pk].visits[2].state == "done"


def test_the_year_schedule_comes_from_the_parameters(trained):
    from programs.models import ProgrammeYear

    ProgrammeYear.objects.create(fiscal_year=2570, followup_schedule="2, 4")
    household = trained()
    with frozen(D(2027, 1, 10)):
        visits = schedule.visits_for(Household.objects.all())[household.pk].visits
    assert [(v.months, v.due_on, v.state) for v in visits] == [
        (2, D(2027, 1, 15), "due"),
        (4, D(2027, 3, 15), "upcoming"),
    ]


def count_queries(func):
    with CaptureQueriesContext(connection) as queries:
        func()
    return len(queries)


def test_visits_for_asks_a_fixed_number_of_queries(trained):
    def run():
        with frozen(D(2027, 2, 16)):
            schedule.households_in(Household.objects.all(), "overdue").count()

    for _ in range(2):
        visit(trained(), D(2026, 12, 15))
    run()  # the years' parameters are cached from then on
    few = count_queries(run)
    for _ in range(18):
        visit(trained(), D(2026, 12, 15))
    assert count_queries(run) == few
    assert few <= 5


def test_the_sql_rule_is_the_python_rule(geography):
    """``annotate_current`` (SQL, the changelist filter and the home) agrees with
    ``schedule_visits`` (Python) on every household and day: month ends (31 Jan + 1 month is
    28 Feb), the tolerance, the windows, a visit after the year."""
    import random

    rng = random.Random(15)
    team = make_team(fiscal_year=2570)
    ends = [D(2026, 10, 31), D(2026, 11, 30), D(2026, 12, 31), D(2027, 1, 29), D(2027, 1, 31)]
    ends += [D(2027, 3, 31), D(2027, 8, 31)]
    households = []
    for end in ends:
        session = TrainingSession.objects.create(team=team, start_date=end, end_date=end)
        for _ in range(4):
            household = make_household(village=team.village, fiscal_year=2570, trainer_team=team)
            session.attendees.add(household)
            days = sorted(rng.sample(range(20, 260), rng.randint(0, 3)))
            FollowUp.objects.bulk_create(
                [
                    FollowUp(household=household, visited_on=end + datetime.timedelta(days=d))
                    for d in days
                ]
            )
            households.append(household)
    day = D(2026, 11, 1)
    while day < D(2028, 3, 1):
        with frozen(day):
            python = {
                pk: (v.state, v.current.due_on if v.current else None)
                for pk, v in schedule.visits_for(Household.objects.all(), today=day).items()
            }
            sql = {
                row["pk"]: (
                    row["followup_state"] if row["followup_state"] in ("due", "overdue") else None,
                    row["followup_due"] if row["followup_state"] in ("due", "overdue") else None,
                )
                for row in schedule.annotate_current(
                    schedule.followed_households(Household.objects.all(), today=day), today=day
                ).values("pk", "followup_state", "followup_due")
            }
        assert sql == python, day
        day += datetime.timedelta(days=5)


def test_the_changelist_filter_is_a_subquery(trained):
    households = [trained() for _ in range(3)]
    with frozen(D(2027, 2, 16)):
        chosen = schedule.households_in(Household.objects.all(), "overdue")
        sql = str(chosen.query)
        assert set(chosen) == set(households)
    assert "IN (SELECT" in sql
    assert str(households[0].pk) + ", " not in sql  # no list of keys
