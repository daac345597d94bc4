"""Programme figures for the public pages: aggregates only, small cells suppressed.

Everything the public portal says about households (home page, ``/districts/``,
``/districts/<code>/``, ``/stats/`` and its CSV) comes from ``programme_figures``, which builds on
``kpis.district_kpis`` (the one source of the department's KPIs) and one count of households by
district and status. No household row, name, ID, phone or income ever leaves this module: only
counts and ratios.

Disclosure rule (also explained to readers on ``/stats/``). The table is households by district ×
status with its margins: each district's total, each status's province total, the province total.

1. **What is hidden.** An inner cell of 1–4 households is shown as "<5"; a total of 1–4 is hidden
   too and shown as "*". Zero is always published: it identifies nobody.
2. **What a visitor knows** (and the audit assumes they know): the published cells and totals;
   that each line's cells add up to its total; bounds on each hidden cell. A "<5" is 1–4. A "*"
   inner cell is at least 5 — rule 3 hides published cells, which are 0 or ≥ 5 — except the few
   "<5" that rule 3 shows as "*", which are at least 1 (the audit takes the bound of each cell's
   own kind, as if a visitor could tell the two apart: stricter than what they can see). A "*"
   total is at least 1 (small and large hidden totals look alike), a district's total at least
   its number of villages with households (published beside each year on its page; each has a
   household) and at least 5 when its income change is published (that needs 5 practising
   households with both incomes), the province total at least those villages, its occupational
   groups and, with its income change, 5. (What a visitor might guess
   from why a cell was chosen is outside this model.)
3. **Secondary suppression.** A hidden cell is *determined* when all this leaves it exactly one
   integer value — the row ``<5, 0, 20, 0, <5 | 22`` gives both "<5" cells as 1, zeros and bounds
   doing what no linear equation does. While one is, the cheapest further cells that let it change
   are hidden ("*"): inner cells first (those that feed no KPI before the others), a district's
   total only when no inner cells can protect it, a province total after that, so the totals
   visitors look for are published wherever that is safe. Where a "<5" is pinned by its own bound
   (cells at 4 that could only grow, a district whose total equals its number of villages) and
   only a total could free it, the "<5" is shown "*" instead — which says nothing about its size —
   rather than hiding the total.
4. **Derived figures** (households trained, share practising) are published only when every count
   they are made from is published, so they add nothing, and their denominator is at least 5. The
   income change only when at least 5 households have both incomes (the floor of rule 2), and only
   as a per cent: a ratio of two sums of incomes that no other published figure pins down, never a
   mean income. Village, group and product counts are not about households and are published as
   they are; all they tell about households is the floors of rule 2.

Why the audit (``determined_cells``) is exact: negate the totals (but not the province total) and
the table becomes an (R+1)×(C+1) array whose every row and column sums to 0, the hidden cells being
the unknowns — a circulation on the bipartite graph of row and column nodes with one edge per hidden
cell and the visitor's bounds as capacities. Its matrix is totally unimodular, so the integer
values a cell can take are all the integers between its least and its greatest; and from the true
values a cell can change by one exactly when it lies on a cycle of the residual graph (row → column
over a cell whose entry can increase, column → row over one whose entry can decrease). The audit
searches that cycle for every hidden cell in both directions: a cell passes only if it really has
two possible values.
"""

import heapq
import itertools
from collections import deque
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count
from django.utils.translation import gettext as _

from programs import kpis as programme_kpis
from programs.models import Household, Product, TrainerTeam
from sammachip import thaidate
from sammachip.cache import cached_for_content
from villages.models import District

SMALL_CELL = 5
STATUSES = list(Household.Status)  # target, trained, practising, grouped, dropped
TRAINED_OR_BEYOND = [
    Household.Status.TRAINED,
    Household.Status.PRACTISING,
    Household.Status.GROUPED,
]
PRACTISING = [Household.Status.PRACTISING, Household.Status.GROUPED]
# Which inner cells rule 3 hides first: "target" and "dropped" feed no KPI, so they go before the
# cells of the share practising.
COLUMN_COST = {status: 2 for status in TRAINED_OR_BEYOND}
# The price of what rule 3 may do, each dearer than any cycle of the cheaper kinds: hide an inner
# cell (1 + its column's cost), show a "<5" as "*", hide a district's total, a status's province
# total, the province total. Among equal prices, the smaller values go.
REMARK_RANK = 100
ROW_TOTAL_RANK = 1_000
COLUMN_TOTAL_RANK = 10_000
GRAND_TOTAL_RANK = 100_000
# The department's usual targets; the figures of a year are measured against that year's own
# (``programs.parameters``, ``ProgrammeFigures.targets``).
TARGET_PRACTISING = programme_kpis.TARGET_PRACTISING
TARGET_INCOME_CHANGE = programme_kpis.TARGET_INCOME_CHANGE
TARGET_GROUPS = programme_kpis.TARGET_GROUPS
DEFAULT_TARGETS = {
    "practising": TARGET_PRACTISING,
    "income": TARGET_INCOME_CHANGE,
    "groups": TARGET_GROUPS,
}


def year_targets(fiscal_year):
    """The targets of ``fiscal_year`` as fractions (``{"practising", "income", "groups"}``):
    the year's parameters as provincial staff set them, today's figures when unset."""
    from programs import parameters

    return programme_kpis.targets(parameters.for_year(fiscal_year))


def target_text(fraction, signed=False):
    """``Decimal("0.85")`` → ``"85%"``, ``Decimal("0.025")`` → ``"2.5%"``; signed: ``"+3%"``."""
    number = (Decimal(fraction) * 100).normalize()
    text = f"{number:f}%"
    return f"+{text}" if signed and number > 0 else text


@dataclass(frozen=True)
class Cell:
    """A published household count: its value, unless hidden by the disclosure rule."""

    value: int
    hidden: bool = False
    small: bool = False  # shown as "<5" (rule 1: a visitor knows 1–4); other hidden cells are "*"

    @property
    def published(self):
        return not self.hidden

    @property
    def public_value(self):
        return None if self.hidden else self.value

    def __str__(self):
        if not self.hidden:
            return f"{self.value:,}"
        return "<5" if self.small else "*"


def is_small(value):
    return 0 < value < SMALL_CELL


def suppress(rows, width=None, column_cost=None, total_floors=None, grand_floor=1):
    """Apply the disclosure rule to a table of counts.

    ``rows`` is a list of lists of ``width`` non-negative ints. ``total_floors`` says, per row,
    what a visitor knows its total is at least (rule 2; 1 when not given), ``grand_floor`` the
    same for the grand total. Returns the table with a total column appended to each row and a
    total row appended at the end, every entry a ``Cell``; no hidden cell is determined.

    ``column_cost[j]`` (default 0) makes the inner cells of column ``j`` dearer to hide.
    """
    width = len(STATUSES) if width is None else width
    column_cost = list(column_cost or [0] * width)
    values = [[*row, sum(row)] for row in rows]
    values.append([sum(column) for column in zip(*values, strict=True)] or [0] * (width + 1))
    height = len(values)
    floors = [*(total_floors or [1] * (height - 1)), grand_floor]

    def floor(cell):
        i, j = cell
        known = floors[i] if j == width else 1
        return max(1, min(known, values[i][j]))

    def margin(cell):
        return cell[0] == height - 1 or cell[1] == width

    def new_bounds(cell):
        """A visitor's bounds on a cell once hidden (rule 2)."""
        if margin(cell):
            return (floor(cell), None)
        if is_small(values[cell[0]][cell[1]]):
            return (1, SMALL_CELL - 1)
        return (SMALL_CELL, None)

    def rank(cell):
        i, j = cell
        if i == height - 1:
            return GRAND_TOTAL_RANK if j == width else COLUMN_TOTAL_RANK
        return ROW_TOTAL_RANK if j == width else 1 + column_cost[j]

    cells = list(itertools.product(range(height), range(width + 1)))
    bounds = {cell: new_bounds(cell) for cell in cells if is_small(values[cell[0]][cell[1]])}
    small = {cell for cell in bounds if not margin(cell)}
    while exposed := determined_cells(values, bounds):
        release = _cheapest_release(values, bounds, small, exposed[0], rank, new_bounds)
        if release is None:  # cannot happen (see _cheapest_release): hide rather than publish
            release = [(cell, "hide") for cell in cells if values[cell[0]][cell[1]]]
            release += [(cell, "remark") for cell in small]
        for cell, action in release:
            if action == "hide":
                bounds[cell] = new_bounds(cell)
            else:  # "<5" → "*": no upper bound any more
                bounds[cell] = (bounds[cell][0], None)
                small.discard(cell)
    return [
        [
            Cell(values[i][j], hidden=(i, j) in bounds, small=(i, j) in small)
            for j in range(width + 1)
        ]
        for i in range(height)
    ]


def _sign(cell, height, width):
    """+1 for an inner cell and the grand total, −1 for the other totals (the rows and columns of
    the signed table then all sum to 0)."""
    return -1 if (cell[0] == height - 1) != (cell[1] == width) else 1


def _entry_moves(value, bounds, sign):
    """Whether the signed entry of a hidden cell can go up, and down, within its bounds."""
    low, high = bounds
    up, down = high is None or value < high, value > low
    return (up, down) if sign > 0 else (down, up)


def determined_cells(values, bounds):
    """The hidden cells that a visitor can compute exactly, in order (the audit: see the module).

    ``values`` is the full table (totals included), ``bounds`` maps each hidden cell ``(i, j)`` to
    what a visitor knows of it: ``(low, high)``, ``high`` None when unbounded. Every published
    value (zeros included) is fixed. Row node ``i`` is ``i``, column node ``j`` is
    ``height + j``; an entry that can go up is an edge row → column, one that can go down an edge
    column → row, and a cell can change iff such an edge of it closes a cycle without the cell.
    """
    height, width = len(values), len(values[0]) - 1
    edges = {}
    moves = {}
    for cell, known in bounds.items():
        i, j = cell
        up, down = _entry_moves(values[i][j], known, _sign(cell, height, width))
        moves[cell] = (up, down)
        if up:
            edges.setdefault(i, []).append((height + j, cell))
        if down:
            edges.setdefault(height + j, []).append((i, cell))

    def reaches(start, goal, without):
        seen, queue = {start}, deque([start])
        while queue:
            node = queue.popleft()
            for nxt, cell in edges.get(node, ()):
                if cell != without and nxt not in seen:
                    if nxt == goal:
                        return True
                    seen.add(nxt)
                    queue.append(nxt)
        return False

    determined = []
    for cell in sorted(bounds):
        i, j = cell
        up, down = moves[cell]
        if not ((up and reaches(height + j, i, cell)) or (down and reaches(i, height + j, cell))):
            determined.append(cell)
    return determined


def _cheapest_release(values, bounds, small, exposed, rank, new_bounds):
    """The cheapest changes that put ``exposed`` on a cycle: ``[(cell, "hide" | "remark")]``.

    A shortest path (Dijkstra, prices ``(rank, value)``) over every non-zero cell: free along the
    hidden cells' residual edges, a cell's ``rank`` to hide a published one, ``REMARK_RANK`` to
    let a "<5" at 4 go up. Hiding every non-zero cell and showing every "<5" as "*" leaves each
    cell on a cycle with its row's, column's and the grand total, so a path always exists.
    """
    height, width = len(values), len(values[0]) - 1
    edges = {}

    def add(cell, up, down, price, action):
        i, j = cell
        if up:
            edges.setdefault(i, []).append((height + j, cell, price, action))
        if down:
            edges.setdefault(height + j, []).append((i, cell, price, action))

    remark = (REMARK_RANK, 0)
    for i, j in itertools.product(range(height), range(width + 1)):
        cell, value = (i, j), values[i][j]
        sign = _sign(cell, height, width)
        if not value or cell == exposed:
            continue
        if cell in bounds:
            add(cell, *_entry_moves(value, bounds[cell], sign), (0, 0), None)
            if cell in small and value == bounds[cell][1]:
                add(cell, True, False, remark, "remark")  # inner: its entry is its value
        else:
            add(cell, *_entry_moves(value, new_bounds(cell), sign), (rank(cell), value), "hide")

    i, j = exposed
    up, down = _entry_moves(values[i][j], bounds[exposed], _sign(exposed, height, width))
    options = []  # (price of the exposed cell itself, start, goal, its action)
    if up:
        options.append(((0, 0), height + j, i, None))
    if down:
        options.append(((0, 0), i, height + j, None))
    if exposed in small and not up:  # a "<5" at 4 (inner: its entry is its value)
        options.append((remark, height + j, i, "remark"))

    best = None
    for own, start, goal, action in options:
        found = _shortest(edges, start, goal, own)
        if found and (best is None or found[0] < best[0]):
            best = (found[0], [*found[1], *([(exposed, action)] if action else [])])
    return best and best[1]


def _shortest(edges, start, goal, price):
    """Dijkstra from ``start`` to ``goal``: ``(price, [(cell, action), ...])`` or None."""
    queue = [(price, 0, start, ())]
    done = set()
    tie = itertools.count(1)
    while queue:
        cost, _n, node, path = heapq.heappop(queue)
        if node == goal:
            return cost, [(cell, action) for cell, action in path if action]
        if node in done:
            continue
        done.add(node)
        for nxt, cell, step, action in edges.get(node, ()):
            if nxt not in done:
                total = (cost[0] + step[0], cost[1] + step[1])
                heapq.heappush(queue, (total, next(tie), nxt, (*path, (cell, action))))
    return None


def hidden_sum(line):
    """The sum of a line's hidden cells, which its published total gives away anyway; None when
    the total itself is hidden."""
    if line[-1].hidden:
        return None
    return sum(cell.value for cell in line[:-1] if cell.hidden)


def published_sum(cells):
    """The sum of ``cells`` if all are published (rule 3), else None."""
    if any(cell.hidden for cell in cells):
        return None
    return sum(cell.value for cell in cells)


@dataclass
class Figures:
    """One row of the public table: a district, or the province (``code`` None)."""

    code: str | None
    name: str
    statuses: dict  # status value → Cell
    total: Cell
    villages: int = 0
    grouped_villages: int = 0
    trained: int | None = None  # trained or beyond, when publishable
    practising: int | None = None
    practising_share: Decimal | None = None
    income_change: Decimal | None = None
    group_share: Decimal | None = None
    # The sum of the hidden cells, for drawing the bar only; None when the total is hidden too
    # (it would then give the total away).
    hidden_total: int | None = field(default=None, repr=False)
    # The year's targets (fractions, ``year_targets``) the shares are measured against.
    targets: dict = field(default_factory=lambda: dict(DEFAULT_TARGETS))

    @property
    def target_text(self):
        """The targets as the pages print them: ``{"practising": "85%", "income": "+3%", …}``."""
        return {
            "practising": target_text(self.targets["practising"]),
            "income": target_text(self.targets["income"], signed=True),
            "groups": target_text(self.targets["groups"]),
        }

    @property
    def status_cells(self):
        return [(status, self.statuses[status.value]) for status in STATUSES]

    @property
    def practising_met(self):
        return (
            self.practising_share is not None
            and self.practising_share >= self.targets["practising"]
        )

    @property
    def income_met(self):
        return self.income_change is not None and self.income_change >= self.targets["income"]

    @property
    def groups_met(self):
        return self.group_share is not None and self.group_share >= self.targets["groups"]

    @property
    def has_hidden(self):
        return any(cell.hidden for cell in self.statuses.values())


def _ratio(numerator, denominator):
    return Decimal(numerator) / Decimal(denominator) if denominator else None


def _derive(row):
    """Rule 3: trained, practising and the share, only from published cells."""
    trained = published_sum([row.statuses[s.value] for s in TRAINED_OR_BEYOND])
    practising = published_sum([row.statuses[s.value] for s in PRACTISING])
    row.trained = trained
    row.practising = practising if trained is not None else None
    if trained is not None and trained >= SMALL_CELL:
        row.practising_share = _ratio(practising, trained)


@dataclass
class ProgrammeFigures:
    fiscal_year: int
    districts: list  # of Figures, district code order
    province: Figures
    sages: int = 0
    groups: int = 0
    products: int = 0
    products_by_category: list = field(default_factory=list)  # [(label, count)]
    products_by_stars: list = field(default_factory=list)  # [(label, count)]

    @property
    def targets(self):
        return self.province.targets

    @property
    def target_text(self):
        return self.province.target_text

    @property
    def has_data(self):
        return bool(self.districts)

    def district(self, code):
        return next((row for row in self.districts if row.code == code), None)


# The fiscal year the public pages open on (``default_fiscal_year``): the newest year that has
# at least this share of the households of the year before it. A new year whose first villages
# are being entered (one village of 20 households against last year's 600) does not replace the
# year the public knows until it is about half way there. The rule is stated on the home page.
SUBSTANTIAL_SHARE = Decimal("0.5")


def fiscal_year_households():
    """``{fiscal year (BE): households}`` of the configured province, newest first (one query,
    once per public content version)."""

    def compute():
        return {
            row["fiscal_year"]: row["n"]
            for row in Household.objects.in_districts(District.objects.in_province())
            .values("fiscal_year")
            .annotate(n=Count("id"))
            .order_by("-fiscal_year")
        }

    return cached_for_content("fiscal-year-households", compute)


def fiscal_years():
    """Fiscal years (BE) with households in the configured province, newest first."""
    return sorted(fiscal_year_households(), reverse=True)


def substantial_fiscal_year(counts, current):
    """The newest year up to ``current`` in ``counts`` (``{year: households}``) with at least
    ``SUBSTANTIAL_SHARE`` of the households of the next older year with data (the oldest year
    with data always qualifies); ``current`` when no year up to it has data."""
    years = sorted((year for year, n in counts.items() if year <= current and n), reverse=True)
    for year, older in zip(years, [*years[1:], None], strict=False):
        if older is None or counts[year] >= SUBSTANTIAL_SHARE * counts[older]:
            return year
    return current


def default_fiscal_year(counts=None):
    """The fiscal year a public page opens on: ``substantial_fiscal_year`` of ``counts``
    (``{year: households}``; the province's, read when not given) up to the current year."""
    if counts is None:
        counts = fiscal_year_households()
    return substantial_fiscal_year(counts, thaidate.current_fiscal_year())


def parse_fiscal_year(value, default):
    """``?fiscal_year=2568`` → 2568 when plausible, else ``default``."""
    from programs.models import FISCAL_YEAR_MAX, FISCAL_YEAR_MIN

    try:
        year = int(value)
    except (TypeError, ValueError):
        return default
    return year if FISCAL_YEAR_MIN <= year <= FISCAL_YEAR_MAX else default


def programme_figures(*, fiscal_year):
    """The public figures of one fiscal year for the configured province: computed once per
    public content version (``sammachip.cache.cached_for_content``; every change to the
    programme's records bumps it) and shared by the home, district and statistics pages, so
    that a page missing from the page cache (a new URL, e.g. a link shared with a tracking
    parameter) does not aggregate every household again."""
    return cached_for_content(
        f"programme-figures:{fiscal_year}",
        lambda: compute_programme_figures(fiscal_year=fiscal_year),
    )


def compute_programme_figures(*, fiscal_year):
    """``programme_figures`` from the database: a fixed number of queries (eight) whatever the
    data size."""
    districts = District.objects.in_province()
    households = Household.objects.filter(fiscal_year=fiscal_year, district__in=districts)
    kpis = programme_kpis.district_kpis(fiscal_year=fiscal_year, districts=districts)
    goal = year_targets(fiscal_year)
    counts = {}
    for row in households.values("district_id", "status").annotate(n=Count("id")):
        counts.setdefault(row["district_id"], {})[row["status"]] = row["n"]

    groups = households.filter(group__isnull=False).aggregate(n=Count("group", distinct=True))["n"]
    with_income = sum(k["households_with_income"] for k in kpis)
    table = suppress(
        [[counts.get(k["district_code"], {}).get(s.value, 0) for s in STATUSES] for k in kpis],
        column_cost=[COLUMN_COST.get(s, 0) for s in STATUSES],
        # What the other published figures say about the totals (rule 2).
        total_floors=[
            max(
                k["listed_villages"], SMALL_CELL if k["households_with_income"] >= SMALL_CELL else 1
            )
            for k in kpis
        ],
        grand_floor=max(
            sum(k["listed_villages"] for k in kpis),
            groups,
            SMALL_CELL if with_income >= SMALL_CELL else 1,
        ),
    )
    rows = []
    for kpi, cells in zip(kpis, table, strict=False):
        row = Figures(
            code=kpi["district_code"],
            name=kpi["district_name"],
            statuses={s.value: cell for s, cell in zip(STATUSES, cells, strict=False)},
            total=cells[-1],
            villages=kpi["villages"],
            grouped_villages=kpi["grouped_villages"],
            group_share=kpi["group_share"],
            hidden_total=hidden_sum(cells),
            targets=goal,
        )
        _derive(row)
        # The share stays the published cells' own (practising + grouped / trained or beyond):
        # the department's KPI 1 also counts households dropped after training, a part of the
        # "dropped" cell that is not published, which its share would give away.
        if kpi["households_with_income"] >= SMALL_CELL:
            row.income_change = kpi["income_change"]
        rows.append(row)

    totals = table[-1]
    province = Figures(
        code=None,
        name=str(_("ทั้งจังหวัด")),
        statuses={s.value: cell for s, cell in zip(STATUSES, totals, strict=False)},
        total=totals[-1],
        villages=sum(k["villages"] for k in kpis),
        grouped_villages=sum(k["grouped_villages"] for k in kpis),
        hidden_total=hidden_sum(totals),
        targets=goal,
    )
    _derive(province)
    province.group_share = _ratio(province.grouped_villages, province.villages)
    if with_income >= SMALL_CELL:
        before = sum(
            k["mean_income_before"] * k["households_with_income"]
            for k in kpis
            if k["households_with_income"]
        )
        after = sum(
            k["mean_income_after"] * k["households_with_income"]
            for k in kpis
            if k["households_with_income"]
        )
        province.income_change = _ratio(after - before, before) if before else None

    figures = ProgrammeFigures(fiscal_year=fiscal_year, districts=rows, province=province)
    figures.sages = (
        TrainerTeam.objects.filter(fiscal_year=fiscal_year, district__in=districts)
        .aggregate(n=Count("sage", distinct=True))
        .get("n")
    )
    figures.groups = groups
    products = Product.objects.filter(
        district__in=districts,
        village__in=households.values("village_id"),
    )
    by_category = {c: 0 for c in Product.Category.values}
    by_stars = {}
    for row in products.values("category", "stars").annotate(n=Count("id")):
        by_category[row["category"]] = by_category.get(row["category"], 0) + row["n"]
        by_stars[row["stars"]] = by_stars.get(row["stars"], 0) + row["n"]
    figures.products = sum(by_category.values())
    figures.products_by_category = [
        (label, by_category.get(value, 0)) for value, label in Product.Category.choices
    ]
    figures.products_by_stars = [
        (star_label(stars), by_stars.get(stars, 0)) for stars in (5, 4, 3, 2, 1, None)
    ]
    return figures


def star_label(stars):
    if stars is None:
        return str(_("ยังไม่ได้คัดสรรระดับดาว"))
    return str(_("%(n)d ดาว") % {"n": stars})
