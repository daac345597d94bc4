"""Reports in the department's shapes (issue 16), from approved data only.

* ``kpi_report`` — รายงานผลการดำเนินงานโครงการสร้างสัมมาชีพชุมชน: one row per district of the
  province with its report state and approval day; the figures of an **approved** district are
  its ``DistrictReport.snapshot`` (the KPI row of ``programs.kpis.district_kpis`` stored at
  approval), a district not approved is listed with its state and no figures. The province
  total is ``kpi_totals`` over the approved snapshots. The breakdowns by occupation type and
  by target group (not in the snapshot) are ``kpi_breakdown`` over the approved districts'
  households: locked since the approval, except follow-ups dated after the approval day (see
  docs/reporting.md).
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

    queryset = District.objects.filter(province_id=settings.SAMMACHIP_PROVINCE_CODE)
    if districts is not None:
        queryset = queryset.filter(code__in=list(districts))
    return list(queryset.order_by("code").values_list("code", "name_th"))


def kpi_report(*, fiscal_year, districts=None):
    """The KPI report of ``fiscal_year`` (BE) over the province's districts (or ``districts``,
    codes): ``{"fiscal_year", "rows", "totals", "approved", "occupation_types",
    "target_groups", "generated_at"}``. Each row: ``district_code``, ``district_name``,
    ``status`` (value), ``status_label`` (Thai), ``approved_on`` (a date or None) and
    ``figures`` (the snapshot's KPI row, None unless approved)."""
    from programs.kpis import kpi_breakdown, kpi_totals
    from programs.models import DistrictReport, Household

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
                "approved_on": report.approved_on if figures is not None else None,
                "figures": figures,
            }
        )
    with_figures = [row["figures"] for row in rows if row["figures"]]
    totals = kpi_totals(with_figures) if with_figures else None
    breakdown = {"occupation_types": [], "target_groups": []}
    if approved:
        breakdown = kpi_breakdown(
            fiscal_year=fiscal_year,
            households=Household.objects.filter(district__in=approved),
        )
    return {
        "fiscal_year": fiscal_year,
        "rows": rows,
        "totals": totals,
        "approved": approved,
        **breakdown,
        "generated_at": timezone.now(),
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


def _about_lines(report, scope_words):
    return [
        KPI_TITLE,
        _("ปีงบประมาณ %(year)s %(scope)s") % {"year": report["fiscal_year"], "scope": scope_words},
        settings.SAMMACHIP_OFFICE_NAME,
        _("ข้อมูลเฉพาะอำเภอที่จังหวัดอนุมัติแล้ว พิมพ์เมื่อ %(when)s")
        % {"when": thaidate.format_thai_datetime(report["generated_at"])},
    ]


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
    """One ``ExportLog`` row for a report generated, like the household exports."""
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
    )
