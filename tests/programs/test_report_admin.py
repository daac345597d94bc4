"""District reports in the admin: the officer's home states (returned first), the submit page,
provincial staff's queue and review page."""

import pytest

from programs import reporting
from programs.models import DistrictReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def reportable(programme):
    from tests.programs.test_reporting import make_reportable

    return make_reportable(programme)


S = DistrictReport.Status


def panel(client):
    html = client.get("/admin/").content.decode()
    start = html.index('id="district-reports"')
    return html[start : html.index("</div>", start)]


def test_officer_home_shows_own_district_years(phon_client, programme):
    html = panel(phon_client)
    assert "พล" in html
    assert "2568" in html
    assert "เมืองขอนแก่น" not in html
    assert "/admin/programs/districtreport/submit/4012/2568/" in html


def test_returned_report_comes_first_with_its_comment(
    phon_client, phon_officer, province_staff, reportable
):
    from tests.programs.factories import make_household

    make_household(village=reportable["phon"]["village"], fiscal_year=2569)
    reporting.report_submit(district="4012", fiscal_year=2568, user=phon_officer)
    reporting.report_return(
        district="4012", fiscal_year=2568, user=province_staff, comment="ขาดรายได้ก่อนเข้าร่วม"
    )
    html = panel(phon_client)
    assert "ขาดรายได้ก่อนเข้าร่วม" in html
    assert html.index("2568") < html.index("2569")


def test_submit_page_shows_what_will_be_sent_then_submits(phon_client, reportable):
    url = "/admin/programs/districtreport/submit/4012/2568/"
    page = phon_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "ข้อมูลที่จะส่ง" in html
    assert "ยืนยันส่งรายงาน" in html
    response = phon_client.post(url, {"note": "ครบถ้วน"})
    assert response.status_code == 302
    report = DistrictReport.objects.get(district_id="4012", fiscal_year=2568)
    assert report.status == S.SUBMITTED
    assert report.submit_note == "ครบถ้วน"


def test_officer_cannot_open_another_districts_submit_page(phon_client, programme):
    assert phon_client.get("/admin/programs/districtreport/submit/4001/2568/").status_code == 403
    assert phon_client.post("/admin/programs/districtreport/submit/4001/2568/").status_code == 403
    assert not DistrictReport.objects.exists()


def test_province_queue_lists_submitted_districts_with_counts(
    province_client, phon_officer, reportable
):
    reporting.report_submit(district="4012", fiscal_year=2568, user=phon_officer)
    html = panel(province_client)
    assert "พล" in html
    assert "<td>1</td>" in html  # one household, one team
    report = DistrictReport.objects.get()
    assert f"/admin/programs/districtreport/{report.pk}/review/" in html


def test_province_returns_then_approves(province_client, phon_officer, reportable):
    report = reporting.report_submit(district="4012", fiscal_year=2568, user=phon_officer)
    url = f"/admin/programs/districtreport/{report.pk}/review/"
    assert province_client.get(url).status_code == 200
    refused = province_client.post(url, {"step": "return", "comment": ""}, follow=True)
    assert "กรุณาระบุความเห็น" in refused.content.decode()
    province_client.post(url, {"step": "return", "comment": "แก้รายได้"})
    report.refresh_from_db()
    assert report.status == S.RETURNED
    reporting.report_submit(district="4012", fiscal_year=2568, user=phon_officer)
    province_client.post(url, {"step": "approve", "comment": ""})
    report.refresh_from_db()
    assert report.status == S.APPROVED


def test_officer_cannot_review(phon_client, phon_officer, reportable):
    report = reporting.report_submit(district="4012", fiscal_year=2568, user=phon_officer)
    url = f"/admin/programs/districtreport/{report.pk}/review/"
    assert phon_client.get(url).status_code == 403
    assert phon_client.post(url, {"step": "approve"}).status_code == 403
    report.refresh_from_db()
    assert report.status == S.SUBMITTED


def test_report_list_is_scoped(phon_client, muang_officer, programme):
    reporting.report_for(district="4001", fiscal_year=2568)
    reporting.report_for(district="4012", fiscal_year=2568)
    html = phon_client.get("/admin/programs/districtreport/").content.decode()
    assert "พล" in html
    assert "เมืองขอนแก่น" not in html


def test_submit_page_names_the_quality_errors_and_offers_no_confirm(phon_client, programme):
    html = phon_client.get("/admin/programs/districtreport/submit/4012/2568/").content.decode()
    assert "Q01" in html
    assert "ยืนยันส่งรายงาน" not in html
    household = programme["phon"]["household"]
    assert f"/admin/programs/household/{household.pk}/change/" in html


def test_review_page_shows_the_findings_explained(province_client, phon_officer, reportable):
    from tests.factories import make_village
    from tests.programs.factories import make_team

    make_team(village=make_village(subdistrict="401207", moo=12), fiscal_year=2568)
    report = reporting.report_submit(
        district="4012", fiscal_year=2568, user=phon_officer, note="ทีมใหม่จะอบรมเดือนหน้า"
    )
    html = province_client.get(f"/admin/programs/districtreport/{report.pk}/review/").content
    assert "Q04" in html.decode()
    assert "ทีมใหม่จะอบรมเดือนหน้า" in html.decode()


def test_review_page_shows_the_kpis_live_then_the_approved_snapshot(
    province_client, province_staff, phon_officer, reportable
):
    from programs.models import Household

    report = reporting.report_submit(district="4012", fiscal_year=2568, user=phon_officer)
    url = f"/admin/programs/districtreport/{report.pk}/review/"
    html = province_client.get(url).content.decode()
    assert "ตัวชี้วัด (ข้อมูลปัจจุบัน)" in html
    assert "100.0%" in html  # 1 of 1 trained household practising
    assert "+5.0%" in html  # 2,000 → 2,100 baht
    reporting.report_approve(district="4012", fiscal_year=2568, user=province_staff)
    # The live record moves (as a later follow-up would); the page shows what was approved.
    Household.objects.update(income_after=4000)
    html = province_client.get(url).content.decode()
    assert "ตัวชี้วัดที่อนุมัติ" in html
    assert "+5.0%" in html
