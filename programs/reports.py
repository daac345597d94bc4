"""Reports in the department's shapes (issue 16), from approved data only.

* ``kpi_report`` — รายงานผลการดำเนินงานโครงการสร้างสัมมาชีพชุมชน: one row per district of the
  province with its report state and approval day; the figures of an **approved** district are
  its ``DistrictReport.snapshot`` (the KPI row of ``programs.kpis.district_kpis`` stored at
  approval), a district not approved is listed with its state and no figures. The province
  total is ``kpi_totals`` over the approved snapshots. The breakdowns by occupation type and
  by target group are the snapshots' too (``approved_breakdown``): one district's as stored,
  several districts' added up by ``kpis.breakdown_totals`` (counts summed, ratios made again
  from the summed numerators and denominators). A district approved before snapshots stored a
  breakdown is read live from its records, which are locked since the approval except
  follow-ups dated after the approval day (``breakdown_live`` names it; docs/reporting.md).
* ``village_report`` — รายงานสารสนเทศสัมมาชีพชุมชนระดับหมู่บ้าน: one section per village of the
  approved districts: sage, team, occupation, households (masked IDs) with stage and incomes,
  sessions, follow-ups, groups, products.
* ``write_kpi_xlsx`` / ``write_village_xlsx`` — real number and date cells (dates in BE, the
  formats of ``sammachip.spreadsheet``), Thai headers, A4 print setup.
* ``record`` — each report generated is a row of ``ExportLog`` like the household exports.
"""

from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from sammachip import thaidate
from sammachip.spreadsheet import EXCEL_BE_DATE, EXCEL_COUNT, EXCEL_MONEY

EXCEL_PERCENT = "0.0%"
KPI_TITLE = "รายงานผลการดำเนินงานโครงการสร้างสัมมาชีพชุมชน"
VILLAGE_TITLE = "รายงานสารสนเทศสัมมาชีพชุมชนระดับหมู่บ้าน"

# The figures of a district row, in the report's column order: (key, Thai header, format).
KPI_COLUMNS = [
    ("households", "ครัวเรือนเป้าหมาย", EXCEL_COUNT),
    ("trained", "ผ่านการฝึกอบรม", EXCEL_COUNT),
    ("practising", "ประกอบอาชีพ", EXCEL_COUNT),
    ("practising_share", "ตัวชี้วัด 1: ร้อยละที่ประกอบอาชีพ", EXCEL_PERCENT),
    ("households_with_income", "ครัวเรือนที่มีรายได้ก่อน-หลัง", EXCEL_COUNT),
    ("mean_income_before", "รายได้เฉลี่ยก่อน (บาท/เดือน)", EXCEL_MONEY),
    ("mean_income_after", "รายได้เฉลี่ยหลัง (บาท/เดือน)", EXCEL_MONEY),
    ("income_change", "ตัวชี้วัด 2: รายได้เพิ่มขึ้น (ค่าเฉลี่ย)", EXCEL_PERCENT),
    ("income_villages", "หมู่บ้านที่วัดรายได้ได้", EXCEL_COUNT),
    ("income_villages_rose", "หมู่บ้านที่รายได้เพิ่มถึงเป้า", EXCEL_COUNT),
    ("income_villages_share", "ตัวชี้วัด 2: ร้อยละหมู่บ้านที่รายได้เพิ่มถึงเป้า", EXCEL_PERCENT),
    ("villages", "หมู่บ้านเป้าหมาย", EXCEL_COUNT),
    ("grouped_villages", "หมู่บ้านที่มีกลุ่มอาชีพ", EXCEL_COUNT),
    ("group_share", "ตัวชี้วัด 3: ร้อยละหมู่บ้านที่มีกลุ่มอาชีพ", EXCEL_PERCENT),
]
BREAKDOWN_COLUMNS = [
    ("households", "ครัวเรือน", EXCEL_COUNT),
    ("trained", "ผ่านการฝึกอบรม", EXCEL_COUNT),
    ("practising", "ประกอบอาชีพ", EXCEL_COUNT),
    ("practising_share", "ร้อยละที่ประกอบอาชีพ", EXCEL_PERCENT),
    ("mean_income_before", "รายได้เฉลี่ยก่อน (บาท/เดือน)", EXCEL_MONEY),
    ("mean_income_after", "รายได้เฉลี่ยหลัง (บาท/เดือน)", EXCEL_MONEY),
    ("income_change", "รายได้เพิ่มขึ้น (ค่าเฉลี่ย)", EXCEL_PERCENT),
]
_DECIMAL_KEYS = {
    "practising_share",
    "mean_income_before",
    "mean_income_after",
    "income_change",
    "income_villages_share",
    "group_share",
}


def _decimal(value):
    return None if value is None or value == "" else Decimal(str(value))


def snapshot_figures(snapshot):
    """The KPI row of an approved snapshot (JSON) with its decimals as ``Decimal`` again."""
    figures = dict((snapshot or {}).get("kpis") or {})
    if not figures:
        return None
    for key in _DECIMAL_KEYS:
        if key in figures:
            figures[key] = _decimal(figures[key])
    figures["targets"] = {k: _decimal(v) for k, v in (figures.get("targets") or {}).items()}
    return figures


def _province_districts(districts=None):
    from villages.models import District

    queryset = District.objects.in_province()
    if districts is not None:
        queryset = queryset.filter(code__in=list(districts))
    return list(queryset.order_by("code").values_list("code", "name_th"))


def kpi_report(*, fiscal_year, districts=None):
    """The KPI report of ``fiscal_year`` (BE) over the province's districts (or ``districts``,
    codes): ``{"fiscal_year", "rows", "totals", "approved", "occupation_types",
    "target_groups", "generated_at"}``. Each row: ``district_code``, ``district_name``,
    ``status`` (value), ``status_label`` (Thai), ``approved_on`` (a date or None) and
    ``figures`` (the snapshot's KPI row, None unless approved). ``occupation_types`` and
    ``target_groups`` come from the approved snapshots too (``approved_breakdown``);
    ``breakdown_live``: the approved districts whose snapshot has no breakdown (read live)."""
    from programs.kpis import kpi_totals
    from programs.models import DistrictReport

    reports = {
        report.district_id: report
        for report in DistrictReport.objects.filter(fiscal_year=fiscal_year).only(
            "district_id", "status", "approved_on", "snapshot"
        )
    }
    rows = []
    approved = []
    for code, name in _province_districts(districts):
        report = reports.get(code)
        status = report.status if report else DistrictReport.Status.OPEN
        figures = None
        if status == DistrictReport.Status.APPROVED:
            figures = snapshot_figures(report.snapshot)
            approved.append(code)
        rows.append(
            {
                "district_code": code,
                "district_name": name,
                "status": status,
                "status_label": str(DistrictReport.Status(status).label),
                "approved_on": report.approved_on
                if status == DistrictReport.Status.APPROVED
                else None,
                "figures": figures,
            }
        )
    with_figures = [row["figures"] for row in rows if row["figures"]]
    totals = kpi_totals(with_figures) if with_figures else None
    breakdown, breakdown_live = approved_breakdown(
        fiscal_year=fiscal_year,
        snapshots={code: reports[code].snapshot for code in approved},
        goal=totals["targets"] if totals else None,
    )
    return {
        "fiscal_year": fiscal_year,
        "district_report": _single_report(reports, districts),
        "rows": rows,
        "totals": totals,
        "approved": approved,
        **breakdown,
        "breakdown_live": breakdown_live,
        "generated_at": timezone.now(),
    }


def approved_breakdown(*, fiscal_year, snapshots, goal=None):
    """The KPIs by occupation type and by target group of the approved districts
    (``snapshots``: ``{district code: its approval snapshot}``), and the codes read live.

    One district: its snapshot's ``breakdown`` as stored (decimals as ``Decimal`` again).
    Several: ``kpis.breakdown_totals`` of their stored breakdowns (counts added, ratios made
    again from the added numerators and denominators) against ``goal`` (the year's targets as
    fractions; read from the parameters when not given). A snapshot approved before breakdowns
    were stored (no ``breakdown`` key) has its district's breakdown read from the records
    instead (``kpi_breakdown``: locked since the approval, except follow-ups dated after it);
    such districts are the second value. Queries: none for one district with a breakdown stored,
    one (the occupation types' order) for several, ``kpi_breakdown``'s five with a district to
    read live."""
    from programs import parameters
    from programs.kpis import BREAKDOWN_PARTS, breakdown_labels, breakdown_totals, kpi_breakdown
    from programs.kpis import targets as year_targets
    from programs.models import Household

    stored = []
    live = []
    for code, snapshot in snapshots.items():
        if isinstance(snapshot, dict) and isinstance(snapshot.get("breakdown"), dict):
            stored.append(snapshot["breakdown"])
        else:
            live.append(code)
    if live:
        stored.append(
            kpi_breakdown(
                fiscal_year=fiscal_year, households=Household.objects.filter(district__in=live)
            )
        )
    if not stored:
        return {part: [] for part in BREAKDOWN_PARTS}, live
    if len(stored) == 1:
        return snapshot_breakdown(stored[0]), live
    if goal is None:
        goal = year_targets(parameters.for_year(fiscal_year))
    return breakdown_totals(stored, goal=goal, labels=breakdown_labels()), live


_SUM_DECIMALS = ("sum_before", "sum_after")


def snapshot_breakdown(breakdown):
    """A breakdown as stored in a snapshot (JSON) with its decimals as ``Decimal`` again."""

    def row_of(row):
        row = dict(row)
        for key in _DECIMAL_KEYS:  # the KPI row's decimals; a breakdown row has four of them
            if key in row:
                row[key] = _decimal(row[key])
        if isinstance(row.get("sums"), dict):
            row["sums"] = {
                key: _decimal(value) if key in _SUM_DECIMALS else value
                for key, value in row["sums"].items()
            }
        return row

    from programs.kpis import BREAKDOWN_PARTS

    return {
        part: [row_of(row) for row in (breakdown or {}).get(part) or []] for part in BREAKDOWN_PARTS
    }


def _excel_number(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None, microsecond=0)


def _print_setup(sheet, *, landscape=True, title_rows=None):
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.gridLines = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = 0.5
    sheet.page_margins.bottom = 0.6
    sheet.oddFooter.center.text = "หน้า &P / &N"
    sheet.oddHeader.right.text = settings.SAMMACHIP_OFFICE_NAME
    if title_rows:
        sheet.print_title_rows = title_rows


def _heading(sheet, lines, width):
    from openpyxl.styles import Font

    for index, line in enumerate(lines, start=1):
        cell = sheet.cell(row=index, column=1, value=line)
        cell.font = Font(bold=index == 1, size=14 if index == 1 else 11)
        if width > 1:
            sheet.merge_cells(start_row=index, start_column=1, end_row=index, end_column=width)
    return len(lines) + 2  # a blank row, then the header row


def _header_row(sheet, row, headers, widths=None):
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    for column, header in enumerate(headers, start=1):
        cell = sheet.cell(row=row, column=column, value=header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if widths:
            sheet.column_dimensions[get_column_letter(column)].width = widths[column - 1]
    sheet.row_dimensions[row].height = 48


def _put(sheet, row, column, value, number_format=None):
    cell = sheet.cell(row=row, column=column, value=_excel_number(value))
    if number_format and value is not None:
        cell.number_format = number_format
    return cell


def breakdown_live_words(report):
    """The print view's and the xlsx's word on ``breakdown_live``: which approved districts'
    breakdowns are today's figures (approved before snapshots kept them), or ""."""
    codes = report.get("breakdown_live") or []
    if not codes:
        return ""
    names = {row["district_code"]: row["district_name"] for row in report["rows"]}
    return _(
        "ตัวเลขจำแนกตามประเภทอาชีพและกลุ่มเป้าหมายของอำเภอ%(names)s เป็นข้อมูลปัจจุบัน "
        "(อนุมัติก่อนระบบเก็บตัวเลขจำแนก ณ วันที่อนุมัติ)"
    ) % {"names": " อำเภอ".join(names.get(code, code) for code in codes)}


def _about_lines(report, scope_words):
    lines = [
        KPI_TITLE,
        _("ปีงบประมาณ %(year)s %(scope)s") % {"year": report["fiscal_year"], "scope": scope_words},
        settings.SAMMACHIP_OFFICE_NAME,
        _("ข้อมูลเฉพาะอำเภอที่จังหวัดอนุมัติแล้ว พิมพ์เมื่อ %(when)s")
        % {"when": thaidate.format_thai_datetime(report["generated_at"])},
    ]
    live = breakdown_live_words(report)
    return [*lines, live] if live else lines


def write_kpi_xlsx(target, report, *, scope_words=""):
    """The KPI report as an xlsx workbook to ``target`` (a path or a binary file): the district
    sheet (state, approval day, figures, the province total), then by occupation type and by
    target group."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "รายอำเภอ"
    headers = [
        "รหัสอำเภอ",
        "อำเภอ",
        "สถานะรายงาน",
        "วันที่อนุมัติ",
        *[header for _key, header, _fmt in KPI_COLUMNS],
    ]
    start = _heading(sheet, _about_lines(report, scope_words), len(headers))
    _header_row(sheet, start, headers, [9, 18, 16, 14, *[13] * len(KPI_COLUMNS)])
    sheet.freeze_panes = sheet.cell(row=start + 1, column=3)
    row_number = start
    for row in report["rows"]:
        row_number += 1
        sheet.cell(row=row_number, column=1, value=row["district_code"])
        sheet.cell(row=row_number, column=2, value=row["district_name"])
        sheet.cell(row=row_number, column=3, value=row["status_label"])
        _put(sheet, row_number, 4, row["approved_on"], EXCEL_BE_DATE)
        for offset, (key, _header, number_format) in enumerate(KPI_COLUMNS, start=5):
            figures = row["figures"]
            if figures is None:
                continue
            _put(sheet, row_number, offset, figures.get(key), number_format)
    totals = report["totals"]
    row_number += 1
    total_label = sheet.cell(
        row=row_number,
        column=2,
        value=_("รวมอำเภอที่อนุมัติแล้ว (%(n)d อำเภอ)") % {"n": len(report["approved"])},
    )
    total_label.font = Font(bold=True)
    if totals:
        for offset, (key, _header, number_format) in enumerate(KPI_COLUMNS, start=5):
            _put(sheet, row_number, offset, totals.get(key), number_format).font = Font(bold=True)
    _print_setup(sheet, title_rows=f"{start}:{start}")

    for title, key, first in (
        ("ตามประเภทอาชีพ", "occupation_types", "ประเภทอาชีพ"),
        ("ตามกลุ่มเป้าหมาย", "target_groups", "กลุ่มเป้าหมาย"),
    ):
        part = workbook.create_sheet(title)
        headers = [first, *[header for _k, header, _f in BREAKDOWN_COLUMNS]]
        if key == "occupation_types":
            headers.append("กลุ่มอาชีพ")
        lines = [*_about_lines(report, scope_words)]
        lines[0] = f"{KPI_TITLE} — {title}"
        start = _heading(part, lines, len(headers))
        _header_row(part, start, headers, [28, *[14] * (len(headers) - 1)])
        for index, item in enumerate(report[key], start=start + 1):
            part.cell(row=index, column=1, value=str(item["label"]))
            for offset, (name, _h, number_format) in enumerate(BREAKDOWN_COLUMNS, start=2):
                _put(part, index, offset, item.get(name), number_format)
            if key == "occupation_types":
                _put(part, index, len(headers), item.get("groups", 0), EXCEL_COUNT)
        _print_setup(part, title_rows=f"{start}:{start}")
    workbook.save(target)


def write_completeness_xlsx(target, rows, *, fiscal_year, deadline, generated_at):
    """The completeness page (``programs.completeness.district_rows``) as an xlsx workbook: one
    row per district, the state, the last step's day (a BE date cell), villages taking part and
    complete, the share, the days overdue."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("ความครบถ้วน")
    headers = [
        _("รหัสอำเภอ"),
        _("อำเภอ"),
        _("สถานะรายงาน"),
        _("ขั้นตอนล่าสุดเมื่อ"),
        _("หมู่บ้านที่ร่วมโครงการ"),
        _("หมู่บ้านที่ข้อมูลครบ"),
        _("สัดส่วนหมู่บ้านที่ข้อมูลครบ"),
        _("เลยกำหนด (วัน)"),
    ]
    lines = [
        _("ความครบถ้วนของรายงานประจำปีงบประมาณ %(year)d") % {"year": fiscal_year},
        settings.SAMMACHIP_OFFICE_NAME,
        _("กำหนดส่งรายงาน %(day)s") % {"day": thaidate.format_thai_date(deadline)}
        if deadline
        else _("ยังไม่ได้กำหนดวันส่งรายงานของปีนี้"),
        _("พิมพ์เมื่อ %(when)s") % {"when": thaidate.format_thai_datetime(generated_at)},
    ]
    start = _heading(sheet, lines, len(headers))
    _header_row(sheet, start, headers, [9, 18, 24, 14, 12, 12, 12, 10])
    sheet.freeze_panes = sheet.cell(row=start + 1, column=3)
    for row_number, row in enumerate(rows, start=start + 1):
        sheet.cell(row=row_number, column=1, value=row.district.code)
        sheet.cell(row=row_number, column=2, value=row.district.name_th)
        sheet.cell(row=row_number, column=3, value=str(row.status_label))
        day = timezone.localdate(row.last_step_at) if row.last_step_at else None
        _put(sheet, row_number, 4, day, EXCEL_BE_DATE)
        _put(sheet, row_number, 5, row.villages, EXCEL_COUNT)
        _put(sheet, row_number, 6, row.complete, EXCEL_COUNT)
        _put(sheet, row_number, 7, row.complete_share, EXCEL_PERCENT)
        _put(sheet, row_number, 8, row.days_overdue or None, EXCEL_COUNT)
    _print_setup(sheet, landscape=False, title_rows=f"{start}:{start}")
    workbook.save(target)


def filename(kind, *, fiscal_year, code=None, file_format="xlsx"):
    """``report-kpi-fy2569-4012.xlsx``: an ASCII name for downloads and the command."""
    parts = [f"report-{kind}", f"fy{fiscal_year}"]
    if code:
        parts.append(str(code))
    return "-".join(parts) + f".{file_format}"


def record(
    *,
    kind,
    fiscal_year,
    file_format,
    rows,
    user=None,
    source=None,
    district=None,
    village=None,
    remote_addr=None,
):
    """One ``ExportLog`` row for a report generated, like the household exports; the log shows
    ``filter_words`` (``record_words``: the report's title, scope and year in Thai)."""
    from programs.models import ExportLog

    filters = [f"report={kind}", f"fiscal_year={fiscal_year}"]
    if district:
        filters.append(f"district={district}")
    if village:
        filters.append(f"village={village}")
    scope = ""
    if user is not None and not getattr(user, "sees_all_districts", False):
        scope = ",".join(user.districts.order_by("code").values_list("code", flat=True))
    return ExportLog.objects.create(
        user=user,
        source=source or ExportLog.Source.COMMAND,
        file_format=file_format,
        filters="&".join(filters),
        districts=scope,
        row_count=rows,
        full_ids=False,
        remote_addr=remote_addr,
        filter_words=record_words(
            kind, fiscal_year=fiscal_year, district=district, village=village
        ),
    )


REPORT_TITLES = {
    "kpi": KPI_TITLE,
    "villages": VILLAGE_TITLE,
    "completeness": "ความครบถ้วนของรายงานประจำปีของอำเภอ",
}


def scope_words(district=None, village=None):
    """A report's scope in Thai (``District`` and ``Village`` instances): the village's heading,
    ``อำเภอพล``, or the province; the files, the print view, the job and the export log say it
    the same way."""
    if village is not None:
        return village_heading_of(village)
    if district is not None:
        return _("อำเภอ%(name)s") % {"name": district.name_th}
    return province_words()


def record_words(kind, *, fiscal_year, district=None, village=None):
    """What the export log says of a report: ``รายงานสารสนเทศ… · อำเภอพล · ปีงบประมาณ 2568``
    (``district`` and ``village`` are codes; one no longer known is named by its code)."""
    from villages.models import District, Village

    if village:
        found = Village.objects.select_related("subdistrict", "district").filter(code=village)
        found = found.first()
        scope = scope_words(village=found) if found else str(village)
    elif district:
        found = District.objects.filter(code=district).first()
        scope = scope_words(district=found) if found else str(district)
    else:
        scope = scope_words()
    title = REPORT_TITLES.get(kind, kind)
    return f"{_(title)} · {scope} · " + _("ปีงบประมาณ %(year)s") % {"year": fiscal_year}


def _taking_part(fiscal_year, districts, villages):
    from programs.models import Household, TrainerTeam

    households = Household.objects.filter(fiscal_year=fiscal_year)
    teams = TrainerTeam.objects.filter(fiscal_year=fiscal_year)
    if districts is not None:
        households = households.filter(district__in=list(districts))
        teams = teams.filter(district__in=list(districts))
    if villages is not None:
        households = households.filter(village__in=list(villages))
        teams = teams.filter(village__in=list(villages))
    return households, teams


def village_codes(*, fiscal_year, districts=None, villages=None):
    """The villages taking part in ``fiscal_year`` (households or a trainer team), of
    ``districts`` or ``villages``: the village report's sections, in two small queries (the
    report page counts them before deciding to make a PDF in the request or as a job)."""
    households, teams = _taking_part(fiscal_year, districts, villages)
    return set(households.order_by().values_list("village_id", flat=True).distinct()) | set(
        teams.order_by().values_list("village_id", flat=True).distinct()
    )


def village_report(*, fiscal_year, districts=None, villages=None):
    """The village information report of ``fiscal_year``: one section per village taking part
    that year (households or a trainer team), of ``districts`` (codes) or ``villages`` (primary
    keys) or the whole province, in code order. Each section: ``village``, ``district_name``,
    ``status_label`` and ``approved_on`` of its district's report (a village of a district not
    approved is marked so: its figures may still change), ``sages``, ``teams``, ``households``
    (masked ID, stage, incomes, group), ``sessions``, ``follow_ups``, ``groups``, ``products``.
    A fixed number of queries whatever the number of villages."""
    from django.db.models import Count, Prefetch, Q

    from programs.models import (
        DistrictReport,
        FollowUp,
        OccupationGroup,
        Product,
        Sage,
        TeamMember,
        TrainingSession,
    )
    from villages.models import Village

    households, teams = _taking_part(fiscal_year, districts, villages)
    codes = village_codes(fiscal_year=fiscal_year, districts=districts, villages=villages)
    reports = {r.district_id: r for r in DistrictReport.objects.filter(fiscal_year=fiscal_year)}
    sections = {}
    for village in (
        Village.objects.filter(pk__in=codes)
        .select_related("subdistrict", "district")
        .order_by("code")
    ):
        report = reports.get(village.district_id)
        status = report.status if report else DistrictReport.Status.OPEN
        approved = status == DistrictReport.Status.APPROVED
        sections[village.pk] = {
            "village": village,
            "village_name": str(village.name_th),
            "moo": village.moo,
            "subdistrict_name": village.subdistrict.name_th,
            "district_name": village.district.name_th,
            "status_label": str(DistrictReport.Status(status).label),
            "approved_on": report.approved_on if approved else None,
            "sages": [],
            "teams": [],
            "households": [],
            "sessions": [],
            "follow_ups": [],
            "groups": [],
            "products": [],
        }
    for sage in Sage.objects.filter(village__in=codes).order_by("first_name", "pk"):
        sections[sage.village_id]["sages"].append({"name": sage.full_name})
    for team in (
        teams.filter(village__in=codes)
        .select_related("sage", "occupation")
        .prefetch_related(Prefetch("members", TeamMember.objects.order_by("pk")))
        .order_by("pk")
    ):
        sections[team.village_id]["teams"].append(
            {
                "occupation": team.occupation.name,
                "sage": team.sage.full_name,
                "members": [f"{m.full_name} ({m.get_role_display()})" for m in team.members.all()],
            }
        )
    for session in (
        TrainingSession.objects.filter(team__in=teams.filter(village__in=codes))
        .select_related("team__occupation")
        .annotate(attendee_count=Count("attendees"))
        .order_by("start_date", "pk")
    ):
        sections[session.team.village_id]["sessions"].append(
            {
                "occupation": session.team.occupation.name,
                "start_date": session.start_date,
                "end_date": session.end_date,
                "place": session.get_place_display(),
                "attendees": session.attendee_count,
            }
        )
    for household in (
        households.filter(village__in=codes)
        .select_related("occupation", "group")
        .order_by("first_name", "last_name", "pk")
    ):
        sections[household.village_id]["households"].append(
            {
                "name": household.full_name,
                "house_no": household.house_no,
                "citizen_id": household.citizen_id_masked,
                "occupation": household.occupation.name if household.occupation else "",
                "stage": household.get_status_display(),
                "income_before": household.income_before,
                "income_after": household.income_after,
                "group": household.group.name if household.group else "",
            }
        )
    for follow_up in (
        FollowUp.objects.filter(household__in=households.filter(village__in=codes))
        .select_related("household")
        .order_by("visited_on", "pk")
    ):
        sections[follow_up.household.village_id]["follow_ups"].append(
            {
                "household": follow_up.household.full_name,
                "visited_on": follow_up.visited_on,
                "practising": _("ยังประกอบอาชีพ") if follow_up.practising else _("เลิกประกอบอาชีพ"),
                "monthly_income": follow_up.monthly_income,
            }
        )
    for group in (
        OccupationGroup.objects.filter(village__in=codes)
        .select_related("occupation")
        .annotate(member_count=Count("members", filter=Q(members__fiscal_year=fiscal_year)))
        .order_by("name")
    ):
        sections[group.village_id]["groups"].append(
            {
                "name": group.name,
                "occupation": group.occupation.name,
                "founded_on": group.founded_on,
                "members": group.member_count,
            }
        )
    for product in Product.objects.filter(village__in=codes).order_by("name"):
        sections[product.village_id]["products"].append(
            {
                "name": product.name,
                "category": product.get_category_display(),
                "stars": product.stars,
            }
        )
    return {
        "fiscal_year": fiscal_year,
        "district_report": _single_report(reports, districts),
        "villages": list(sections.values()),
        "generated_at": timezone.now(),
    }


# The tables of a village section: (key, Thai title, [(field, header, format, width)]).
VILLAGE_TABLES = [
    ("sages", "ปราชญ์ชุมชน", [("name", "ชื่อ-สกุล", None, 30)]),
    (
        "teams",
        "ทีมวิทยากรสัมมาชีพ",
        [
            ("occupation", "อาชีพที่ฝึก", None, 22),
            ("sage", "ปราชญ์", None, 24),
            ("members", "สมาชิกทีม", None, 60),
        ],
    ),
    (
        "households",
        "ครัวเรือนเป้าหมาย",
        [
            ("name", "ชื่อ-สกุล", None, 26),
            ("house_no", "บ้านเลขที่", None, 10),
            ("citizen_id", "เลขประจำตัวประชาชน (ปิดบางส่วน)", None, 20),
            ("occupation", "อาชีพ", None, 18),
            ("stage", "สถานะ", None, 16),
            ("income_before", "รายได้ก่อน (บาท/เดือน)", EXCEL_MONEY, 14),
            ("income_after", "รายได้หลัง (บาท/เดือน)", EXCEL_MONEY, 14),
            ("group", "กลุ่มอาชีพ", None, 20),
        ],
    ),
    (
        "sessions",
        "การฝึกอบรม",
        [
            ("occupation", "อาชีพ", None, 20),
            ("start_date", "วันเริ่ม", EXCEL_BE_DATE, 14),
            ("end_date", "วันสิ้นสุด", EXCEL_BE_DATE, 14),
            ("place", "สถานที่", None, 18),
            ("attendees", "ผู้เข้าอบรม", EXCEL_COUNT, 10),
        ],
    ),
    (
        "follow_ups",
        "การติดตามผล",
        [
            ("household", "ครัวเรือน", None, 26),
            ("visited_on", "วันที่ติดตาม", EXCEL_BE_DATE, 14),
            ("practising", "ผลการติดตาม", None, 16),
            ("monthly_income", "รายได้ต่อเดือน (บาท)", EXCEL_MONEY, 14),
        ],
    ),
    (
        "groups",
        "กลุ่มอาชีพ",
        [
            ("name", "ชื่อกลุ่ม", None, 26),
            ("occupation", "อาชีพ", None, 18),
            ("founded_on", "วันที่ก่อตั้ง", EXCEL_BE_DATE, 14),
            ("members", "สมาชิก (ครัวเรือนปีนี้)", EXCEL_COUNT, 12),
        ],
    ),
    (
        "products",
        "ผลิตภัณฑ์",
        [
            ("name", "ชื่อผลิตภัณฑ์", None, 26),
            ("category", "ประเภท OTOP", None, 18),
            ("stars", "ระดับดาว", EXCEL_COUNT, 10),
        ],
    ),
]


def village_heading(section):
    return _("หมู่ที่ %(moo)s บ้าน%(name)s ตำบล%(sub)s อำเภอ%(district)s") % {
        "moo": section["moo"],
        "name": section["village_name"].removeprefix("บ้าน"),
        "sub": section["subdistrict_name"],
        "district": section["district_name"],
    }


def _cell_value(value):
    if isinstance(value, list):
        return ", ".join(value)
    return value


def write_village_xlsx(target, report):
    """The village report as xlsx: one sheet per village (named by its code), each with the
    village's heading and its tables one below the other, A4 landscape, fitted to the page
    width."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    if not report["villages"]:
        sheet = workbook.create_sheet("ไม่มีข้อมูล")
        sheet["A1"] = VILLAGE_TITLE
        sheet["A2"] = _("ไม่มีหมู่บ้านที่มีข้อมูลในปีงบประมาณ %(year)s") % {"year": report["fiscal_year"]}
    for section in report["villages"]:
        sheet = workbook.create_sheet(section["village"].code)
        state = section["status_label"]
        if section["approved_on"]:
            state += " " + thaidate.format_thai_date(section["approved_on"])
        row = _heading(
            sheet,
            [
                VILLAGE_TITLE,
                village_heading(section),
                _("ปีงบประมาณ %(year)s · สถานะรายงานของอำเภอ: %(state)s")
                % {"year": report["fiscal_year"], "state": state},
                settings.SAMMACHIP_OFFICE_NAME,
            ],
            8,
        )
        widths = {}
        for key, title, columns in VILLAGE_TABLES:
            sheet.cell(row=row, column=1, value=title).font = Font(bold=True, size=12)
            row += 1
            _header_row(sheet, row, [header for _f, header, _fmt, _w in columns])
            sheet.row_dimensions[row].height = 32
            for index, (_f, _h, _fmt, width) in enumerate(columns, start=1):
                widths[index] = max(widths.get(index, 0), width)
            items = section[key]
            if not items:
                row += 1
                sheet.cell(row=row, column=1, value=_("— ไม่มี —"))
            for item in items:
                row += 1
                for index, (field, _h, number_format, _w) in enumerate(columns, start=1):
                    _put(sheet, row, index, _cell_value(item[field]), number_format)
            row += 2
        for index, width in widths.items():
            sheet.column_dimensions[get_column_letter(index)].width = width
        _print_setup(sheet, landscape=True)
    workbook.save(target)


def village_heading_of(village):
    """``village_heading`` of a ``Village`` (its subdistrict and district read)."""
    return village_heading(
        {
            "moo": village.moo,
            "village_name": village.name_th,
            "subdistrict_name": village.subdistrict.name_th,
            "district_name": village.district.name_th,
        }
    )


def _single_report(reports, districts):
    """The ``DistrictReport`` of a report of one district (its signature blocks), else None."""
    if districts is None or len(list(districts)) != 1:
        return None
    report = reports.get(next(iter(districts)))
    if report is None:
        return None
    from programs.models import DistrictReport

    return (
        DistrictReport.objects.select_related("submitted_by", "approved_by")
        .filter(pk=report.pk)
        .first()
    )


def province_words():
    """``จังหวัดขอนแก่น``: from the office's name (``SAMMACHIP_OFFICE_NAME``)."""
    name = settings.SAMMACHIP_OFFICE_NAME
    prefix = "สำนักงานพัฒนาชุมชน"
    return name.removeprefix(prefix) if name.startswith(prefix + "จังหวัด") else name
