"""The department's KPI definitions (DESIGN.md, "KPIs per district and fiscal year"), each on a
small data set whose answer is worked out by hand in the test."""

import datetime
from decimal import Decimal

import pytest

from programs import kpis
from programs.models import (
    FollowUp,
    Household,
    IncomeSource,
    Occupation,
    OccupationType,
    ProgrammeYear,
    StageDecision,
    TrainerTeam,
)
from tests.factories import make_village
from tests.programs.factories import (
    make_group,
    make_household,
    make_occupation,
    make_team,
)

pytestmark = pytest.mark.django_db

YEAR = 2568  # 1 Oct 2024 – 30 Sep 2025; the income window runs to 31 Mar 2026 (6 months)


def one(fiscal_year=YEAR):
    [row] = kpis.district_kpis(fiscal_year=fiscal_year)
    return row


def dropped_after_training(village, **fields):
    household = make_household(village=village, status="trained", **fields)
    StageDecision.objects.create(
        household=household, decided_on=datetime.date(2025, 3, 1), reason="ย้ายไปทำงานต่างจังหวัด"
    )
    household.refresh_from_db()
    assert household.status == "dropped"
    return household


# ---- KPI 1: share practising ---------------------------------------------------------------


def test_share_practising_counts_every_household_ever_trained(geography):
    """trained 1, practising 2, grouped 1, dropped after training 1 → ever trained 5;
    dropped before any training 1 and target 1 are not trained. 3 / 5 = 60 % (< 85 %)."""
    village = make_village(subdistrict="401207", moo=1)
    make_household(village=village, status="trained")
    make_household(village=village, status="practising")
    make_household(village=village, status="practising")
    make_household(village=village, status="grouped")
    dropped_after_training(village)
    make_household(village=village, status="dropped")
    make_household(village=village, status="target")
    row = one()
    assert (row["trained"], row["practising"], row["dropped"]) == (5, 3, 2)
    assert row["practising_share"] == Decimal("0.6")
    assert not row["practising_met"]


def test_share_practising_is_measured_against_the_years_target(geography):
    """The same 3 / 5 = 60 % meets a target of 60 % set for the year."""
    ProgrammeYear.objects.create(fiscal_year=YEAR, target_practising=Decimal(60))
    village = make_village(subdistrict="401207", moo=1)
    for status in ("practising", "practising", "grouped", "trained"):
        make_household(village=village, status=status)
    dropped_after_training(village)
    row = one()
    assert row["practising_share"] == Decimal("0.6")
    assert row["targets"]["practising"] == Decimal("0.6")
    assert row["practising_met"]


# ---- KPI 2, mean form ----------------------------------------------------------------------


def test_income_change_is_over_practising_households_with_both_incomes(geography):
    """Counted: practising 1000 → 1200, practising 3000 → 3000, grouped 2000 → 2300.
    Not counted: trained 1000 → 5000 (not practising), practising 0 → 900 (before = 0),
    practising 1000 → none, dropped after training 1000 → 9000.
    mean before 6000/3 = 2000, mean after 6500/3 → +500/6000 = +8.33 %."""
    village = make_village(subdistrict="401207", moo=1)
    make_household(village=village, status="practising", income_before=1000, income_after=1200)
    make_household(village=village, status="practising", income_before=3000, income_after=3000)
    make_household(village=village, status="grouped", income_before=2000, income_after=2300)
    make_household(village=village, status="trained", income_before=1000, income_after=5000)
    make_household(village=village, status="practising", income_before=0, income_after=900)
    make_household(village=village, status="practising", income_before=1000)
    dropped_after_training(village, income_before=1000, income_after=9000)
    row = one()
    assert row["households_with_income"] == 3
    assert row["mean_income_before"] == Decimal(2000)
    assert row["income_change"] == Decimal(500) / Decimal(6000)
    assert row["income_met"]


# ---- KPI 2, village form -------------------------------------------------------------------


def test_village_form_counts_villages_whose_practising_mean_rose_by_the_target(geography):
    """V1: 1000 → 1020 and 1000 → 1040: mean 1000 → 1030, +3.0 % → rose (exactly the target).
    V2: 2000 → 2050, +2.5 % → not. V3: 1000 → 900 → not. V4: only a trained household with
    incomes → not measured. 1 of 3 measured villages = 33.3 %."""
    v1, v2, v3, v4 = (make_village(subdistrict="401207", moo=n) for n in (1, 2, 3, 4))
    make_household(village=v1, status="practising", income_before=1000, income_after=1020)
    make_household(village=v1, status="grouped", income_before=1000, income_after=1040)
    make_household(village=v2, status="practising", income_before=2000, income_after=2050)
    make_household(village=v3, status="practising", income_before=1000, income_after=900)
    make_household(village=v4, status="trained", income_before=1000, income_after=2000)
    row = one()
    assert (row["income_villages_rose"], row["income_villages"]) == (1, 3)
    assert row["income_villages_share"] == Decimal(1) / Decimal(3)
    # The mean form over the same households: 6000 → 6010.
    assert row["income_change"] == Decimal(10) / Decimal(5000)


def test_village_form_follows_the_years_income_target(geography):
    """With a target of +2 % the village at +2.5 % rose too: 2 of 3."""
    ProgrammeYear.objects.create(fiscal_year=YEAR, target_income_change=Decimal(2))
    v1, v2, v3 = (make_village(subdistrict="401207", moo=n) for n in (1, 2, 3))
    make_household(village=v1, status="practising", income_before=1000, income_after=1030)
    make_household(village=v2, status="practising", income_before=2000, income_after=2050)
    make_household(village=v3, status="practising", income_before=1000, income_after=900)
    row = one()
    assert (row["income_villages_rose"], row["income_villages"]) == (2, 3)


# ---- income_after from the follow-ups ------------------------------------------------------


def visit(household, day, income, practising=True):
    return FollowUp.objects.create(
        household=household, visited_on=day, practising=practising, monthly_income=income
    )


def test_income_after_is_the_latest_follow_up_in_the_evaluation_window(geography):
    household = make_household(status="trained", income_before=2000)
    visit(household, datetime.date(2025, 3, 1), Decimal(3500))
    household.refresh_from_db()
    assert (household.income_after, household.income_after_source) == (Decimal(3500), "followup")
    visit(household, datetime.date(2025, 12, 1), Decimal(2500))  # after the year: in the window
    visit(household, datetime.date(2026, 5, 1), Decimal(9999))  # beyond 31 Mar 2026
    visit(household, datetime.date(2026, 1, 1), None)  # no income recorded: skipped
    household.refresh_from_db()
    assert household.income_after == Decimal(2500)


def test_a_longer_evaluation_window_takes_the_later_visit(geography):
    ProgrammeYear.objects.create(fiscal_year=YEAR, evaluation_months=12)
    household = make_household(status="trained", income_before=2000)
    visit(household, datetime.date(2025, 12, 1), Decimal(2500))
    visit(household, datetime.date(2026, 5, 1), Decimal(2700))
    household.refresh_from_db()
    assert household.income_after == Decimal(2700)


def test_deleting_follow_ups_keeps_income_after_in_step(geography):
    household = make_household(status="trained", income_before=2000)
    first = visit(household, datetime.date(2025, 3, 1), Decimal(3500))
    latest = visit(household, datetime.date(2025, 6, 1), Decimal(2500))
    latest.delete()
    household.refresh_from_db()
    assert household.income_after == Decimal(3500)
    first.delete()
    household.refresh_from_db()
    assert (household.income_after, household.income_after_source) == (None, "")


def test_an_income_typed_by_hand_is_kept(geography):
    household = make_household(status="trained", income_before=2000, income_after=4000)
    Household.objects.filter(pk=household.pk).update(income_after_source=IncomeSource.MANUAL)
    visit(household, datetime.date(2025, 3, 1), Decimal(3500))
    household.refresh_from_db()
    assert (household.income_after, household.income_after_source) == (Decimal(4000), "manual")


def test_saving_a_follow_up_costs_two_queries_for_the_income(
    geography, django_assert_max_num_queries
):
    household = make_household(status="trained", income_before=2000)
    with django_assert_max_num_queries(2):
        kpis.household_income_refresh(households=[household])


def test_the_issue_scenario_trained_and_followed_up_shows_on_the_kpis(geography):
    """Three attendees; two follow-ups ยังประกอบอาชีพ at 3,500 and 2,500 baht (before: 2,000
    each): trained 3, practising 2 → 66.7 %; income (6000 − 4000) / 4000 = +50 %."""
    village = make_village(subdistrict="401207", moo=1)
    households = [
        make_household(village=village, status="trained", income_before=2000) for _ in range(3)
    ]
    visit(households[0], datetime.date(2025, 3, 1), Decimal(3500))
    visit(households[1], datetime.date(2025, 3, 1), Decimal(2500))
    row = one()
    assert (row["trained"], row["practising"]) == (3, 2)
    assert row["practising_share"] == Decimal(2) / Decimal(3)
    assert row["income_change"] == Decimal("0.5")


def test_a_follow_up_belongs_to_its_households_year_whatever_its_date(geography):
    """A visit dated in FY 2569 still gives the FY 2568 household its income."""
    household = make_household(status="trained", income_before=1000)
    visit(household, datetime.date(2025, 11, 1), Decimal(1100))  # FY 2569 by date
    assert one()["income_change"] == Decimal("0.1")
    assert kpis.district_kpis(fiscal_year=2569) == []


# ---- KPI 3: groups -------------------------------------------------------------------------


def test_group_share_is_over_villages_with_a_team_that_year(geography):
    """V1 (team, a grouped household) counts; V2 (team, no group) and V4 (team, no households)
    are target villages without a group; V3 (a group but no team that year) is not a target
    village. 1 / 3."""
    v1, v2, v3, v4 = (make_village(subdistrict="401207", moo=n) for n in (1, 2, 3, 4))
    make_household(village=v1, status="grouped")
    make_household(village=v2, status="practising")
    household = make_household(village=v3, status="grouped")
    TrainerTeam.objects.filter(village=v3).delete()  # its group stays, the year's team goes
    assert Household.objects.filter(pk=household.pk, group__isnull=False).exists()
    make_team(village=v4)
    make_team(village=v1, fiscal_year=YEAR - 1)  # another year's team changes nothing
    row = one()
    assert (row["grouped_villages"], row["villages"]) == (1, 3)
    assert row["group_share"] == Decimal(1) / Decimal(3)
    assert row["groups_met"]
    assert row["listed_villages"] == 3


# ---- empty denominators --------------------------------------------------------------------


def test_empty_denominators_give_none_never_a_division_by_zero(geography):
    make_household(status="target", income_before=0, income_after=100)
    row = one()
    assert row["practising_share"] is None
    assert row["income_change"] is None
    assert row["mean_income_before"] is None
    assert row["group_share"] is None
    assert row["income_villages_share"] is None
    assert not (row["practising_met"] or row["income_met"] or row["groups_met"])
    assert kpis.kpi_totals([]) is None
    assert kpis.ratio(3, 0) is None


def test_the_page_shows_a_dash_for_an_empty_denominator(phon_client, geography):
    make_household(status="target")
    response = phon_client.get("/admin/programs/household/progress/", {"fiscal_year": YEAR})
    html = response.content.decode()
    assert response.status_code == 200
    row = html[html.index('data-district="4012"') :]
    row = row[: row.index("</tr>")]
    assert 'practising-share">—</td>' in row
    assert 'income-change">—</td>' in row


# ---- breakdowns ----------------------------------------------------------------------------


@pytest.fixture
def typed(geography):
    """Two types: เกษตรกรรม (practising 1000 → 1100, trained) and หัตถกรรม (grouped
    2000 → 2200 in one group, a second grouped household in the same group); an occupation with
    no type (practising). Target groups: elderly for the first two, disaster for the rest."""
    farming = OccupationType.objects.create(name="เกษตรกรรมทดสอบ", order=1)
    craft = OccupationType.objects.create(name="หัตถกรรมทดสอบ", order=2)
    rice = make_occupation("ปลูกข้าวทดสอบ")
    Occupation.objects.filter(pk=rice.pk).update(type=farming)
    weaving = make_occupation("ทอผ้าทดสอบ")
    Occupation.objects.filter(pk=weaving.pk).update(type=craft)
    untyped = make_occupation("อาชีพไม่ระบุทดสอบ")
    village = make_village(subdistrict="401207", moo=1)
    group = make_group(village=village, occupation=weaving)
    make_household(
        village=village,
        status="practising",
        occupation=rice,
        income_before=1000,
        income_after=1100,
        target_group="elderly",
    )
    make_household(village=village, status="trained", occupation=rice, target_group="elderly")
    for income in (2200, None):
        make_household(
            village=village,
            status="grouped",
            occupation=weaving,
            group=group,
            income_before=2000,
            income_after=income,
            target_group="disaster",
        )
    make_household(village=village, status="practising", occupation=untyped)
    return {"farming": farming, "craft": craft}


def test_breakdown_by_occupation_type(typed):
    breakdown = kpis.kpi_breakdown(fiscal_year=YEAR, households=Household.objects.all())
    rows = {row["label"]: row for row in breakdown["occupation_types"]}
    farming, craft, none = rows["เกษตรกรรมทดสอบ"], rows["หัตถกรรมทดสอบ"], rows["ไม่ระบุประเภท"]
    assert (farming["trained"], farming["practising"]) == (2, 1)
    assert farming["practising_share"] == Decimal("0.5")
    assert farming["income_change"] == Decimal("0.1")
    assert farming["groups"] == 0
    assert (craft["trained"], craft["practising"], craft["groups"]) == (2, 2, 1)
    assert craft["income_change"] == Decimal("0.1")
    assert (none["key"], none["trained"], none["income_change"]) == (None, 1, None)
    assert [row["label"] for row in breakdown["occupation_types"]][:2] == [
        "เกษตรกรรมทดสอบ",
        "หัตถกรรมทดสอบ",
    ]


def test_breakdown_by_target_group(typed):
    breakdown = kpis.kpi_breakdown(fiscal_year=YEAR, households=Household.objects.all())
    rows = {row["key"]: row for row in breakdown["target_groups"]}
    assert (rows["elderly"]["trained"], rows["elderly"]["practising"]) == (2, 1)
    assert (rows["disaster"]["trained"], rows["disaster"]["practising"]) == (2, 2)
    assert rows[""]["households"] == 1


def test_the_kind_list_became_occupation_types(geography):
    """The data migration's step: each ``Occupation.kind`` becomes a type, occupations linked."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("programs.migrations.0010_kpi_sources")
    occupation = Occupation.objects.create(name="ปลูกผักทดสอบ", kind="agriculture")
    migration.types_from_kinds(apps, None)
    occupation.refresh_from_db()
    assert occupation.type.name == "เกษตรกรรม"
    assert OccupationType.objects.filter(name="หัตถกรรม").exists()


# ---- trend ---------------------------------------------------------------------------------


def test_trend_over_fiscal_years(geography):
    village = make_village(subdistrict="401207", moo=1)
    make_household(village=village, fiscal_year=YEAR - 1, status="practising")
    make_household(village=village, fiscal_year=YEAR - 1, status="trained")
    make_household(village=village, fiscal_year=YEAR, status="grouped")
    trend = kpis.kpi_trend(
        households=Household.objects.all(),
        teams=TrainerTeam.objects.all(),
        fiscal_years=[YEAR - 2, YEAR - 1, YEAR],
    )
    assert [row["fiscal_year"] for row in trend] == [YEAR - 2, YEAR - 1, YEAR]
    assert trend[0]["practising_share"] is None
    assert trend[1]["practising_share"] == Decimal("0.5")
    assert (trend[2]["grouped_villages"], trend[2]["villages"]) == (1, 1)
    assert trend[1]["group_share"] == Decimal(0)


def test_occupations_loaded_with_a_kind_only_get_its_type(geography):
    occupation = Occupation.objects.create(name="ขายอาหารทดสอบ", kind="service")
    assert kpis.occupation_types_from_kinds() == 1
    occupation.refresh_from_db()
    assert occupation.type.name == "ค้าขาย/บริการ"
    assert kpis.occupation_types_from_kinds() == 0
