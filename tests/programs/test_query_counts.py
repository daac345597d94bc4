"""Every programme changelist runs the same number of queries at 1 row as at 200+."""

import datetime

import pytest

from programs.models import FollowUp, Household, TrainingSession
from programs.stages import household_stages_refresh
from sammachip import thaidate
from tests.programs.factories import make_household, make_team

pytestmark = pytest.mark.django_db

URLS = [
    "/admin/programs/household/",
    "/admin/programs/sage/",
    "/admin/programs/trainerteam/",
    "/admin/programs/trainingsession/",
    "/admin/programs/followup/",
    "/admin/programs/occupationgroup/",
    "/admin/programs/product/",
    "/admin/sammachip/auditentry/",
]


def grow(two_districts, count, teams):
    """``count`` households with follow-ups; the first ``teams`` of them each get a team (one
    per fiscal year) and a training session. Follow-ups and attendance are written in bulk and
    the stages refreshed once (the point here is the changelists, not the per-save signals)."""
    village = two_districts["phon"]
    first_year = 2551 + TrainingSession.objects.count()
    follow_ups, attendance, households = [], [], []
    for n in range(count):
        team = make_team(village=village, fiscal_year=first_year + n) if n < teams else None
        household = make_household(village=village, trainer_team=team, fiscal_year=2568)
        households.append(household.pk)
        follow_ups.append(FollowUp(household=household, visited_on="2024-06-21"))
        if team:
            # Inside the team's fiscal year (PostgreSQL checks it: session_in_team_fiscal_year).
            start = thaidate.fiscal_year_bounds(team.fiscal_year)[0] + datetime.timedelta(days=30)
            session = TrainingSession.objects.create(
                team=team, start_date=start, end_date=start + datetime.timedelta(days=1)
            )
            attendance.append(
                TrainingSession.attendees.through(trainingsession=session, household=household)
            )
    FollowUp.objects.bulk_create(follow_ups)
    TrainingSession.attendees.through.objects.bulk_create(attendance)
    household_stages_refresh(households=households)


def _queries(client, urls):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        counts[url] = len(queries.captured_queries)
    return counts


def test_changelist_queries_do_not_grow(province_client, two_districts):
    """Every list in one test: the data grows once for all of them, not once a list."""
    grow(two_districts, 1, teams=1)
    few = _queries(province_client, URLS)
    assert max(few.values()) <= 30, few
    grow(two_districts, 210, teams=40)
    assert Household.objects.count() > 200
    more = _queries(province_client, URLS)
    assert {url: n for url, n in more.items() if n > few[url]} == {}
