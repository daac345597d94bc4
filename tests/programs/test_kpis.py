"""KPIs on a hand-made data set whose answers are worked out here."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs import kpis, parameters
from programs.models import Household, OccupationGroup, TrainerTeam
from tests.factories import make_user, make_village
from tests.programs.factories import make_household, make_occupation, make_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def handmade(geography):
    """อ.พล, FY 2568, two target villages (each with its team: the factory makes it for the
    trained households):

    village A: 4 households — practising (1000 → 1100), grouped (2000 → 2000),
               practising (1000 → 1030), dropped before any training (500 → none); one group
               (the grouped household).
    village B: 2 households — target (no income), trained (0 → 800: not practising, and
               before = 0).
    Another year's household in village A must not count.

    share practising = (practising + grouped) / ever trained (trained, practising, grouped and
    those dropped after a session: none here) = 3 / 4 = 75 %
    income change over practising households with both incomes and before > 0 (1000/1100,
    2000/2000, 1000/1030): mean before 4000/3, mean after 4130/3 → +130/4000 = +3.25 %
    groups = target villages (with a team) with a grouped household / target villages = 1 / 2
    = 50 %
    """
    a = make_village(subdistrict="401207", moo=1)
    b = make_village(subdistrict="401207", moo=2)
    group = OccupationGroup.objects.create(village=a, name="กลุ่มทอผ้า", occupation=make_occupation())
    make_household(village=a, status="practising", income_before=1000, income_after=1100)
    make_household(village=a, status="grouped", income_before=2000, income_after=2000, group=group)
    make_household(village=a, status="practising", income_before=1000, income_after=1030)
    make_household(village=a, status="dropped", income_before=500)
    make_household(village=b, status="target")
    make_household(village=b, status="trained", income_before=0, income_after=800)
    make_household(
        village=a, fiscal_year=2567, status="practising", income_before=1, income_after=1000
    )


def test_share_practising(handmade):
    [row] = kpis.district_kpis(fiscal_year=2568)
    assert row["practising_share"] == Decimal(3) / Decimal(4)
    assert not row["practising_met"]


def test_income_change(handmade):
    [row] = kpis.district_kpis(fiscal_year=2568)
    assert row["income_change"].quantize(Decimal("0.0001")) == Decimal("0.0325")
    assert row["households_with_income"] == 3
    assert row["income_met"]


def test_group_share(handmade):
    [row] = kpis.district_kpis(fiscal_year=2568)
    assert (row["grouped_villages"], row["villages"]) == (1, 2)
    assert row["group_share"] == Decimal("0.5")
    assert row["groups_met"]


def test_kpis_take_a_fixed_number_of_queries(handmade, django_assert_num_queries):
    year = parameters.for_year(2568)  # cached from here on (``programs.parameters``)
    with django_assert_num_queries(3):  # households per village, teams, names
        kpis.district_kpis(fiscal_year=2568)
    with django_assert_num_queries(2):  # the KPI page passes the year and the names it has
        [row] = kpis.district_kpis(fiscal_year=2568, year=year, names={"4012": "พลทดสอบ"})
    assert row["district_name"] == "พลทดสอบ"


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


# ---- the KPI page as the officer's dashboard -----------------------------------------------

PAGE = "/admin/programs/household/progress/"


def listed(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return {household.pk for household in response.context["cl"].result_list}


def test_each_number_drills_down_to_exactly_its_households(phon_client, handmade):
    response = phon_client.get(PAGE, {"fiscal_year": 2568})
    [row] = response.context["kpis"]
    year = Household.objects.filter(fiscal_year=2568)
    assert listed(phon_client, row["links"]["all"]) == set(year.values_list("pk", flat=True))
    trained = year.exclude(status__in=["target", "dropped"])
    assert listed(phon_client, row["links"]["trained"]) == set(trained.values_list("pk", flat=True))
    practising = year.filter(status__in=["practising", "grouped"])
    assert listed(phon_client, row["links"]["practising"]) == set(
        practising.values_list("pk", flat=True)
    )
    assert len(listed(phon_client, row["links"]["income"])) == row["households_with_income"]
    assert len(listed(phon_client, row["links"]["grouped"])) == 1


def test_village_and_breakdown_links_are_filtered_and_scoped(client, phon_client, handmade):
    response = phon_client.get(PAGE, {"fiscal_year": 2568})
    village_row = response.context["progress"][0]
    village = village_row["village"]
    expected = set(
        Household.objects.filter(fiscal_year=2568, village=village).values_list("pk", flat=True)
    )
    assert listed(phon_client, village_row["links"]["all"]) == expected
    for row in response.context["breakdown"]["target_groups"]:
        assert len(listed(phon_client, row["links"]["all"])) == row["households"]
    for row in response.context["breakdown"]["occupation_types"]:
        assert len(listed(phon_client, row["links"]["trained"])) == row["trained"]
    # Another district's officer following the same link sees none of them.
    client.force_login(make_user(districts=["4001"]))
    assert listed(client, village_row["links"]["all"]) == set()


def test_the_page_shows_breakdowns_trend_and_both_forms_of_kpi2(phon_client, handmade):
    html = phon_client.get(PAGE, {"fiscal_year": 2568}).content.decode()
    assert 'id="occupation-type-table"' in html
    assert 'id="target-group-table"' in html
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="kpi-trend"' in html
    assert 'id="trend-table"' in html
    # Village form: village A's practising mean 4000 → 4130 (+3.25 %) rose; B has none measured.
    assert 'class="income-villages">1 / 1 (100.0%)</td>' in html
    assert "เป้าหมายปีนี้" in html


def test_provincial_staff_see_the_summary_first_then_one_district_paged(
    province_client, handmade, monkeypatch
):
    response = province_client.get(PAGE, {"fiscal_year": 2568})
    assert response.context["progress"] == []
    assert 'id="village-table-hint"' in response.content.decode()
    monkeypatch.setattr("programs.admin.progress.VILLAGES_PER_PAGE", 1)
    response = province_client.get(PAGE, {"fiscal_year": 2568, "district": "4012"})
    assert len(response.context["progress"]) == 1
    assert response.context["village_page"].paginator.num_pages == 2
    second = province_client.get(PAGE, {"fiscal_year": 2568, "district": "4012", "page": 2})
    assert second.context["progress"][0]["village"] != response.context["progress"][0]["village"]


def _page_queries(client, params):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PAGE, params).status_code == 200
    return len(queries)


def _more_data():
    for moo in (5, 6, 7):
        village = make_village(subdistrict="401207", moo=moo)
        for status in ("practising", "grouped", "trained", "dropped"):
            make_household(village=village, status=status, income_before=1000, income_after=1100)
    village = make_village(subdistrict="400101", moo=9)
    make_household(village=village, status="practising", income_before=1000, income_after=1200)


def test_the_page_takes_a_fixed_number_of_queries(client, phon_officer, province_staff, handmade):
    """The same number of queries with one district's few villages and with more data."""

    def counts():
        client.force_login(phon_officer)
        officer = _page_queries(client, {"fiscal_year": 2568})
        client.force_login(province_staff)
        province = _page_queries(client, {"fiscal_year": 2568})
        district = _page_queries(client, {"fiscal_year": 2568, "district": "4012"})
        return officer, province, district

    before = counts()
    _more_data()
    assert counts() == before


def test_the_page_takes_these_queries(client, phon_officer, province_staff, handmade):
    """Pinned (tests above: they do not grow with the data). Every page: the session, the user
    and its two permission lookups, the user's districts, the district table (the year's
    households per village, the target villages), the breakdown (types, each occupation's
    type, the households by occupation and target group, the groups by type), the trend of the
    five years before (households per year, villages with a group, target villages). The
    village table adds the paginator's count, the page of villages, their teams, their
    households and their products; a district officer's districts are read once more for the
    scope. The parameters of the six years of the trend are read once and then come from the
    cache (``programs.parameters``)."""
    client.force_login(province_staff)
    _page_queries(client, {"fiscal_year": 2568})  # the parameters, cached from here on
    assert _page_queries(client, {"fiscal_year": 2568}) == 14
    assert _page_queries(client, {"fiscal_year": 2568, "district": "4012"}) == 19
    client.force_login(phon_officer)
    assert _page_queries(client, {"fiscal_year": 2568}) == 20


def test_the_trend_reuses_the_current_year_with_the_same_figures(geography, handmade):
    """The page passes the current year's totals to the trend (its households are not read
    twice): the trend row is the same as when the trend reads them, with a district that has a
    target village but no household that year (it counts among the target villages)."""
    make_team(village=make_village(subdistrict="400101", moo=3), fiscal_year=2568)
    households, teams = Household.objects.all(), TrainerTeam.objects.all()
    read = kpis.kpi_trend(households=households, teams=teams, fiscal_years=[2567, 2568])
    totals = kpis.kpi_totals(kpis.district_kpis(fiscal_year=2568))
    reused = kpis.kpi_trend(
        households=households, teams=teams, fiscal_years=[2567, 2568], known={2568: totals}
    )
    assert reused == read
    assert (read[1]["grouped_villages"], read[1]["villages"]) == (1, 3)


def test_village_rows_show_the_same_kpi_cells_as_the_district_rows(phon_client, handmade):
    html = phon_client.get(PAGE, {"fiscal_year": 2568}).content.decode()
    district_row = html[html.index('data-district="4012"') :]
    district_row = district_row[: district_row.index("</tr>")]
    village_row = html[html.index("data-village=") :]
    village_row = village_row[: village_row.index("</tr>")]
    for cell in ("practising-share", "income-means", "income-change", "income-villages"):
        assert f"{cell}" in district_row
        assert f"{cell}" in village_row
    # Village A (the first): 3 practising of 3 trained, 4000 → 4130 (+3.25 %, the target met).
    assert 'kpi-met practising-share">100.0%</td>' in village_row
    assert 'kpi-met income-change">+3.3%</td>' in village_row


def test_a_missing_figure_is_neither_met_nor_missed(phon_client, geography):
    make_household(status="target")
    html = phon_client.get(PAGE, {"fiscal_year": 2568}).content.decode()
    assert 'class="kpi-none practising-share">—</td>' in html
    assert 'class="kpi-none income-change">—</td>' in html
