"""Programme figures for the public pages: aggregates only, small cells suppressed.

Everything the public portal says about households (home page, ``/districts/``, ``/stats/`` and its
CSV) comes from ``programme_figures``, which builds on ``services.district_kpis`` (the one source of
the department's KPIs) and one count of households by district and status. No household row, name,
ID, phone or income ever leaves this module: only counts and ratios.

Disclosure rule (also explained to readers on ``/stats/``):

1. **Small cells.** A count of 1–4 households is published as "<5" (zero is published: it
   identifies nobody).
2. **No recovery by subtraction.** The table of households by district × status is published with
   its row totals (each district) and column totals (the province). In every row and every column
   that has a hidden cell, at least two cells are hidden: when a line has only one, the smallest
   other non-zero cell of that line is hidden too (shown as "*"), repeated until no line has a
   single hidden cell.
3. **Derived figures** (households trained, share practising) are published only when every count
   they are made from is published and their denominator is at least 5; the income change only
   when at least 5 households have both incomes recorded (only the change in per cent is public,
   never a mean income). Village, group and product counts are not about households and are
   published as they are.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.db.models import Count
from django.utils.translation import gettext as _

from programs import services
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
# Which cells rule 2 hides first: "target" and "dropped" feed no KPI, so they go before a
# district's total (cost 1), and the cells of the share practising last.
COLUMN_COST = {status: 2 for status in TRAINED_OR_BEYOND}
TARGET_PRACTISING = services.TARGET_PRACTISING
TARGET_INCOME_CHANGE = services.TARGET_INCOME_CHANGE
TARGET_GROUPS = services.TARGET_GROUPS


@dataclass(frozen=True)
class Cell:
    """A published household count: its value, unless hidden by the disclosure rule."""

    value: int
    hidden: bool = False
    small: bool = False  # hidden because 1–4 (rule 1); otherwise hidden by rule 2

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


def suppress(rows, width=None, column_cost=None, total_cost=1):
    """Apply rules 1 and 2 to a table of counts.

    ``rows`` is a list of lists of ``width`` non-negative ints. Returns the table with a total
    column appended to each row and a total row appended at the end, every entry a ``Cell``.

    When another cell must be hidden, the cheapest goes: ``column_cost[j]`` for an inner cell of
    column ``j`` (default 0), ``total_cost`` for a row's total, and the total row dearest of all;
    the smallest value among equals. After the line rule, an exact check (``_determined``) makes
    sure that no hidden cell can be computed from the published ones by any combination of the
    row and column sums; if one could, another cell of its lines is hidden, until none can.
    """
    width = len(STATUSES) if width is None else width
    column_cost = list(column_cost or [0] * width)
    values = [[*row, sum(row)] for row in rows]
    values.append([sum(column) for column in zip(*values, strict=True)] or [0] * (width + 1))
    height = len(values)
    margin_cost = max([*column_cost, total_cost]) + 1  # the total row: the headline figures

    def cost(cell):
        i, j = cell
        if i == height - 1:
            rank = margin_cost
        elif j == width:
            rank = total_cost
        else:
            rank = column_cost[j]
        # Among equals, a cell that also completes another line with a single hidden cell.
        completes = sum(
            1
            for line in (lines[i], lines[height + j])
            if sum(1 for other in line if other in hidden) == 1
        )
        return (rank, -completes, values[i][j], cell)

    primary = {(i, j) for i in range(height) for j in range(width + 1) if is_small(values[i][j])}
    hidden = set(primary)
    lines = [[(i, j) for j in range(width + 1)] for i in range(height)]
    lines += [[(i, j) for i in range(height)] for j in range(width + 1)]

    def hide_cheapest(candidate_lines):
        for pool in (candidate_lines, lines):
            candidates = [
                cell
                for line in pool
                for cell in line
                if cell not in hidden and values[cell[0]][cell[1]]
            ]
            if candidates:
                hidden.add(min(candidates, key=cost))
                return

    while True:
        changed = True
        while changed:
            changed = False
            for line in lines:
                # A line's total is the sum of its cells, so a line with one hidden cell always
                # has another non-zero one to hide.
                if sum(1 for cell in line if cell in hidden) == 1:
                    hide_cheapest([line])
                    changed = True
        exposed = _determined(hidden, lines)
        if not exposed:
            break
        hide_cheapest([line for line in lines if exposed in line])
    return [
        [
            Cell(values[i][j], hidden=(i, j) in hidden, small=(i, j) in primary)
            for j in range(width + 1)
        ]
        for i in range(height)
    ]


def _determined(hidden, lines):
    """A hidden cell whose value follows from the published ones, or None.

    Every line says: its cells sum to its last cell, the line's total. Keeping only the hidden
    cells as unknowns (+1 for a cell, −1 for the total), a cell is determined exactly when its
    unit vector lies in the row space: when the reduced row echelon form has a row with that one
    cell alone.
    """
    unknowns = sorted(hidden)
    if not unknowns:
        return None
    index = {cell: k for k, cell in enumerate(unknowns)}
    matrix = []
    for line in lines:
        row = [Fraction(0)] * len(unknowns)
        for cell in line:
            if cell in index:
                row[index[cell]] = Fraction(-1 if cell == line[-1] else 1)
        if any(row):
            matrix.append(row)
    pivot_row = 0
    for column in range(len(unknowns)):
        pivot = next((r for r in range(pivot_row, len(matrix)) if matrix[r][column]), None)
        if pivot is None:
            continue
        matrix[pivot_row], matrix[pivot] = matrix[pivot], matrix[pivot_row]
        lead = matrix[pivot_row][column]
        matrix[pivot_row] = [value / lead for value in matrix[pivot_row]]
        for r in range(len(matrix)):
            if r != pivot_row and matrix[r][column]:
                factor = matrix[r][column]
                matrix[r] = [
                    a - factor * b for a, b in zip(matrix[r], matrix[pivot_row], strict=True)
                ]
        pivot_row += 1
    for row in matrix[:pivot_row]:
        nonzero = [k for k, value in enumerate(row) if value]
        if len(nonzero) == 1:
            return unknowns[nonzero[0]]
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

    @property
    def status_cells(self):
        return [(status, self.statuses[status.value]) for status in STATUSES]

    @property
    def practising_met(self):
        return self.practising_share is not None and self.practising_share >= TARGET_PRACTISING

    @property
    def income_met(self):
        return self.income_change is not None and self.income_change >= TARGET_INCOME_CHANGE

    @property
    def groups_met(self):
        return self.group_share is not None and self.group_share >= TARGET_GROUPS

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
    def has_data(self):
        return bool(self.districts)

    def district(self, code):
        return next((row for row in self.districts if row.code == code), None)


def province_districts():
    return District.objects.filter(province_id=settings.SAMMACHIP_PROVINCE_CODE)


def fiscal_years():
    """Fiscal years (BE) with households in the configured province, newest first (one query,
    once per public content version)."""

    def compute():
        return list(
            Household.objects.filter(district__province_id=settings.SAMMACHIP_PROVINCE_CODE)
            .values_list("fiscal_year", flat=True)
            .distinct()
            .order_by("-fiscal_year")
        )

    return cached_for_content("fiscal-years", compute)


def default_fiscal_year(years=None):
    """The current fiscal year if it has data, else the latest earlier one that has, else the
    current one (``years``: ``fiscal_years()``, read when not given)."""
    current = thaidate.current_fiscal_year()
    if years is None:
        years = fiscal_years()
    return next((year for year in years if year <= current), current)


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
    districts = province_districts()
    households = Household.objects.filter(fiscal_year=fiscal_year, district__in=districts)
    kpis = services.district_kpis(fiscal_year=fiscal_year, districts=districts)
    counts = {}
    for row in households.values("district_id", "status").annotate(n=Count("id")):
        counts.setdefault(row["district_id"], {})[row["status"]] = row["n"]

    table = suppress(
        [[counts.get(k["district_code"], {}).get(s.value, 0) for s in STATUSES] for k in kpis],
        column_cost=[COLUMN_COST.get(s, 0) for s in STATUSES],
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
        )
        _derive(row)
        if row.practising_share is not None:
            row.practising_share = kpi["practising_share"]  # the KPI service's own figure
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
    )
    _derive(province)
    province.group_share = _ratio(province.grouped_villages, province.villages)
    with_income = sum(k["households_with_income"] for k in kpis)
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
    figures.groups = households.filter(group__isnull=False).aggregate(
        n=Count("group", distinct=True)
    )["n"]
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
