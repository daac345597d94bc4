"""KPIs on a hand-made data set whose answers are worked out here."""

from decimal import Decimal

import pytest

from programs import services
from programs.models import OccupationGroup
from tests.factories import make_village
from tests.programs.factories import make_household, make_occupation

pytestmark = pytest.mark.django_db


@pytest.fixture
def handmade(geography):
    """อ.พล, FY 2568, two target villages:

    village A: 4 households — practising (1000 → 1100), grouped (2000 → 2000),
               trained (1000 → 1030), dropped (500 → none); one group (the grouped household).
    village B: 2 households — target (no income), practising (0 → 800: excluded, before = 0).
    Another year's household in village A must not count.

    share practising = (practising + grouped) / (trained + practising + grouped) = 3 / 4 = 75 %
    income change over households with both incomes and before > 0 (1000/1100, 2000/2000,
    1000/1030): mean before 4000/3, mean after 4130/3 → +130/4000 = +3.25 %
    groups = villages with a grouped household / target villages = 1 / 2 = 50 %
    """
    a = make_village(subdistrict="401207", moo=1)
    b = make_village(subdistrict="401207", moo=2)
    group = OccupationGroup.objects.create(village=a, name="กลุ่มทอผ้า", occupation=make_occupation())
    make_household(village=a, status="practising", income_before=1000, income_after=1100)
    make_household(village=a, status="grouped", income_before=2000, income_after=2000, group=group)
    make_household(village=a, status="trained", income_before=1000, income_after=1030)
    make_household(village=a, status="dropped", income_before=500)
    make_household(village=b, status="target")
    make_household(village=b, status="practising", income_before=0, income_after=800)
    make_household(
        village=a, fiscal_year=2567, status="practising", income_before=1, income_after=1000
    )


def test_share_practising(handmade):
    [row] = services.district_kpis(fiscal_year=2568)
    assert row["practising_share"] == Decimal(3) / Decimal(4)
    assert not row["practising_met"]


def test_income_change(handmade):
    [row] = services.district_kpis(fiscal_year=2568)
    assert row["income_change"].quantize(Decimal("0.0001")) == Decimal("0.0325")
    assert row["households_with_income"] == 3
    assert row["income_met"]


def test_group_share(handmade):
    [row] = services.district_kpis(fiscal_year=2568)
    assert (row["grouped_villages"], row["villages"]) == (1, 2)
    assert row["group_share"] == Decimal("0.5")
    assert row["groups_met"]


def test_kpis_take_a_fixed_number_of_queries(handmade, django_assert_num_queries):
    with django_assert_num_queries(3):
        services.district_kpis(fiscal_year=2568)


def test_progress_page_shows_the_figures(phon_client, handmade):
    response = phon_client.get("/admin/programs/household/progress/", {"fiscal_year": 2568})
    html = response.content.decode()
    assert response.status_code == 200
    assert "75.0%" in html
    assert "+3.3%" in html
    assert "1 / 2 (50.0%)" in html


def test_progress_page_is_scoped(client, muang_officer, handmade):
    client.force_login(muang_officer)
    response = client.get("/admin/programs/household/progress/", {"fiscal_year": 2568})
    assert response.context["kpis"] == []
    assert response.context["progress"] == []
