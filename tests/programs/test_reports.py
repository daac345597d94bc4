"""The reports in the department's shapes (``programs.reports``): approved data only, the
figures equal to ``district_kpis`` for the same data, xlsx with real cells."""

import datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from programs import reporting, reports
from programs.kpis import district_kpis
from programs.models import DistrictReport, ExportLog
from tests.programs.test_reporting import make_reportable

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(programme, phon_officer, province_staff):
    """อ.พล's FY 2568 submitted and approved through the service; อ.เมือง left open."""
    make_reportable(programme)
    reporting.report_submit(district="4012", fiscal_year=2568, user=phon_officer)
    reporting.report_approve(district="4012", fiscal_year=2568, user=province_staff)
    return programme


def test_kpi_report_figures_equal_district_kpis(approved):
    expected = district_kpis(fiscal_year=2568, districts=["4012"])[0]
    report = reports.kpi_report(fiscal_year=2568)
    rows = {row["district_code"]: row for row in report["rows"]}
    phon = rows["4012"]
    assert phon["status"] == DistrictReport.Status.APPROVED
    assert phon["approved_on"] == DistrictReport.objects.get(district="4012").approved_on
    for key, _header, _format in reports.KPI_COLUMNS:
        assert phon["figures"][key] == expected[key], key
    assert report["totals"]["households"] == expected["households"]
    assert report["totals"]["practising_share"] == expected["practising_share"]


def test_kpi_report_lists_districts_not_approved_without_figures(approved):
    report = reports.kpi_report(fiscal_year=2568)
    rows = {row["district_code"]: row for row in report["rows"]}
    muang = rows["4001"]
    assert muang["status"] == DistrictReport.Status.OPEN
    assert muang["figures"] is None and muang["approved_on"] is None
    assert report["approved"] == ["4012"]
    # The breakdowns count the approved district's household only (อ.เมือง has one too).
    assert sum(row["households"] for row in report["target_groups"]) == 1
    assert sum(row["households"] for row in report["occupation_types"]) == 1


def test_kpi_report_shows_the_snapshot_not_the_live_data(approved):
    from programs.models import Household

    approved_figures = district_kpis(fiscal_year=2568, districts=["4012"])[0]
    # A derived column passes the lock (follow-ups after the approval day move it); the
    # report still shows what was approved.
    Household.objects.filter(district="4012").update(income_after=Decimal("9999"))
    live = district_kpis(fiscal_year=2568, districts=["4012"])[0]
    report = reports.kpi_report(fiscal_year=2568, districts=["4012"])
    shown = report["rows"][0]["figures"]["mean_income_after"]
    assert shown == approved_figures["mean_income_after"]
    assert live["mean_income_after"] == Decimal("9999") != shown


# ---- the breakdowns come from the approval snapshots ----------------------------------------

FIGURE_KEYS = (
    "households",
    "trained",
    "practising",
    "dropped",
    "households_with_income",
    "mean_income_before",
    "mean_income_after",
    "practising_share",
    "income_change",
    "practising_met",
    "income_met",
)


def _shown(breakdown):
    """A breakdown's rows as comparable tuples: key, label, the figures (and the groups)."""
    shown = {}
    for part in ("occupation_types", "target_groups"):
        shown[part] = [
            (
                row["key"],
                str(row["label"]),
                *[row[key] for key in FIGURE_KEYS],
                *([row["groups"]] if part == "occupation_types" else []),
            )
            for row in breakdown[part]
        ]
    return shown


@pytest.fixture
def both_approved(programme, phon_officer, muang_officer, province_staff):
    """อ.พล and อ.เมือง both reportable and approved through the service: one occupation type
    (the same occupation), a group in each district, the households in two target groups and
    with different incomes (2,000 → 2,100 and 1,000 → 1,500: the ratio of the sums, +20 %, is
    not the mean of the ratios, +27.5 %)."""
    import datetime as dt

    from programs.models import FollowUp, Household, Occupation, OccupationType
    from tests.programs.factories import make_group, make_session

    make_reportable(programme)
    muang = programme["muang"]
    Household.objects.filter(pk=muang["household"].pk).update(
        income_before=1000, target_group=Household.TargetGroup.ELDERLY
    )
    make_session(team=muang["team"], attendees=[muang["household"]])
    FollowUp.objects.create(
        household=muang["household"],
        visited_on=dt.date(2025, 3, 1),
        practising=True,
        monthly_income=1500,
    )
    craft = OccupationType.objects.create(name="หัตถกรรมทดสอบ", order=0)
    Occupation.objects.filter(pk=muang["team"].occupation_id).update(type=craft)
    for key in ("phon", "muang"):
        household = Household.objects.get(pk=programme[key]["household"].pk)
        household.occupation_id = muang["team"].occupation_id
        # A group's members are of its own district (a database guard on PostgreSQL).
        household.group = make_group(
            village=programme[key]["village"], occupation=muang["team"].occupation
        )
        household.save()
    for code, officer in (("4012", phon_officer), ("4001", muang_officer)):
        reporting.report_submit(district=code, fiscal_year=2568, user=officer)
        reporting.report_approve(district=code, fiscal_year=2568, user=province_staff)
    programme["craft"] = craft
    return programme


def _both_live():
    from programs.kpis import kpi_breakdown
    from programs.models import Household

    return kpi_breakdown(
        fiscal_year=2568, households=Household.objects.filter(district__in=["4001", "4012"])
    )


def _move_the_live_data(programme):
    """What may still happen after an approval: a derived column moves, and a follow-up dated
    after the approval day (the day set back into the year's follow-up window) drops a
    household."""
    import datetime as dt

    from programs.models import FollowUp, Household

    DistrictReport.objects.update(approved_on=dt.date(2025, 10, 15))
    Household.objects.filter(pk=programme["muang"]["household"].pk).update(
        income_after=Decimal("9999")
    )
    FollowUp.objects.create(
        household=programme["phon"]["household"],
        visited_on=dt.date(2025, 11, 1),
        practising=False,
        stopped_reason="ย้ายไปทำงานในเมือง",
    )


def test_combined_breakdown_equals_kpi_breakdown_at_approval(
    both_approved, django_assert_num_queries
):
    at_approval = _both_live()
    _move_the_live_data(both_approved)
    assert _shown(_both_live()) != _shown(at_approval)  # the records moved
    # The reports, the districts, the occupation types' order: no household is read.
    with django_assert_num_queries(3):
        report = reports.kpi_report(fiscal_year=2568)
    assert report["approved"] == ["4001", "4012"] and report["breakdown_live"] == []
    assert _shown(report) == _shown(at_approval)
    (craft,) = report["occupation_types"]
    assert craft["label"] == "หัตถกรรมทดสอบ" and craft["households"] == 2
    assert craft["income_change"] == Decimal("0.2")  # (3,600 − 3,000) / 3,000: from the sums
    assert craft["groups"] == 2  # one group in each district
    assert [row["key"] for row in report["target_groups"]] == ["elderly", ""]
    # The breakdown agrees with the district rows' total (the same approved data).
    assert craft["mean_income_after"] == report["totals"]["mean_income_after"]
    assert craft["practising_share"] == report["totals"]["practising_share"]


def test_one_district_breakdown_is_its_snapshot(both_approved):
    snapshot = DistrictReport.objects.get(district="4001").snapshot["breakdown"]
    _move_the_live_data(both_approved)
    report = reports.kpi_report(fiscal_year=2568, districts=["4001"])
    (craft,) = report["occupation_types"]
    stored = snapshot["occupation_types"][0]
    assert craft["mean_income_after"] == Decimal("1500") == Decimal(stored["mean_income_after"])
    assert craft["income_change"] == Decimal("0.5")
    assert isinstance(craft["practising_share"], Decimal)  # a real number cell in the xlsx
    assert [row["key"] for row in report["target_groups"]] == ["elderly"]


def test_breakdown_xlsx_sheets_show_the_snapshot(both_approved, tmp_path):
    _move_the_live_data(both_approved)
    report = reports.kpi_report(fiscal_year=2568)
    path = tmp_path / "kpi.xlsx"
    reports.write_kpi_xlsx(path, report)
    sheet = load_workbook(path)["ตามประเภทอาชีพ"]
    craft = next(row for row in sheet.iter_rows() if row[0].value == "หัตถกรรมทดสอบ")
    assert [cell.value for cell in craft[1:4]] == [2, 2, 2]  # households, trained, practising
    assert craft[6].value == 1800.0 and craft[6].data_type == "n"  # mean income after
    assert craft[7].value == pytest.approx(0.2)


def test_snapshot_rows_stored_without_sums_are_added_from_their_means(both_approved):
    at_approval = _both_live()
    for report in DistrictReport.objects.all():
        for part in ("occupation_types", "target_groups"):
            for row in report.snapshot["breakdown"][part]:
                row.pop("sums")
        DistrictReport.objects.filter(pk=report.pk).update(snapshot=report.snapshot)
    _move_the_live_data(both_approved)
    report = reports.kpi_report(fiscal_year=2568)
    assert _shown(report) == _shown(at_approval)


def test_a_snapshot_without_a_breakdown_is_read_live(both_approved, tmp_path):
    """Approved before snapshots stored breakdowns: that district's breakdown comes from its
    records (locked since the approval), the others' from their snapshots."""
    report = DistrictReport.objects.get(district="4001")
    del report.snapshot["breakdown"]
    DistrictReport.objects.filter(pk=report.pk).update(snapshot=report.snapshot)
    at_approval = _both_live()
    combined = reports.kpi_report(fiscal_year=2568)
    assert combined["breakdown_live"] == ["4001"]
    assert _shown(combined) == _shown(at_approval)
    alone = reports.kpi_report(fiscal_year=2568, districts=["4001"])
    assert alone["breakdown_live"] == ["4001"]
    assert alone["occupation_types"][0]["mean_income_after"] == Decimal("1500")
    words = reports.breakdown_live_words(combined)
    assert words.startswith("ตัวเลขจำแนกตามประเภทอาชีพและกลุ่มเป้าหมายของอำเภอเมืองขอนแก่น เป็นข้อมูลปัจจุบัน")
    assert (
        reports.breakdown_live_words(reports.kpi_report(fiscal_year=2568, districts=["4012"])) == ""
    )
    from programs import report_pdf

    context = report_pdf.print_context("kpi", combined, scope_words="")
    assert context["breakdown_live_words"] == words
    path = tmp_path / "kpi.xlsx"
    reports.write_kpi_xlsx(path, combined, scope_words="")
    cells = [cell.value for row in load_workbook(path)["รายอำเภอ"].iter_rows() for cell in row]
    assert words in cells


def test_kpi_xlsx_has_real_cells_be_dates_and_a4(approved, tmp_path):
    report = reports.kpi_report(fiscal_year=2568)
    path = tmp_path / "kpi.xlsx"
    reports.write_kpi_xlsx(path, report, scope_words="จังหวัดขอนแก่น")
    book = load_workbook(path)
    sheet = book["รายอำเภอ"]
    assert sheet["A1"].value == reports.KPI_TITLE
    header = next(
        row for row in sheet.iter_rows(min_row=1, max_row=10) if row[0].value == "รหัสอำเภอ"
    )
    headers = [cell.value for cell in header]
    assert headers[3] == "วันที่อนุมัติ"
    phon = next(row for row in sheet.iter_rows() if row[0].value == "4012")
    approved_on = DistrictReport.objects.get(district="4012").approved_on
    assert phon[3].value == datetime.datetime.combine(approved_on, datetime.time())
    assert phon[3].number_format == reports.EXCEL_BE_DATE
    households = phon[headers.index("ครัวเรือนเป้าหมาย")]
    assert households.value == 1 and households.data_type == "n"
    share = phon[headers.index("ตัวชี้วัด 1: ร้อยละที่ประกอบอาชีพ")]
    assert share.value == 1.0 and share.number_format == reports.EXCEL_PERCENT
    muang = next(row for row in sheet.iter_rows() if row[0].value == "4001")
    assert muang[2].value == "เปิดบันทึกข้อมูล"
    assert all(cell.value is None for cell in muang[3:])
    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.page_setup.orientation == "landscape"
    assert set(book.sheetnames) == {"รายอำเภอ", "ตามประเภทอาชีพ", "ตามกลุ่มเป้าหมาย"}


def test_the_export_log_names_a_report_in_thai(province_staff, geography, province_client):
    reports.record(kind="kpi", fiscal_year=2568, file_format="xlsx", rows=26, user=province_staff)
    log = ExportLog.objects.get()
    assert log.filter_words == f"{reports.KPI_TITLE} · จังหวัดขอนแก่น · ปีงบประมาณ 2568"
    page = province_client.get(f"/admin/programs/exportlog/{log.pk}/change/").content.decode()
    assert reports.KPI_TITLE in page and "report=kpi" not in page


def test_record_writes_the_export_log(province_staff):
    reports.record(kind="kpi", fiscal_year=2568, file_format="xlsx", rows=26, user=province_staff)
    log = ExportLog.objects.get()
    assert log.filters == "report=kpi&fiscal_year=2568"
    assert log.row_count == 26 and not log.full_ids


def test_village_report_sections(approved):
    from programs.models import Household

    report = reports.village_report(fiscal_year=2568, districts=["4012"])
    assert [s["village"].code for s in report["villages"]] == [approved["phon"]["village"].code]
    section = report["villages"][0]
    assert section["status_label"] == "อนุมัติแล้ว" and section["approved_on"] is not None
    assert section["sages"] == [{"name": approved["phon"]["sage"].full_name}]
    assert section["teams"][0]["sage"] == approved["phon"]["sage"].full_name
    household = Household.objects.get(pk=approved["phon"]["household"].pk)
    row = section["households"][0]
    assert row["citizen_id"] == household.citizen_id_masked
    assert "xxxxx" in row["citizen_id"] and household.citizen_id not in str(report)
    assert row["income_before"] == Decimal("2000")
    assert len(section["sessions"]) == 1 and section["sessions"][0]["attendees"] == 1
    assert section["follow_ups"][0]["monthly_income"] == Decimal("2100")


def test_village_report_marks_a_district_not_approved(approved):
    report = reports.village_report(fiscal_year=2568, districts=["4001"])
    assert report["villages"][0]["status_label"] == "เปิดบันทึกข้อมูล"
    assert report["villages"][0]["approved_on"] is None


def test_village_xlsx_one_sheet_per_village(approved, tmp_path):
    report = reports.village_report(fiscal_year=2568)
    path = tmp_path / "villages.xlsx"
    reports.write_village_xlsx(path, report)
    book = load_workbook(path)
    codes = [s["village"].code for s in report["villages"]]
    assert book.sheetnames == codes and len(codes) == 2
    sheet = book[approved["phon"]["village"].code]
    assert sheet["A1"].value == reports.VILLAGE_TITLE
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row if cell.value}
    assert "ครัวเรือนเป้าหมาย" in cells and "การติดตามผล" in cells
    masked = next(v for v in cells if isinstance(v, str) and "xxxxx" in v)
    assert masked.count("x") == 7
    income = next(cell for row in sheet.iter_rows() for cell in row if cell.value == 2000)
    assert income.number_format == "#,##0.00"
    visited = next(
        cell
        for row in sheet.iter_rows()
        for cell in row
        if cell.value == datetime.datetime(2025, 3, 1)
    )
    assert visited.number_format == reports.EXCEL_BE_DATE


def test_command_writes_the_kpi_report_and_records_it(approved, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "kpi.xlsx"
    call_command(
        "programme_report", "--fiscal-year", "2568", "--format", "xlsx", "--output", str(path)
    )
    sheet = load_workbook(path)["รายอำเภอ"]
    phon = next(row for row in sheet.iter_rows() if row[0].value == "4012")
    assert phon[4].value == 1  # households, from the snapshot
    log = ExportLog.objects.get()
    assert log.source == ExportLog.Source.COMMAND
    assert log.filters == "report=kpi&fiscal_year=2568" and log.file_format == "xlsx"


def test_command_village_report_of_one_village(approved, tmp_path):
    from django.core.management import call_command

    code = approved["phon"]["village"].code
    path = tmp_path / "village.xlsx"
    call_command(
        "programme_report",
        "--fiscal-year=2568",
        f"--village={code}",
        "--format=xlsx",
        f"--output={path}",
    )
    assert load_workbook(path).sheetnames == [code]
    assert ExportLog.objects.get().filters == f"report=villages&fiscal_year=2568&village={code}"


def test_command_refuses_a_ce_year_and_an_unknown_district(geography, tmp_path):
    from django.core.management import CommandError, call_command

    out = str(tmp_path / "x.xlsx")
    with pytest.raises(CommandError, match="2568"):
        call_command("programme_report", "--fiscal-year=2025", "--format=xlsx", f"--output={out}")
    with pytest.raises(CommandError, match="ไม่พบอำเภอรหัส 9999"):
        call_command(
            "programme_report",
            "--fiscal-year=2568",
            "--district=9999",
            "--format=xlsx",
            f"--output={out}",
        )
    assert not ExportLog.objects.exists()


def test_command_pdf_without_weasyprint_says_so_in_thai(geography, tmp_path, monkeypatch):
    from django.core.management import CommandError, call_command

    from programs import report_pdf

    monkeypatch.setattr(report_pdf, "available", lambda: False)
    out = tmp_path / "x.pdf"
    with pytest.raises(CommandError, match="ยังไม่ได้ตั้งค่าการสร้างไฟล์ PDF"):
        call_command("programme_report", "--fiscal-year=2568", "--format=pdf", f"--output={out}")
    assert not out.exists() and not ExportLog.objects.exists()


FILES = "/admin/programs/districtreport/files/"


def test_report_page_lists_districts_with_links(approved, province_client):
    response = province_client.get(FILES + "?year=2568")
    assert response.status_code == 200
    text = response.content.decode()
    assert "รายงานประจำปีงบประมาณ 2568" in text
    assert "files/kpi/xlsx/?year=2568&amp;district=4012" in text
    assert "files/kpi/print/?year=2568" in text
    assert "อนุมัติแล้ว" in text
    assert "<style" not in text and 'style="' not in text  # CSP: no inline style


def test_officer_sees_only_their_districts(approved, phon_client):
    text = phon_client.get(FILES + "?year=2568").content.decode()
    assert "district=4012" in text and "district=4001" not in text
    assert phon_client.get(FILES + "kpi/xlsx/?year=2568").status_code == 403  # the province
    assert phon_client.get(FILES + "kpi/xlsx/?year=2568&district=4001").status_code == 403
    assert phon_client.get(FILES + "villages/print/?year=2568&district=4001").status_code == 403
    assert not ExportLog.objects.exists()


def test_xlsx_download_is_recorded(approved, phon_client, tmp_path):
    response = phon_client.get(FILES + "kpi/xlsx/?year=2568&district=4012")
    assert response.status_code == 200
    assert "report-kpi-fy2568-4012.xlsx" in response["Content-Disposition"]
    path = tmp_path / "kpi.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    sheet = load_workbook(path)["รายอำเภอ"]
    assert next(row for row in sheet.iter_rows() if row[0].value == "4012")[4].value == 1
    log = ExportLog.objects.get()
    assert log.source == ExportLog.Source.ADMIN and log.user.username == "phon"
    assert log.filters == "report=kpi&fiscal_year=2568&district=4012"


def test_print_views(approved, province_client):
    response = province_client.get(FILES + "kpi/print/?year=2568")
    text = response.content.decode()
    assert response.status_code == 200
    assert reports.KPI_TITLE in text and "สำนักงานพัฒนาชุมชนจังหวัดขอนแก่น" in text
    assert "100.0%" in text  # อ.พล's share practising, from the snapshot
    assert "report-print.css" in text and "<style" not in text and "<script" not in text
    assert "พิมพ์เมื่อ" in text and " 25" in text  # the print date in BE
    response = province_client.get(FILES + "villages/print/?year=2568&district=4012")
    text = response.content.decode()
    assert reports.VILLAGE_TITLE in text, text
    assert "xxxxx" in text, text[text.find("ครัวเรือนเป้าหมาย") :][:1500]
    assert "2,000.00" in text
    assert approved["phon"]["household"].citizen_id not in text
    assert ExportLog.objects.filter(file_format="html").count() == 2


def flat(text):
    """Text comparable with what pdftotext extracts from Sarabun: ำ is drawn as the glyphs of ํ
    and า (it reads ํา, ``report_pdf._name_glyphs``), and marks come out of order, so spaces
    and marks are dropped and ำ read as า on both sides."""
    import unicodedata

    text = text.replace("ำ", "า")
    return "".join(c for c in text if not c.isspace() and unicodedata.category(c) != "Mn")


pdf_ready = pytest.mark.skipif(
    not __import__("programs.report_pdf").report_pdf.available(),
    reason="WeasyPrint or Pango not installed",
)


@pdf_ready
def test_kpi_pdf_text(approved, tmp_path, province_staff):
    import shutil
    import subprocess

    from django.core.management import call_command

    province_staff.first_name, province_staff.last_name = "สมศรี", "ตรวจดี"
    province_staff.position = "นักวิชาการพัฒนาชุมชนชำนาญการ"
    province_staff.save()
    path = tmp_path / "kpi.pdf"
    call_command(
        "programme_report",
        "--fiscal-year=2568",
        "--district=4012",
        "--format=pdf",
        f"--output={path}",
    )
    assert path.read_bytes()[:5] == b"%PDF-"
    assert ExportLog.objects.get().file_format == "pdf"
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) not installed")
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    text = flat(text)
    for expected in (
        reports.KPI_TITLE,
        "สำนักงานพัฒนาชุมชนจังหวัดขอนแก่น",
        "อนุมัติแล้ว",
        "100.0%",
        "ผู้รายงาน",
        "ผู้ตรวจสอบ",
        "ผู้อนุมัติ",
        "สมศรี ตรวจดี",
        "นักวิชาการพัฒนาชุมชนชำนาญการ",
        "หน้า 1 / 1",
    ):
        assert flat(expected) in text, expected
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    assert "Sarabun" in fonts


@pdf_ready
def test_pdf_text_copies_out_as_it_prints(approved, tmp_path):
    """า reads า (not ำ, as WeasyPrint named it once ำ had been drawn); ำ reads ํา."""
    import shutil
    import subprocess

    from programs import report_pdf

    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) not installed")
    path = tmp_path / "kpi.pdf"
    report_pdf.write_pdf(path, "kpi", reports.kpi_report(fiscal_year=2568), scope_words="")
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "หน้ำ" not in text and "หน้า 1 / " in text
    text = text.replace("\u0e4d\u0e32", "\u0e33")
    assert "สำนักงานพัฒนาชุมชนจังหวัดขอนแก่น" in text
    assert "รายงานผลการดำเนินงานโครงการสร้างสัมมาชีพชุมชน" in text


@pdf_ready
def test_village_pdf_masks_ids(approved, tmp_path):
    import shutil
    import subprocess

    from django.core.management import call_command

    path = tmp_path / "villages.pdf"
    call_command(
        "programme_report",
        "--fiscal-year=2568",
        "--district=4012",
        "--report=villages",
        "--format=pdf",
        f"--output={path}",
    )
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) not installed")
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert flat(reports.VILLAGE_TITLE) in flat(text) and "xxxxx" in text
    assert approved["phon"]["household"].citizen_id not in text.replace("-", "")


def test_report_page_without_pdf_says_so(approved, province_client, monkeypatch):
    from programs import report_pdf

    monkeypatch.setattr(report_pdf, "available", lambda: False)
    text = province_client.get(FILES + "?year=2568").content.decode()
    assert "ยังไม่ได้ตั้งค่าการสร้างไฟล์ PDF" in text and "/pdf/" not in text
    assert province_client.get(FILES + "kpi/pdf/?year=2568").status_code == 404


@pdf_ready
def test_pdf_download(approved, phon_client):
    text = phon_client.get(FILES + "?year=2568").content.decode()
    assert "files/kpi/pdf/?year=2568&amp;district=4012" in text
    assert "ยังไม่ได้ตั้งค่าการสร้างไฟล์ PDF" not in text
    response = phon_client.get(FILES + "villages/pdf/?year=2568&district=4012")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:5] == b"%PDF-"
    assert ExportLog.objects.get().filters == "report=villages&fiscal_year=2568&district=4012"


def test_a_village_pdf_too_big_for_a_request_says_what_will_happen(
    approved, phon_client, monkeypatch, settings
):
    """More villages than ``SAMMACHIP_REPORT_PDF_MAX_VILLAGES`` in one village-report PDF: a
    GET renders nothing and starts nothing; the page says how many villages, that the file is
    made in the background, and offers the xlsx at once."""
    from programs import report_pdf
    from sammachip.jobs.models import Job

    monkeypatch.setattr(report_pdf, "available", lambda: True)
    monkeypatch.setattr(report_pdf, "write_village_pdf", lambda *a, **k: pytest.fail("rendered"))
    monkeypatch.setattr(reports, "village_report", lambda **k: pytest.fail("built"))  # counted
    settings.SAMMACHIP_REPORT_PDF_MAX_VILLAGES = 0
    response = phon_client.get(FILES + "villages/pdf/?year=2568&district=4012")
    assert response.status_code == 200
    text = response.content.decode()
    assert "มี 1 หมู่บ้าน" in text and "สร้างไฟล์ PDF ในเบื้องหลัง" in text
    assert "files/villages/xlsx/?year=2568&amp;district=4012" in text
    assert not ExportLog.objects.exists() and not Job.objects.exists()


@pdf_ready
def test_a_long_village_pdf_is_a_background_job(approved, phon_client, phon_officer, settings):
    """Confirmed (POST), the village-report PDF is a job: its page counts villages, the file is
    the PDF, and it is recorded in the export log like the page's own files."""
    from django.urls import reverse

    from sammachip.jobs.models import Job
    from sammachip.jobs.services import result_bytes

    settings.SAMMACHIP_REPORT_PDF_MAX_VILLAGES = 0
    response = phon_client.post(FILES + "villages/pdf/?year=2568&district=4012")
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:jobs_job", args=[job.pk])
    assert job.owner == phon_officer and job.status == Job.Status.DONE, job.message
    assert (job.rows_done, job.rows_total) == (1, 1)
    assert result_bytes(job)[:5] == b"%PDF-"
    assert job.result_name == "report-villages-fy2568-4012.pdf"
    log = ExportLog.objects.get()
    assert (log.file_format, log.row_count, log.user) == ("pdf", 1, phon_officer)
    assert log.filters == "report=villages&fiscal_year=2568&district=4012"
    assert log.filter_words == f"{reports.VILLAGE_TITLE} · อำเภอพล · ปีงบประมาณ 2568"
    page = phon_client.get(reverse("admin:jobs_job", args=[job.pk])).content.decode()
    assert "ทำแล้ว 1 จาก 1 หมู่บ้าน" in page and "1 หมู่บ้าน (" in page


def test_a_village_pdf_job_of_a_district_no_longer_ones_own_fails_in_thai(
    approved, phon_officer, settings
):
    from programs import jobs
    from sammachip.jobs.models import Job
    from sammachip.jobs.services import job_start

    job = job_start(
        owner=phon_officer,
        kind=jobs.VILLAGE_PDF,
        title="x",
        params={"fiscal_year": 2568, "district": "4001"},
    )
    assert job.status == Job.Status.FAILED
    assert job.message == "ท่านไม่ได้รับผิดชอบอำเภอนี้แล้ว จึงสร้างรายงานไม่ได้"
    phon_officer.is_active = False  # left the office after queuing: not even their own district
    phon_officer.save()
    job = job_start(
        owner=phon_officer,
        kind=jobs.VILLAGE_PDF,
        title="x",
        params={"fiscal_year": 2568, "district": "4012"},
    )
    assert job.status == Job.Status.FAILED
    assert not ExportLog.objects.exists()


@pdf_ready
def test_village_pdf_in_parts_numbers_pages_on_and_signs_once(approved, tmp_path):
    """Laid out a part at a time and joined: one heading, page numbers running on across the
    parts, every village in order, the signature blocks once at the end; progress per part."""
    import copy
    import re
    import shutil
    import subprocess

    from pypdf import PdfReader

    from programs import report_pdf

    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) not installed")
    data = reports.village_report(fiscal_year=2568, districts=["4012"])
    section = data["villages"][0]
    data["villages"] = []
    for moo in range(1, 6):
        village = copy.copy(section)
        village["moo"] = moo
        data["villages"].append(village)
    seen = []
    path = tmp_path / "parts.pdf"
    pages = report_pdf.write_village_pdf(
        path, data, scope_words="อำเภอพล", part=2, progress=lambda done, total: seen.append(done)
    )
    assert seen == [2, 4, 5]
    assert len(PdfReader(path).pages) == pages >= 5
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    numbers = [int(n) for n in re.findall(r"หน้[าำ]\s*(\d+)", text)]
    assert numbers == list(range(1, pages + 1))
    assert flat(text).count(flat(reports.VILLAGE_TITLE)) == 1
    assert flat(text).count(flat("ผู้อนุมัติ")) == 1
    moos = [int(n) for n in re.findall(r"หมู่ที่\s*(\d+)", text)]
    assert moos == [1, 2, 3, 4, 5]
    assert flat(text).count(flat("สำนักงานพัฒนาชุมชนจังหวัดขอนแก่น")) >= pages


def test_report_queries_do_not_grow_with_villages(approved):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_village
    from tests.programs.factories import make_household

    def count(build):
        with CaptureQueriesContext(connection) as queries:
            build()
        return len(queries)

    def villages():
        return reports.village_report(fiscal_year=2568)

    def kpi():
        return reports.kpi_report(fiscal_year=2568)

    before = count(villages), count(kpi)
    for moo in (31, 32, 33):
        village = make_village(subdistrict="400101", moo=moo, name_th=f"บ้านทดสอบ{moo}")
        make_household(village=village, first_name=f"ทดสอบ{moo}", last_name="ลับ")
    assert len(villages()["villages"]) == 5
    assert (count(villages), count(kpi)) == before


def test_an_approved_district_without_households_keeps_its_day(approved, province_staff):
    import datetime as dt

    DistrictReport.objects.create(
        district_id="4005",
        fiscal_year=2568,
        status=DistrictReport.Status.APPROVED,
        approved_on=dt.date(2025, 10, 1),
        snapshot={"fiscal_year": 2568, "kpis": {}},
    )
    row = next(
        r for r in reports.kpi_report(fiscal_year=2568)["rows"] if r["district_code"] == "4005"
    )
    assert row["approved_on"] == dt.date(2025, 10, 1) and row["figures"] is None
