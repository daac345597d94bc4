"""The public figures: aggregates only, small cells suppressed so that none can be recovered."""

import itertools
import random
from decimal import Decimal
from fractions import Fraction

import pytest

from programs import public_stats
from programs.public_stats import suppress
from sammachip import thaidate
from tests.factories import make_village
from tests.programs.factories import make_household, make_product, make_team


def solvable_cells(table):
    """Hidden cells an attacker can compute exactly from the published cells and the row and
    column sums (brute force over the integer lattice would be slower; this is linear algebra,
    written independently of the implementation: rank test per cell)."""
    height, width = len(table), len(table[0])
    hidden = [(i, j) for i in range(height) for j in range(width) if table[i][j].hidden]
    lines = [[(i, j) for j in range(width)] for i in range(height)]
    lines += [[(i, j) for i in range(height)] for j in range(width)]
    rows = []
    for line in lines:
        rows.append([Fraction(-1 if c == line[-1] else 1) if c in line else 0 for c in hidden])

    def rank(matrix):
        matrix = [row[:] for row in matrix]
        r = 0
        for col in range(len(hidden)):
            pivot = next((k for k in range(r, len(matrix)) if matrix[k][col]), None)
            if pivot is None:
                continue
            matrix[r], matrix[pivot] = matrix[pivot], matrix[r]
            for k in range(len(matrix)):
                if k != r and matrix[k][col]:
                    f = matrix[k][col] / matrix[r][col]
                    matrix[k] = [a - f * b for a, b in zip(matrix[k], matrix[r], strict=True)]
            r += 1
        return r

    base = rank(rows)
    solvable = []
    for k, cell in enumerate(hidden):
        unit = [Fraction(1 if n == k else 0) for n in range(len(hidden))]
        if rank([*rows, unit]) == base:
            solvable.append(cell)
    return solvable


def test_counts_of_one_to_four_are_hidden_and_zero_is_not():
    table = suppress([[0, 3, 40, 20, 7], [0, 12, 35, 20, 9]])
    assert str(table[0][0]) == "0"
    assert str(table[0][1]) == "<5"
    assert table[0][1].small


def test_a_single_hidden_cell_in_a_row_gets_a_partner():
    table = suppress([[0, 12, 40, 20, 3], [0, 14, 35, 20, 9], [0, 13, 30, 25, 8]])
    first_row = table[0]
    assert sum(cell.hidden for cell in first_row) >= 2


def test_rows_columns_and_totals_never_have_a_single_hidden_cell():
    rng = random.Random(7)
    for _ in range(300):
        rows = [
            [rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 9, 14, 40]) for _ in range(5)]
            for _ in range(rng.randint(1, 8))
        ]
        table = suppress(rows, column_cost=[0, 2, 2, 2, 0])
        for line in [*table, *zip(*table, strict=True)]:
            assert sum(cell.hidden for cell in line) != 1, rows


def test_no_hidden_cell_can_be_computed_from_the_published_ones():
    rng = random.Random(2567)
    for _ in range(200):
        rows = [
            [rng.choice([0, 1, 2, 3, 4, 5, 7, 11, 20, 60]) for _ in range(5)]
            for _ in range(rng.randint(1, 6))
        ]
        table = suppress(rows, column_cost=[0, 2, 2, 2, 0])
        assert solvable_cells(table) == [], rows


def brute_force_determined(values, bounds, reach=2):
    """Hidden cells with a single consistent value, by enumerating every assignment of the hidden
    cells within their bounds (unbounded ones capped at ``reach`` from the true value)."""
    height, width = len(values), len(values[0])
    cells = sorted(bounds)
    ranges = []
    for i, j in cells:
        low, high = bounds[i, j]
        value = values[i][j]
        ranges.append(range(max(low, value - reach), (value + reach if high is None else high) + 1))
    seen = {cell: set() for cell in cells}
    for combo in itertools.product(*ranges):
        table = [row[:] for row in values]
        for (i, j), value in zip(cells, combo, strict=True):
            table[i][j] = value
        rows_ok = all(sum(row[:-1]) == row[-1] for row in table)
        if rows_ok and all(
            sum(table[i][j] for i in range(height - 1)) == table[-1][j] for j in range(width)
        ):
            for cell, value in zip(cells, combo, strict=True):
                seen[cell].add(value)
    return [cell for cell in cells if len(seen[cell]) < 2]


def test_the_audit_is_exact():
    # Issue 13, item 5: ``determined_cells`` (bounds, zeros, totals) agrees with brute force on
    # random tables with random hidden cells and bounds, both ways.
    rng = random.Random(13)
    for _ in range(400):
        width = rng.randint(1, 3)
        rows = [
            [rng.choice([0, 1, 2, 3, 4, 5, 6, 9]) for _ in range(width)]
            for _ in range(rng.randint(1, 3))
        ]
        values = [[*row, sum(row)] for row in rows]
        values.append([sum(column) for column in zip(*values, strict=True)])
        nonzero = [(i, j) for i, row in enumerate(values) for j, v in enumerate(row) if v]
        bounds = {}
        for i, j in rng.sample(nonzero, min(len(nonzero), rng.randint(1, 5))):
            value = values[i][j]
            bounds[i, j] = (
                rng.randint(max(1, value - 3), value),
                rng.choice([None, value, value + 2]),
            )
        assert public_stats.determined_cells(values, bounds) == brute_force_determined(
            values, bounds
        )


def test_every_small_count_is_hidden():
    # Inner cells of 1–4 read "<5" (or "*" where a "<5" would pin them); a total of 1–4 reads "*"
    # (a "<5" total gave its cells away: four districts with 1 each under a province total "<5"
    # are each exactly 1). Issue 13, item 5: this test used to require "<5" on totals too.
    rng = random.Random(1)
    for _ in range(100):
        rows = [[rng.randint(0, 9) for _ in range(5)] for _ in range(rng.randint(1, 5))]
        table = suppress(rows)
        for i, row in enumerate(table):
            for j, cell in enumerate(row):
                if 0 < cell.value < 5:
                    assert cell.hidden
                    inner = i < len(table) - 1 and j < len(row) - 1
                    assert str(cell) in ({"<5", "*"} if inner else {"*"})
                elif cell.hidden:
                    assert str(cell) == "*"
        assert all(
            str(cell) == "<5" or not cell.small for cell in itertools.chain.from_iterable(table)
        )


def test_totals_are_hidden_after_inner_cells_and_kpi_cells_after_the_others():
    # One small "dropped" cell: its partners are inner cells, so every district's total stays
    # published (issue 13, item 5; this used to hide two districts' totals instead); among inner
    # cells, "target" and "dropped" go first, so one district at least keeps its share practising.
    table = suppress(
        [[0, 14, 148, 29, 9], [0, 19, 153, 24, 3], [0, 13, 142, 37, 8]],
        column_cost=[0, 2, 2, 2, 0],
    )
    assert not any(row[-1].hidden for row in table)
    assert not any(cell.hidden for cell in table[-1])
    assert sum(not any(cell.hidden for cell in row[1:4]) for row in table[:-1]) >= 1
    assert sum(cell.hidden for row in table for cell in row[1:4]) == 2


@pytest.fixture
def year():
    return thaidate.current_fiscal_year()


def test_figures_publish_kpis_only_from_published_counts(geography, year):
    village = make_village(subdistrict="401207", moo=11)
    for status in ["practising"] * 17 + ["trained"] * 2 + ["dropped"]:
        make_household(village=village, fiscal_year=year, status=status)
    figures = public_stats.programme_figures(fiscal_year=year)
    row = figures.district("4012")
    assert str(row.statuses["trained"]) in {"<5", "*"}
    assert row.practising_share is None  # 17/19 would give the 2 trained away
    assert row.trained is None


def test_figures_use_the_kpi_service_for_the_shares(geography, year):
    village = make_village(subdistrict="401207", moo=11)
    for n in range(20):
        make_household(
            village=village,
            fiscal_year=year,
            status="practising" if n < 15 else "trained",
            income_before=1000,
            income_after=1100,
        )
    row = public_stats.programme_figures(fiscal_year=year).district("4012")
    assert row.practising_share == Decimal(15) / Decimal(20)
    assert row.income_change == Decimal("0.1")
    assert row.trained == 20


def test_income_change_needs_five_households_with_both_incomes(geography, year):
    village = make_village(subdistrict="401207", moo=11)
    for n in range(20):
        make_household(
            village=village,
            fiscal_year=year,
            status="practising",
            income_before=1000 if n < 4 else None,
            income_after=1500 if n < 4 else None,
        )
    row = public_stats.programme_figures(fiscal_year=year).district("4012")
    assert row.income_change is None


def test_default_year_falls_back_to_the_latest_year_with_data(geography, year):
    make_household(fiscal_year=year - 2)
    assert public_stats.default_fiscal_year() == year - 2
    make_household(fiscal_year=year)
    assert public_stats.default_fiscal_year() == year


def test_the_default_year_is_the_newest_with_half_of_the_year_before():
    rule = public_stats.substantial_fiscal_year
    assert rule({2569: 600, 2570: 20}, 2570) == 2569
    assert rule({2569: 600, 2570: 300}, 2570) == 2570
    assert rule({2568: 600, 2569: 5, 2570: 400}, 2570) == 2570  # against the year just before
    assert rule({2568: 600, 2569: 5}, 2569) == 2568
    assert rule({2569: 600, 2571: 600}, 2570) == 2569  # never a year not begun
    assert rule({}, 2570) == 2570


def test_products_are_counted_by_category_and_stars(geography, year):
    village = make_village(subdistrict="401207", moo=11)
    make_household(village=village, fiscal_year=year)
    make_team(village=village, fiscal_year=year)
    make_product(village=village, category="textile", stars=4)
    make_product(village=village, category="textile")
    make_product(category="food")  # a village not in the programme that year
    figures = public_stats.programme_figures(fiscal_year=year)
    assert dict(figures.products_by_category)["ผ้า เครื่องแต่งกาย"] == 2
    assert dict(figures.products_by_stars)["4 ดาว"] == 1
    assert figures.products == 2
    assert figures.sages == 1


def test_other_provinces_are_left_out(geography, settings, year):
    make_household(village=make_village(subdistrict="401207"), fiscal_year=year)
    settings.SAMMACHIP_PROVINCE_CODE = "41"
    assert public_stats.programme_figures(fiscal_year=year).districts == []


def test_the_public_pages_measure_against_the_years_own_targets(client, geography, year):
    """The year's parameters (provincial staff set 70 %, +20 %, 50 %), not the usual 85/3/10."""
    from programs.models import ProgrammeYear

    ProgrammeYear.objects.create(
        fiscal_year=year, target_practising=70, target_income_change=20, target_groups=50
    )
    village = make_village(subdistrict="401207", moo=11)
    for n in range(20):
        make_household(
            village=village,
            fiscal_year=year,
            status="practising" if n < 15 else "trained",  # 75 %: under 85, over 70
            income_before=1000,
            income_after=1100,  # +10 %: over 3, under 20
        )
    row = public_stats.programme_figures(fiscal_year=year).district("4012")
    assert row.practising_met
    assert not row.income_met
    assert row.target_text == {"practising": "70%", "income": "+20%", "groups": "50%"}
    stats = client.get("/stats/", {"fiscal_year": year}).content.decode()
    assert "(เป้าหมาย 70%)" in stats
    assert "เทียบเป้าหมาย +20%" in stats
    assert "85%" not in stats
    district = client.get("/districts/4012/", {"fiscal_year": year}).content.decode()
    assert "(เป้าหมาย 50%)" in district
    assert "(เป้าหมาย 10%)" not in district
    home = client.get("/").content.decode()
    assert "(เป้าหมาย 70%)" in home


def test_target_text():
    assert public_stats.target_text(Decimal("0.85")) == "85%"
    assert public_stats.target_text(Decimal("0.025"), signed=True) == "+2.5%"
    assert public_stats.target_text(Decimal("0.1")) == "10%"
