"""The completeness page of the districts' yearly reports (``programs.completeness``, the admin
view ``admin:programs_districtreport_completeness``; issue 16)."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from programs import completeness, parameters, reporting
from programs.models import DistrictReport, Household, ProgrammeYear
from tests.programs.factories import make_household, make_session, make_team, make_village
from tests.programs.test_reporting import make_reportable

pytestmark = pytest.mark.django_db
URL = "/admin/programs/districtreport/completeness/"


def by_code(rows):
    return {row.district.pk: row for row in rows}


def test_villages_complete_state_and_last_step(programme, phon_officer):
    make_reportable(programme)
    # A second village of อ.พล: its team never trained.
    other = make_village(subdistrict="401207", moo=12, name_th="บ้านพลไม่ครบ")
    make_team(village=other)
    make_household(village=other, income_before=500)
    reporting.report_submit(district="4012", fiscal_year=2568, user=phon_officer, note="ทดสอบ")
    rows, deadline = completeness.district_rows(2568)
    assert deadline is None
    phon = by_code(rows)["4012"]
    assert (phon.villages, phon.complete) == (2, 1)
    assert phon.complete_share == pytest.approx(0.5)
    assert phon.status == DistrictReport.Status.SUBMITTED
    assert phon.status_label == "ส่งรายงานแล้ว รอตรวจสอบ"
    assert phon.last_step_at is not None
    muang = by_code(rows)["4001"]
    # อ.เมือง: its household has no income before, its team no session.
    assert (muang.villages, muang.complete) == (1, 0)
    assert muang.status == DistrictReport.Status.OPEN and muang.last_step_at is None
    # Every district of the province is listed, even one without data.
    assert len(rows) > 2 and by_code(rows)["4005"].villages == 0


def test_a_village_is_complete_only_with_incomes_and_a_trained_team(two_districts):
    village = two_districts["phon"]
    household = make_household(village=village, income_before=1000)
    assert by_code(completeness.district_rows(2568)[0])["4012"].complete == 0  # no team
    team = make_team(village=village)
    assert by_code(completeness.district_rows(2568)[0])["4012"].complete == 0  # no session
    make_session(team=team)
    assert by_code(completeness.district_rows(2568)[0])["4012"].complete == 1
    Household.objects.filter(pk=household.pk).update(income_before=None)
    assert by_code(completeness.district_rows(2568)[0])["4012"].complete == 0


def test_overdue_since_the_years_deadline(programme, phon_officer):
    make_reportable(programme)
    ProgrammeYear.objects.create(fiscal_year=2568, report_deadline=datetime.date(2025, 10, 31))
    reporting.report_submit(district="4012", fiscal_year=2568, user=phon_officer)
    rows, deadline = completeness.district_rows(2568, today=datetime.date(2025, 11, 10))
    assert deadline == datetime.date(2025, 10, 31)
    assert by_code(rows)["4012"].days_overdue == 0  # submitted
    assert by_code(rows)["4001"].days_overdue == 10  # still open
    assert by_code(rows)["4005"].days_overdue == 0  # no programme there this year
    rows, _deadline = completeness.district_rows(2568, today=datetime.date(2025, 10, 31))
    assert by_code(rows)["4001"].days_overdue == 0  # the deadline day itself


def test_five_queries_whatever_the_data(programme, django_assert_num_queries):
    make_reportable(programme)
    parameters.for_year(2568)  # the year's parameters (the deadline) come from the cache
    with django_assert_num_queries(5):
        completeness.district_rows(2568)


def test_the_page_is_for_provincial_staff_in_thai_with_be_dates(
    programme, province_client, phon_officer
):
    make_reportable(programme)
    ProgrammeYear.objects.create(fiscal_year=2568, report_deadline=datetime.date(2025, 10, 31))
    reporting.report_submit(district="4012", fiscal_year=2568, user=phon_officer)
    with CaptureQueriesContext(connection) as few:
        response = province_client.get(URL, {"year": 2568})
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        "ความครบถ้วนของรายงานประจำปีงบประมาณ 2568",
        "31 ตุลาคม 2568",  # the deadline in the Buddhist Era
        "ส่งรายงานแล้ว รอตรวจสอบ",
        "เปิดบันทึกข้อมูล",
        "100.0% (1/1)",
        "เลยกำหนด",
    ]:
        assert text in html, text
    # More data, same number of queries.
    for moo in range(20, 25):
        make_household(village=make_village(subdistrict="400101", moo=moo), income_before=1)
    with CaptureQueriesContext(connection) as more:
        province_client.get(URL, {"year": 2568})
    assert len(more) == len(few)


def test_the_page_as_an_xlsx_with_real_cells_recorded(
    programme, province_client, phon_officer, tmp_path
):
    import io

    from openpyxl import load_workbook

    from programs.models import ExportLog

    make_reportable(programme)
    ProgrammeYear.objects.create(fiscal_year=2568, report_deadline=datetime.date(2025, 10, 31))
    reporting.report_submit(district="4012", fiscal_year=2568, user=phon_officer)
    response = province_client.get(URL, {"year": 2568})
    assert "format=xlsx" in response.content.decode()
    response = province_client.get(URL, {"year": 2568, "format": "xlsx"})
    assert response.status_code == 200
    assert "report-completeness-fy2568.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["ความครบถ้วน"]
    rows = {row[1]: row for row in sheet.iter_rows(values_only=True) if row[0] == "4012"}
    phon = rows["พล"]
    assert phon[2] == "ส่งรายงานแล้ว รอตรวจสอบ"
    assert isinstance(phon[3], datetime.datetime)  # a real date cell (shown in BE)
    assert phon[4:7] == (1, 1, 1)
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert any("31 ตุลาคม 2568" in str(c.value) for c in cells)
    assert ExportLog.objects.get().filters == "report=completeness&fiscal_year=2568"


def test_district_officers_may_not_see_it(phon_client):
    assert phon_client.get(URL).status_code == 403
    assert phon_client.get(URL, {"format": "xlsx"}).status_code == 403


def test_linked_from_the_report_list_and_the_home_panel(province_staff, phon_officer):
    province, officer = Client(), Client()
    province.force_login(province_staff)
    officer.force_login(phon_officer)
    assert URL in province.get("/admin/programs/districtreport/").content.decode()
    assert URL in province.get("/admin/").content.decode()
    assert URL not in officer.get("/admin/programs/districtreport/").content.decode()
    assert URL not in officer.get("/admin/").content.decode()
