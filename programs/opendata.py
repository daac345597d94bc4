"""Open data (issue 16): the province's aggregate datasets per district and fiscal year, approved
district-years only, small cells suppressed by the disclosure rule of ``/stats/``.

A district-year is published when its ``DistrictReport`` is ``approved``. Its figures come from the
approval snapshot (``reporting.district_snapshot``: the KPI row and, since this module, the
households by stage, sages, groups and products); a snapshot taken before it stored those counts is
completed from the live records, counted once for all such district-years.

Households by stage are the only counts about households in a cell, and they follow the disclosure
rule of ``/stats/`` (``public_stats.suppress``, its floors and column costs). Where a district's
counts equal the live ones (the usual case),
its cells are taken from ``/stats/`` itself (``public_stats.programme_figures``), so the two
publications show that district's line with the same hidden cells and together reveal nothing that
``/stats/`` alone does not; the other lines of the year (snapshots the records have moved past)
are suppressed together. The column totals of the approved districts are not published (their
difference from the province totals of ``/stats/`` would describe the districts not yet approved).
The shares follow rule 4 of ``public_stats`` (``_derive``); the income change only when at least
five households have both incomes. Village, sage, group and product counts are published as they
are, as on ``/stats/``.

Each dataset has metadata in the fields of data.go.th's CKAN dataset schema (``ckanext-thai_gdc``:
``data_type``, ``update_frequency_unit``, ``geo_coverage``, ``license_id``, …): ``metadata(slug)``.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from programs import public_stats
from programs.models import DistrictReport, Household, Product, TrainerTeam
from sammachip.cache import cached_for_content
from villages.models import District

STATUSES = public_stats.STATUSES

DEFAULT_LICENCE = {
    "id": "cc-by-4.0",
    "title": "ครีเอทีฟคอมมอนส์ แสดงที่มา 4.0 สากล (CC BY 4.0)",
    "url": "https://creativecommons.org/licenses/by/4.0/deed.th",
}

# The fields of data.go.th's dataset schema every metadata record fills (the test checks each).
SCHEMA_FIELDS = (
    "name",
    "title",
    "notes",
    "data_type",
    "update_frequency_unit",
    "update_frequency_interval",
    "geo_coverage",
    "license_id",
    "license_title",
    "first_year_of_data",
    "last_year_of_data",
    "disaggregate",
    "unit_of_measure",
    "calculation_method",
    "data_source",
    "owner_org",
    "data_format",
    "data_category",
)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    unit: str = ""


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: str
    description: str
    unit: str
    calculation: str
    columns: tuple
    disaggregate: tuple = ("ขอบเขตเชิงภูมิศาสตร์หรือเชิงพื้นที่",)


KEY_COLUMNS = (
    Column("fiscal_year", _("ปีงบประมาณ (พ.ศ.)")),
    Column("district_code", _("รหัสอำเภอ")),
    Column("district_name", _("อำเภอ")),
)

DATASETS = (
    Dataset(
        "villages",
        _("หมู่บ้านเป้าหมายโครงการสัมมาชีพชุมชน รายอำเภอ รายปีงบประมาณ"),
        _(
            "จำนวนหมู่บ้านที่มีครัวเรือนเป้าหมาย หมู่บ้านเป้าหมาย (มีทีมวิทยากรในปีนั้น) "
            "และหมู่บ้านเป้าหมายที่มีกลุ่มอาชีพ เฉพาะอำเภอที่จังหวัดอนุมัติรายงานประจำปีแล้ว"
        ),
        _("หมู่บ้าน"),
        _("นับหมู่บ้านจากทะเบียนครัวเรือนและทีมวิทยากรของปีงบประมาณ ตามรายงานที่จังหวัดอนุมัติ (ข้อมูล ณ วันอนุมัติ)"),
        (
            Column("listed_villages", _("หมู่บ้านที่มีครัวเรือนเป้าหมาย")),
            Column("target_villages", _("หมู่บ้านเป้าหมาย")),
            Column("grouped_villages", _("หมู่บ้านเป้าหมายที่มีกลุ่มอาชีพ")),
        ),
    ),
    Dataset(
        "sages",
        _("ปราชญ์สัมมาชีพชุมชน (วิทยากร) รายอำเภอ รายปีงบประมาณ"),
        _("จำนวนปราชญ์สัมมาชีพที่เป็นวิทยากรในทีมของปีงบประมาณ เฉพาะอำเภอที่อนุมัติแล้ว"),
        _("คน"),
        _("นับปราชญ์ไม่ซ้ำคนในทีมวิทยากรของอำเภอในปีงบประมาณ (ข้อมูล ณ วันอนุมัติ)"),
        (Column("sages", _("ปราชญ์สัมมาชีพ (คน)")),),
    ),
    Dataset(
        "households",
        _("ครัวเรือนเป้าหมายจำแนกตามขั้นการพัฒนา รายอำเภอ รายปีงบประมาณ"),
        _(
            "จำนวนครัวเรือนเป้าหมายจำแนกตามขั้น (เป้าหมาย ฝึกอบรมแล้ว ประกอบอาชีพ รวมกลุ่ม "
            "เลิกประกอบอาชีพ) เฉพาะอำเภอที่อนุมัติแล้ว ช่องที่มีน้อยกว่า 5 ครัวเรือนแสดงเป็น <5 "
            "และช่องที่อาจใช้คำนวณย้อนหาตัวเลขนั้นได้แสดงเป็น *"
        ),
        _("ครัวเรือน"),
        _(
            "นับครัวเรือนตามขั้นล่าสุด ณ วันอนุมัติ ปกปิดช่องขนาดเล็กตามหลักเกณฑ์เดียวกับหน้าสถิติ "
            "(น้อยกว่า 5 ครัวเรือน และช่องที่คำนวณย้อนได้)"
        ),
        (
            *(Column(f"status_{s.value}", s.label) for s in STATUSES),
            Column("households", _("ครัวเรือนทั้งหมด")),
        ),
        ("ขอบเขตเชิงภูมิศาสตร์หรือเชิงพื้นที่", "อื่นๆ"),
    ),
    Dataset(
        "kpis",
        _("ตัวชี้วัดโครงการสัมมาชีพชุมชน รายอำเภอ รายปีงบประมาณ"),
        _(
            "สัดส่วนครัวเรือนที่ประกอบอาชีพ รายได้จากอาชีพที่เปลี่ยนแปลง "
            "และสัดส่วนหมู่บ้านเป้าหมายที่มีกลุ่มอาชีพ เฉพาะอำเภอที่อนุมัติแล้ว"
        ),
        _("ร้อยละ"),
        _(
            "สัดส่วนประกอบอาชีพ = (ประกอบอาชีพ + รวมกลุ่ม) / ฝึกอบรมแล้วขึ้นไป จากช่องที่เปิดเผย "
            "เมื่อตัวหารอย่างน้อย 5; รายได้เปลี่ยนแปลง = (ผลรวมรายได้หลัง − ก่อน) / ผลรวมรายได้ก่อน "
            "ของครัวเรือนที่มีรายได้ทั้งสองช่วง เมื่อมีอย่างน้อย 5 ครัวเรือน; "
            "สัดส่วนกลุ่ม = หมู่บ้านเป้าหมายที่มีกลุ่ม / หมู่บ้านเป้าหมาย"
        ),
        (
            Column("practising_share", _("สัดส่วนประกอบอาชีพ (ร้อยละ)")),
            Column("income_change", _("รายได้จากอาชีพเปลี่ยนแปลง (ร้อยละ)")),
            Column("group_share", _("สัดส่วนหมู่บ้านมีกลุ่มอาชีพ (ร้อยละ)")),
        ),
    ),
    Dataset(
        "groups",
        _("กลุ่มอาชีพ รายอำเภอ รายปีงบประมาณ"),
        _("จำนวนกลุ่มอาชีพที่มีครัวเรือนเป้าหมายของปีเป็นสมาชิก เฉพาะอำเภอที่อนุมัติแล้ว"),
        _("กลุ่ม"),
        _("นับกลุ่มอาชีพไม่ซ้ำที่ครัวเรือนเป้าหมายของปีเป็นสมาชิก (ข้อมูล ณ วันอนุมัติ)"),
        (Column("groups", _("กลุ่มอาชีพ")),),
    ),
    Dataset(
        "products",
        _("ผลิตภัณฑ์ชุมชน รายอำเภอ รายปีงบประมาณ"),
        _("จำนวนผลิตภัณฑ์ของหมู่บ้านที่มีครัวเรือนเป้าหมายในปี เฉพาะอำเภอที่อนุมัติแล้ว"),
        _("รายการ"),
        _("นับผลิตภัณฑ์ของหมู่บ้านที่มีครัวเรือนเป้าหมายของปี (ข้อมูล ณ วันอนุมัติ)"),
        (Column("products", _("ผลิตภัณฑ์ (รายการ)")),),
        ("ขอบเขตเชิงภูมิศาสตร์หรือเชิงพื้นที่", "ผลิตภัณฑ์"),
    ),
)
BY_SLUG = {dataset.slug: dataset for dataset in DATASETS}


def licence():
    return {**DEFAULT_LICENCE, **getattr(settings, "SAMMACHIP_OPENDATA_LICENCE", {})}


def year_counts(pairs):
    """``{(district code, fiscal year): {"statuses", "sages", "groups", "products"}}`` from the live
    records for ``pairs`` (five queries whatever their number; none when empty)."""
    pairs = set(pairs)
    if not pairs:
        return {}
    districts = {d for d, _y in pairs}
    years = {y for _d, y in pairs}
    result = {
        pair: {"statuses": {s.value: 0 for s in STATUSES}, "sages": 0, "groups": 0, "products": 0}
        for pair in pairs
    }
    households = Household.objects.filter(district__in=districts, fiscal_year__in=years)
    for row in households.values("district_id", "fiscal_year", "status").annotate(n=Count("id")):
        pair = (row["district_id"], row["fiscal_year"])
        if pair in result:
            result[pair]["statuses"][row["status"]] = row["n"]
    grouped = households.filter(group__isnull=False).values("district_id", "fiscal_year")
    for row in grouped.annotate(n=Count("group", distinct=True)):
        pair = (row["district_id"], row["fiscal_year"])
        if pair in result:
            result[pair]["groups"] = row["n"]
    teams = TrainerTeam.objects.filter(district__in=districts, fiscal_year__in=years)
    for row in teams.values("district_id", "fiscal_year").annotate(n=Count("sage", distinct=True)):
        pair = (row["district_id"], row["fiscal_year"])
        if pair in result:
            result[pair]["sages"] = row["n"]
    villages = {}
    for district, year, village in (
        households.values_list("district_id", "fiscal_year", "village_id").distinct().order_by()
    ):
        villages.setdefault(village, set()).add((district, year))
    products = Product.objects.filter(district__in=districts, village__in=list(villages))
    for row in products.values("village_id").annotate(n=Count("id")):
        for pair in villages.get(row["village_id"], ()):
            if pair in result:
                result[pair]["products"] += row["n"]
    return result


def _snapshot_counts(snapshot):
    counts = (snapshot or {}).get("counts")
    return counts if counts and "statuses" in counts else None


@dataclass
class DistrictYear:
    fiscal_year: int
    code: str
    name: str
    kpis: dict
    counts: dict
    figures: public_stats.Figures | None = None

    def value(self, key):
        if key == "fiscal_year":
            return self.fiscal_year
        if key == "district_code":
            return self.code
        if key == "district_name":
            return self.name
        if key.startswith("status_"):
            return self.figures.statuses[key.removeprefix("status_")]
        if key == "households":
            return self.figures.total
        if key in ("sages", "groups", "products"):
            return self.counts[key]
        if key == "listed_villages":
            return self.kpis.get("listed_villages", 0)
        if key == "target_villages":
            return self.kpis.get("villages", 0)
        if key == "grouped_villages":
            return self.kpis.get("grouped_villages", 0)
        if key == "practising_share":
            return _percent(self.figures.practising_share)
        if key == "income_change":
            return _percent(self.figures.income_change)
        if key == "group_share":
            return _percent(self.kpis.get("group_share"))
        raise KeyError(key)


def _percent(value):
    if value in (None, ""):
        return None
    return round(float(value) * 100, 1)


def district_years():
    """The published district-years, fiscal year then district code order (cached per public
    content version; an approval bumps it)."""
    return cached_for_content("opendata-district-years", compute_district_years)


def compute_district_years():
    reports = list(
        DistrictReport.objects.filter(
            status=DistrictReport.Status.APPROVED,
            district__in=District.objects.in_province(),
        )
        .select_related("district")
        .order_by("fiscal_year", "district_id")
    )
    live = year_counts((r.district_id, r.fiscal_year) for r in reports)
    rows = []
    for report in reports:
        snapshot = report.snapshot or {}
        counts = _snapshot_counts(snapshot) or live[(report.district_id, report.fiscal_year)]
        rows.append(
            DistrictYear(
                fiscal_year=report.fiscal_year,
                code=report.district_id,
                name=report.district.name_th,
                kpis=snapshot.get("kpis") or {},
                counts=counts,
            )
        )
    by_year = {}
    for row in rows:
        by_year.setdefault(row.fiscal_year, []).append(row)
    for year, year_rows in by_year.items():
        suppress_year(year, year_rows, live)
    return rows


def suppress_year(fiscal_year, rows, live):
    """Give each row of one fiscal year its ``figures`` (suppressed cells, derived shares).

    A row whose stage counts equal the records' takes its line from ``/stats/`` (same cells
    hidden: the two publications together add nothing); the others (snapshots the records have
    moved past) go through ``suppress_rows`` together."""
    same = [
        row for row in rows if row.counts["statuses"] == live[(row.code, fiscal_year)]["statuses"]
    ]
    stats = public_stats.programme_figures(fiscal_year=fiscal_year) if same else None
    lines = {}
    for row in same:
        published = stats.district(row.code)
        if published is not None:
            lines[row.code] = ({**published.statuses}, published.total)
    own = [row for row in rows if row.code not in lines]
    for row, cells in zip(own, suppress_rows(own) if own else [], strict=True):
        lines[row.code] = (
            {s.value: cell for s, cell in zip(STATUSES, cells, strict=False)},
            cells[-1],
        )
    for row in rows:
        statuses, total = lines[row.code]
        figures = public_stats.Figures(code=row.code, name=row.name, statuses=statuses, total=total)
        public_stats._derive(figures)
        if (row.kpis.get("households_with_income") or 0) >= public_stats.SMALL_CELL:
            figures.income_change = row.kpis.get("income_change")
        row.figures = figures


def suppress_rows(rows):
    """``public_stats.suppress`` over the rows' stage counts with the floors of ``/stats/``: the
    table's inner rows (each with its total last)."""
    kpis = [row.kpis for row in rows]
    with_income = sum(k.get("households_with_income") or 0 for k in kpis)
    table = public_stats.suppress(
        [[row.counts["statuses"].get(s.value, 0) for s in STATUSES] for row in rows],
        column_cost=[public_stats.COLUMN_COST.get(s, 0) for s in STATUSES],
        total_floors=[
            max(
                k.get("listed_villages") or 0,
                public_stats.SMALL_CELL
                if (k.get("households_with_income") or 0) >= public_stats.SMALL_CELL
                else 1,
            )
            for k in kpis
        ],
        grand_floor=max(
            sum(k.get("listed_villages") or 0 for k in kpis),
            public_stats.SMALL_CELL if with_income >= public_stats.SMALL_CELL else 1,
        ),
    )
    return table[:-1]


def columns(dataset):
    return (*KEY_COLUMNS, *dataset.columns)


def records(dataset, rows=None):
    """The dataset's records: one dict a district-year, a hidden cell as its mark ("<5" or "*")."""
    rows = district_years() if rows is None else rows
    result = []
    for row in rows:
        record = {}
        for column in columns(dataset):
            value = row.value(column.key)
            if isinstance(value, public_stats.Cell):
                value = value.value if value.published else str(value)
            record[column.key] = value
        result.append(record)
    return result


def metadata(dataset, rows=None, base_url=""):
    """The dataset's record in data.go.th's CKAN schema (Thai values as the catalogue's choices)."""
    rows = district_years() if rows is None else rows
    years = sorted({row.fiscal_year for row in rows})
    province = getattr(settings, "SAMMACHIP_PROVINCE_CODE", "")
    agency = getattr(settings, "SAMMACHIP_OFFICE_NAME", "") or str(_("สำนักงานพัฒนาชุมชนจังหวัด"))
    lic = licence()
    return {
        "name": f"sammachip-{province}-{dataset.slug}",
        "title": str(dataset.title),
        "notes": str(dataset.description),
        "data_type": "ข้อมูลสถิติ",
        "update_frequency_unit": "ปี",
        "update_frequency_interval": "1",
        "geo_coverage": "จังหวัด",
        "license_id": lic["id"],
        "license_title": lic["title"],
        "license_url": lic["url"],
        "first_year_of_data": str(years[0]) if years else "",
        "last_year_of_data": str(years[-1]) if years else "",
        "disaggregate": list(dataset.disaggregate),
        "unit_of_measure": str(dataset.unit),
        "calculation_method": str(dataset.calculation),
        "data_source": str(_("ระบบสารสนเทศโครงการสัมมาชีพชุมชน (รายงานประจำปีที่จังหวัดอนุมัติ)")),
        "owner_org": agency,
        "data_format": ["CSV", "JSON"],
        "data_category": "ข้อมูลสาธารณะ",
        "tag_string": "สัมมาชีพชุมชน,พัฒนาชุมชน,อำเภอ",
        "fields": [{"id": c.key, "label": str(c.label)} for c in columns(dataset)],
        "resources": [
            {
                "name": f"{dataset.slug}.csv",
                "format": "CSV",
                "url": f"{base_url}{dataset.slug}.csv",
            },
            {
                "name": f"{dataset.slug}.json",
                "format": "JSON",
                "url": f"{base_url}{dataset.slug}.json",
            },
        ],
    }
