"""``seed_demo``'s programme is dated from today: the current fiscal year has trainings, visits
done, due this week and overdue, households never visited, a team without a session, a village
without a sage and a household dropped with a reason (the pages of issue 15 all show data)."""

import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command

from programs import schedule
from programs.demo import seed_programme
from programs.home import home_lists
from programs.models import FollowUp, Household, TrainingSession
from sammachip import thaidate
from tests.factories import make_user

BANGKOK = zoneinfo.ZoneInfo("Asia/Bangkok")


@pytest.fixture
def occupations(geography):
    call_command("loaddata", settings.BASE_DIR / "fixtures" / "occupations.json", verbosity=0)


def frozen(*ymd):
    return time_machine.travel(datetime.datetime(*ymd, 9, tzinfo=BANGKOK), tick=False)


@pytest.mark.parametrize("day", [(2026, 12, 1), (2027, 2, 16), (2027, 8, 1)])
def test_the_current_fiscal_year_has_every_case(occupations, day):
    with frozen(*day):
        today = datetime.date(*day)
        year = thaidate.current_fiscal_year()
        assert seed_programme() > 0
        current = Household.objects.filter(fiscal_year=year)
        followed = schedule.visits_for(current)
        states = [visits.state for visits in followed.values()]
        assert states.count(schedule.State.DUE) > 0
        assert states.count(schedule.State.OVERDUE) > 0
        assert any(visits.never_visited for visits in followed.values())
        assert any(
            visit.state == schedule.State.DONE for v in followed.values() for visit in v.visits
        )
        assert TrainingSession.objects.filter(team__fiscal_year=year).exists()
        assert FollowUp.objects.filter(household__fiscal_year=year).exists()
        assert not FollowUp.objects.filter(visited_on__gt=today).exists()
        assert not TrainingSession.objects.filter(end_date__gt=today).exists()
        dropped = current.filter(status=Household.Status.DROPPED)
        assert dropped.filter(follow_ups__stopped_reason__gt="").exists()
        lists = home_lists(make_user(role="district", districts=["4012"]))
    assert lists["due"]["count"] > 0
    assert lists["overdue"]["count"] > 0
    assert lists["never"]["count"] > 0
    assert lists["teams"]["count"] > 0
    assert lists["villages"]["count"] > 0
    # One seeding a day serves the checks below (each seeding takes seconds).
    _sessions_and_visits_stay_inside_their_fiscal_years()
    _demo_names_match_their_prefix()
    _products_follow_their_groups_occupation()
    if day == (2027, 2, 16):
        with frozen(*day):
            assert seed_programme() == 0  # seeding twice creates nothing more


def _sessions_and_visits_stay_inside_their_fiscal_years():
    for session in TrainingSession.objects.select_related("team"):
        first, last = thaidate.fiscal_year_bounds(session.team.fiscal_year)
        assert first <= session.start_date <= session.end_date <= last
    for follow_up in FollowUp.objects.select_related("household"):
        assert (
            follow_up.visited_on >= thaidate.fiscal_year_bounds(follow_up.household.fiscal_year)[0]
        )


@pytest.mark.usefixtures("occupations")
def test_seed_demo_prints_the_households_and_the_logins(settings):
    settings.DEBUG = True
    out = io.StringIO()
    with frozen(2027, 2, 16):
        call_command("seed_demo", stdout=out)
    text = out.getvalue()
    assert "ครัวเรือนใน 30 หมู่บ้าน 3 อำเภอ" in text
    assert "officer_phon" in text


def _demo_names_match_their_prefix():
    from programs.demo import MEN, WOMEN
    from programs.models import Sage, TeamMember

    people = [
        *Household.objects.values_list("prefix", "first_name"),
        *Sage.objects.values_list("prefix", "first_name"),
        *TeamMember.objects.values_list("prefix", "first_name"),
    ]
    assert {prefix for prefix, _ in people} == {"นาย", "นาง", "นางสาว"}
    for prefix, first_name in people:
        assert first_name in (MEN if prefix == "นาย" else WOMEN), (prefix, first_name)


def _products_follow_their_groups_occupation():
    """A group raising chickens sells eggs, not dried mushrooms (each product from its group's
    occupation, with that product's own unit)."""
    from programs.demo import PRODUCTS
    from programs.models import Product

    products = list(Product.objects.select_related("group__occupation"))
    assert products
    for product in products:
        name, _category, unit, prices = PRODUCTS[product.group.occupation.name]
        assert (product.name, product.unit) == (name, unit)
        assert product.price in prices
