"""The data-quality rules (``programs.quality``): each one with data that triggers it and data
that does not."""

import datetime
from decimal import Decimal

import pytest

from programs import quality
from programs.models import FollowUp, Household, TrainingSession
from tests.programs.factories import make_household, make_session, make_team

pytestmark = pytest.mark.django_db


def codes(**kwargs):
    return {f.code: f for f in quality.run(district="4012", fiscal_year=2568, **kwargs).findings}


def rule(code):
    return [r for r in quality.RULES if r.code == code]


def found(code):
    return codes(rules=rule(code)).get(code)


@pytest.fixture
def village(two_districts):
    return two_districts["phon"]


def test_q01_household_without_income_before(village):
    make_household(village=village, income_before=1000)
    assert found("Q01") is None
    missing = make_household(village=village, first_name="ไม่มีรายได้")
    finding = found("Q01")
    assert finding.total == 1
    assert finding.severity == quality.ERROR
    assert "ไม่มีรายได้" in finding.rows[0].label
    assert finding.rows[0].url == f"/admin/programs/household/{missing.pk}/change/"


@pytest.mark.parametrize(
    ("after", "flagged"), [(1000, False), (3900, False), (4100, True), (499, True), (500, False)]
)
def test_q02_income_change_out_of_range(village, after, flagged):
    household = make_household(village=village, income_before=1000)
    Household.objects.filter(pk=household.pk).update(income_after=Decimal(after))
    assert (found("Q02") is not None) is flagged


def test_q03_trained_never_followed_up(village):
    household = make_household(village=village, status="trained")
    assert found("Q03").total == 1
    FollowUp.objects.create(household=household, visited_on=datetime.date(2025, 3, 1))
    assert found("Q03") is None


def test_q04_team_without_session(village):
    team = make_team(village=village)
    assert found("Q04").total == 1
    make_session(team=team)
    assert found("Q04") is None


def test_q05_session_outside_the_year(village):
    team = make_team(village=village)
    session = make_session(team=team)
    assert found("Q05") is None
    TrainingSession.objects.filter(pk=session.pk).update(end_date=datetime.date(2025, 10, 2))
    assert found("Q05").severity == quality.ERROR


def test_q06_phone_shared_by_many(village):
    for _n in range(quality.PHONE_SHARED_MAX):
        make_household(village=village, phone="0812345678")
    assert found("Q06") is None
    make_household(village=village, phone="0812345678")
    assert found("Q06").total == quality.PHONE_SHARED_MAX + 1


def test_q07_duplicate_names_in_one_village(village):
    make_household(village=village, first_name="สมศรี", last_name="ซ้ำ")
    assert found("Q07") is None
    make_household(village=village, first_name="สมศรี", last_name="ซ้ำ")
    assert found("Q07").total == 2


def test_other_districts_and_years_are_not_checked(two_districts):
    make_household(village=two_districts["muang"])
    make_household(village=two_districts["phon"], fiscal_year=2569)
    assert codes() == {}
