"""Every box of the admin's grids is named for a screen reader by its column and its row (the
team page's household grid, a household's follow-ups, an editable list)."""

import datetime
import re

import pytest

from programs.models import FollowUp
from tests.programs.factories import make_household

pytestmark = pytest.mark.django_db

BOX = re.compile(r"<(?:input|select|textarea)\b[^>]*>")


def unnamed_boxes(html, prefix):
    """The visible boxes of the formset ``prefix`` with no aria-label (the template row aside)."""
    return [
        box
        for box in BOX.findall(html)
        if f'name="{prefix}-' in box
        and "__prefix__" not in box
        and 'type="hidden"' not in box
        and "aria-label=" not in box
    ]


def test_the_team_grid_names_each_cell_by_household_and_column(phon_client, programme):
    team = programme["phon"]["team"]
    html = phon_client.get(f"/admin/programs/trainerteam/{team.pk}/change/").content.decode()
    assert unnamed_boxes(html, "households") == []
    assert unnamed_boxes(html, "members") == []
    household = programme["phon"]["household"]
    assert f'aria-label="ชื่อ – {household}"' in html
    assert 'aria-label="ชื่อ – แถวใหม่ที่ 2"' in html  # the first empty row after the one saved


def test_the_follow_up_rows_are_named_by_their_date(phon_client, programme):
    household = make_household(village=programme["phon"]["village"], fiscal_year=2567)
    FollowUp.objects.create(
        household=household, visited_on=datetime.date(2024, 6, 21), practising=True
    )
    html = phon_client.get(f"/admin/programs/household/{household.pk}/change/").content.decode()
    assert unnamed_boxes(html, "follow_ups") == []
    assert "– การติดตามวันที่ 21 มิถุนายน 2567" in html


def test_an_editable_list_names_its_boxes(province_client):
    from articles.models import Category

    Category.objects.create(name="เกษตร", slug="kaset", order=1)
    html = province_client.get("/admin/articles/category/").content.decode()
    assert unnamed_boxes(html, "form") == []
    assert "– เกษตร" in html
