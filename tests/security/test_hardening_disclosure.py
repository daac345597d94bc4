"""Issue 13, item 5: small-cell suppression that a visitor cannot undo.

The checks here do not use the module's audit: a brute-force enumerator lists every integer
assignment of the hidden cells that a visitor would find consistent with what is published (the
published cells and totals, zeros included, and the bounds the marks give away) and asserts that
each hidden cell keeps at least two possible values.
"""

import csv
import io
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programs.public_stats import SMALL_CELL, suppress
from tests.factories import make_village
from tests.fuzz.profiles import examples
from tests.programs.factories import make_household

KPI_COSTS = [
    0,
    2,
    2,
    2,
    0,
]  # the portal's column costs (target, trained, practising, grouped, dropped)


def visitor_bounds(values, marks, floors, grand_floor=1):
    """What a visitor knows of each hidden cell, ``{(i, j): (low, high)}``, from its mark.

    "<5": 1–4. An inner "*": at least 5 — assumed known even where the module says a small cell
    may be shown "*", which only makes this stricter — or at least 1 when it really is small. A
    hidden total: at least 1, a district's at least its floor, the grand total at least
    ``grand_floor``. Unbounded values are capped at their true value + 2 to keep the enumeration
    finite: finding two values inside the cap proves there are two outside it too.
    """
    height, width = len(values), len(values[0])
    known = {}
    for i, j in itertools.product(range(height), range(width)):
        mark, value = marks[i][j], values[i][j]
        if mark is None:
            continue
        inner = i < height - 1 and j < width - 1
        if mark == "<5":
            known[i, j] = (1, SMALL_CELL - 1)
        elif inner:
            known[i, j] = (SMALL_CELL if value >= SMALL_CELL else 1, value + 2)
        else:
            low = 1
            if j == width - 1 and i < height - 1:
                low = floors[i]
            elif j == width - 1:
                low = grand_floor
            known[i, j] = (max(1, low), value + 2)
    return known


def possible_values(values, marks, floors=None, grand_floor=1):
    """``{hidden cell: set of values}`` over every consistent assignment (brute force: each row's
    hidden inner cells over their bounds, rows chained through their column sums)."""
    height, width = len(values), len(values[0])
    floors = floors or [1] * (height - 1)
    known = visitor_bounds(values, marks, floors, grand_floor)

    def choices(i, j):
        if (i, j) not in known:
            return [values[i][j]]
        low, high = known[i, j]
        return range(low, high + 1)

    def total_ok(cell, total):
        if cell not in known:
            return total == values[cell[0]][cell[1]]
        low, high = known[cell]
        return low <= total <= high

    rows = []
    for i in range(height - 1):
        options = [
            combo
            for combo in itertools.product(*(choices(i, j) for j in range(width - 1)))
            if total_ok((i, width - 1), sum(combo))
        ]
        rows.append(options)

    def final_ok(sums):
        columns = all(total_ok((height - 1, j), s) for j, s in enumerate(sums))
        return columns and total_ok((height - 1, width - 1), sum(sums))

    forward = [{(0,) * (width - 1)}]
    for options in rows:
        forward.append(
            {tuple(a + b for a, b in zip(s, o, strict=True)) for s in forward[-1] for o in options}
        )
    backward = [set() for _ in forward]
    backward[-1] = {s for s in forward[-1] if final_ok(s)}
    seen = {cell: set() for cell in known}
    for k in range(len(rows) - 1, -1, -1):
        for s in forward[k]:
            for option in rows[k]:
                after = tuple(a + b for a, b in zip(s, option, strict=True))
                if after in backward[k + 1]:
                    backward[k].add(s)
                    for j, v in enumerate(option):
                        if (k, j) in seen:
                            seen[k, j].add(v)
                    if (k, width - 1) in seen:
                        seen[k, width - 1].add(sum(option))
    for sums in backward[-1]:
        for j, s in enumerate(sums):
            if (height - 1, j) in seen:
                seen[height - 1, j].add(s)
        if (height - 1, width - 1) in seen:
            seen[height - 1, width - 1].add(sum(sums))
    return seen


def marks_of(table):
    return [[str(cell) if cell.hidden else None for cell in row] for row in table]


def values_of(table):
    return [[cell.value for cell in row] for row in table]


def assert_undetermined(table, floors=None, grand_floor=1):
    values = values_of(table)
    seen = possible_values(values, marks_of(table), floors, grand_floor)
    for (i, j), found in seen.items():
        assert values[i][j] in found  # the enumerator itself is sound
        assert len(found) >= 2, ((i, j), values[i][j], found, [list(map(str, r)) for r in table])


def test_item_5_the_row_from_the_report_is_no_longer_solvable():
    """Item 5: ``<5,0,20,0,<5 | 22`` gave both hidden cells as exactly 1 (zeros published, "<5"
    known to be 1–4); now every hidden cell keeps two possible values."""
    table = suppress([[1, 0, 20, 0, 1], [1, 0, 30, 0, 1]], column_cost=KPI_COSTS)
    assert [str(cell) for cell in table[0]][:2] == ["<5", "0"]
    assert_undetermined(table)


def test_item_5_a_column_of_ones_under_a_small_total_is_protected():
    """Item 5: four districts with one "dropped" household each and a province total of 4 (shown
    "<5") gave each district's cell as exactly 1; a hidden total is now "*" (no upper bound)."""
    table = suppress([[20, 1], [30, 1], [25, 1], [22, 1]], width=2)
    assert str(table[-1][1]) == "*"
    assert_undetermined(table)


def test_item_5_a_district_whose_total_equals_its_villages_is_protected():
    """Item 5: 4 target households in 4 villages: the published village count says the hidden
    total is ≥ 4, the "<5" that it is ≤ 4; such a cell is shown "*" instead."""
    table = suppress([[4, 0], [0, 9]], width=2, total_floors=[4, 1])
    assert_undetermined(table, floors=[4, 1])


small_counts = st.one_of(st.integers(0, 4), st.integers(0, 4), st.integers(0, 30))


@st.composite
def tables(draw):
    height = draw(st.integers(1, 3))
    width = draw(st.integers(2, 4))
    rows = [[draw(small_counts) for _ in range(width)] for _ in range(height)]
    rows = [row if any(row) else [*row[:-1], draw(st.integers(1, 30))] for row in rows]
    floors = [draw(st.integers(1, sum(row))) for row in rows]
    return rows, width, floors


PROPERTY = settings(
    max_examples=examples(120),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@PROPERTY
@given(tables())
def test_item_5_no_hidden_cell_is_determined_in_random_tables(case):
    """Item 5 (property): for random small tables (many counts of 0–4), after suppression a
    brute-force enumerator finds at least two consistent values for every hidden cell."""
    rows, width, _floors = case
    table = suppress(rows, width=width)
    assert_undetermined(table)
    for i, j in itertools.product(range(len(rows)), range(width)):
        if 0 < rows[i][j] < SMALL_CELL:
            assert table[i][j].hidden


@PROPERTY
@given(tables())
def test_item_5_no_hidden_cell_is_determined_with_known_floors(case):
    """Item 5 (property): the same when a visitor also knows a floor under each district's total
    (its number of villages, or 5 when its income change is published)."""
    rows, width, floors = case
    table = suppress(rows, width=width, total_floors=floors)
    assert_undetermined(table, floors=floors)


def test_item_5_district_totals_are_published_before_inner_cells_are_spared():
    """Item 5: one small "dropped" cell is protected by other inner cells, not by hiding
    districts' totals (the old rule hid two of them, shown as "*" on /districts/ and /stats/)."""
    table = suppress(
        [[0, 14, 148, 29, 9], [0, 19, 153, 24, 3], [0, 13, 142, 37, 8]], column_cost=KPI_COSTS
    )
    assert [str(row[-1]) for row in table] == ["200", "199", "200", "599"]
    assert not any(cell.hidden for cell in table[-1])
    assert_undetermined(table)


# ---- the pages ---------------------------------------------------------------------------------


@pytest.fixture
def two_districts(geography):
    """พล (4012): 8 target and 2 trained; เมืองขอนแก่น (4001): 1 target and 6 trained. The old
    rule hid both districts' totals; both are safe to publish."""
    year = 2568
    phon = make_village(subdistrict="401207", moo=11)
    muang = make_village(subdistrict="400101", moo=12)
    for village, statuses in [
        (phon, ["target"] * 8 + ["trained"] * 2),
        (muang, ["target"] + ["trained"] * 6),
    ]:
        for status in statuses:
            make_household(village=village, fiscal_year=year, status=status)
    return year


def test_item_5_the_district_page_shows_the_district_total(client, two_districts):
    """Item 5: /districts/4012/ publishes the district's household total where it is safe."""
    html = client.get(f"/districts/4012/?fiscal_year={two_districts}").content.decode()
    glance = html.split('class="glance"')[1].split("</dl>")[0]
    assert "<dd>10</dd>" in glance
    assert "ไม่เปิดเผย" not in glance
    table = html.split("status-table")[1].split("</table>")[0]
    assert '<td class="text-end">10</td>' in table


def test_item_5_the_stats_page_and_csv_show_the_totals(client, two_districts):
    """Item 5: /stats/ no longer says "รวม *" for a district, and its CSV cannot be undone."""
    html = client.get(f"/stats/?fiscal_year={two_districts}").content.decode()
    assert "รวม * ครัวเรือน" not in html
    table = html.split('id="households"')[1].split("</table>")[0]
    assert "<td>10</td>" in table
    assert "<td>7</td>" in table
    response = client.get(f"/stats/csv?fiscal_year={two_districts}")
    rows = [row for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig")))]
    body = [row for row in rows[1:] if len(row) > 8 and row[0] == str(two_districts)]
    published = [[None if c in ("<5", "*") else int(c) for c in row[3:9]] for row in body]
    assert [row[-1] for row in published] == [7, 10, 17]
    truth = [[1, 6, 0, 0, 0, 7], [8, 2, 0, 0, 0, 10], [9, 8, 0, 0, 0, 17]]
    marks = [[c if c in ("<5", "*") else None for c in row[3:9]] for row in body]
    seen = possible_values(truth, marks)
    assert seen
    assert all(len(found) >= 2 for found in seen.values()), seen
