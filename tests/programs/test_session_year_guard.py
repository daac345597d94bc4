"""Training days inside the team's fiscal year at the database: on PostgreSQL the deferred
trigger of migration 0012 (``session_in_team_fiscal_year``) from both sides (the session's own
columns have their CHECK constraints on every database); the model says it first, in Thai."""

import contextlib
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from programs.models import TrainerTeam, TrainingSession
from tests.programs.factories import make_team

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the cross-table guard is a PostgreSQL trigger"
)
D = datetime.date


@contextlib.contextmanager
def checked_now():
    """Deferred constraint triggers fire at commit; a test never commits, so check at once."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        yield


@pytest.fixture
def team(two_districts):
    return make_team(village=two_districts["phon"], fiscal_year=2568)  # 1 Oct 2024 – 30 Sep 2025


@on_postgresql
def test_a_session_outside_its_teams_year_is_refused_at_the_database(team):
    with pytest.raises(IntegrityError, match="session_in_team_fiscal_year"), checked_now():
        TrainingSession.objects.create(
            team=team,
            start_date=D(2024, 9, 30),
            end_date=D(2024, 10, 1),  # starts in FY 2567
        )


@on_postgresql
def test_the_edges_of_the_year_are_inside(team):
    with checked_now():
        TrainingSession.objects.create(
            team=team, start_date=D(2024, 10, 1), end_date=D(2024, 10, 1)
        )
        TrainingSession.objects.create(
            team=team, start_date=D(2025, 9, 30), end_date=D(2025, 9, 30)
        )


@on_postgresql
def test_an_update_moving_the_dates_or_the_teams_year_is_refused(team):
    session = TrainingSession.objects.create(
        team=team, start_date=D(2025, 6, 1), end_date=D(2025, 6, 2)
    )
    with pytest.raises(IntegrityError, match="session_in_team_fiscal_year"), checked_now():
        TrainingSession.objects.filter(pk=session.pk).update(end_date=D(2025, 10, 2))
    with pytest.raises(IntegrityError, match="session_in_team_fiscal_year"), checked_now():
        TrainerTeam.objects.filter(pk=team.pk).update(fiscal_year=2569)


def test_the_model_says_it_first_in_thai(team):
    TrainingSession.objects.create(team=team, start_date=D(2025, 6, 1), end_date=D(2025, 6, 2))
    team = TrainerTeam.objects.get(pk=team.pk)
    team.fiscal_year = 2569
    with pytest.raises(ValidationError) as refused:
        team.full_clean()
    assert "อยู่นอกปีงบประมาณ 2569" in refused.value.message_dict["fiscal_year"][0]
