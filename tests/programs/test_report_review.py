"""The review page (issue 16): a diff against the district's previous approved fiscal year and the
KPI breakdowns by occupation type and target group."""

from decimal import Decimal

import pytest

from programs import reporting
from programs.admin.reports import previous_approved, year_diff
from programs.models import DistrictReport, Household

S = DistrictReport.Status


def test_year_diff_has_change_columns():
    rows = {
        row["label"]: row
        for row in year_diff(
            {
                "households": 10,
                "practising_share": "0.5",
                "mean_income_before": "2000.4",
                "income_change": "0.047",
            },
            {
                "households": 12,
                "practising_share": "0.75",
                "mean_income_before": "1900",
                "income_change": "0.056",
            },
        )
    }
    households = rows["ครัวเรือนเป้าหมาย"]
    assert (households["previous"], households["current"], households["change"]) == (10, 12, 2)
    assert households["change_share"] == Decimal("0.2")
    assert (households["change_text"], households["change_share_text"]) == ("+2", "+20.0%")
    share = rows["ครัวเรือนที่ประกอบอาชีพ / ที่ฝึกอบรม"]
    assert share["change_text"] == "+25.0 จุด"
    assert share["change_share"] is None  # a share changes in points, not in per cent of itself
    income = rows["รายได้เฉลี่ยจากอาชีพเปลี่ยนไป"]
    assert (income["previous_text"], income["current_text"]) == ("+4.7%", "+5.6%")
    assert income["change_text"] == "+0.9 จุด"
    money = rows["รายได้เฉลี่ยก่อนเข้าร่วม (บาท/เดือน)"]
    assert money["change_text"] == "-100"
    missing = rows["หมู่บ้านเป้าหมาย (มีทีมวิทยากร)"]
    assert (missing["change_text"], missing["change_share_text"]) == ("—", "")


@pytest.mark.django_db
def test_previous_is_the_latest_earlier_approved_year(programme):
    def report(year, status):
        return DistrictReport.objects.create(
            district_id="4012", fiscal_year=year, status=status, snapshot={"kpis": {}}
        )

    report(2565, S.APPROVED)
    wanted = report(2566, S.APPROVED)
    report(2567, S.RETURNED)
    report(2569, S.APPROVED)  # later: not a previous year
    DistrictReport.objects.create(
        district_id="4001", fiscal_year=2567, status=S.APPROVED, snapshot={"kpis": {}}
    )
    current = report(2568, S.SUBMITTED)
    assert previous_approved(current) == wanted


@pytest.mark.django_db
def test_review_page_shows_the_diff_and_the_breakdowns(province_client, phon_officer, programme):
    from tests.programs.test_reporting import make_reportable

    make_reportable(programme)
    Household.objects.filter(district="4012").update(target_group="elderly")
    DistrictReport.objects.create(
        district_id="4012",
        fiscal_year=2567,
        status=S.APPROVED,
        snapshot={"kpis": {"households": 4, "practising_share": "0.5", "trained": 2}},
    )
    report = reporting.report_submit(district="4012", fiscal_year=2568, user=phon_officer)
    html = province_client.get(f"/admin/programs/districtreport/{report.pk}/review/").content
    html = html.decode()
    assert "เทียบกับปีงบประมาณ 2567 ที่อนุมัติแล้ว" in html
    diff = html[
        html.index('class="report-diff"') : html.index("</table>", html.index("report-diff"))
    ]
    assert "<td>4</td><td>1</td><td>-3</td><td>-75.0%</td>" in diff  # households 4 → 1
    assert "+50.0 จุด" in diff  # practising share 50% → 100%
    assert "ตัวชี้วัดจำแนกตามประเภทอาชีพ" in html
    assert "ตัวชี้วัดจำแนกตามกลุ่มเป้าหมาย" in html
    assert "ผู้สูงอายุ 60 ปีขึ้นไป" in html


@pytest.mark.django_db
def test_review_page_without_a_previous_approved_year_says_so(
    province_client, phon_officer, programme
):
    from tests.programs.test_reporting import make_reportable

    make_reportable(programme)
    DistrictReport.objects.create(district_id="4012", fiscal_year=2567, status=S.OPEN)
    report = reporting.report_submit(district="4012", fiscal_year=2568, user=phon_officer)
    html = province_client.get(f"/admin/programs/districtreport/{report.pk}/review/").content
    assert "ยังไม่มีรายงานปีก่อนที่อนุมัติแล้ว" in html.decode()
    assert 'class="report-diff"' not in html.decode()


@pytest.mark.django_db
def test_approved_review_shows_the_breakdown_as_approved(
    province_client, province_staff, phon_officer, programme
):
    from tests.programs.test_reporting import make_reportable

    make_reportable(programme)
    Household.objects.filter(district="4012").update(target_group="elderly")
    reporting.report_submit(district="4012", fiscal_year=2568, user=phon_officer)
    report = reporting.report_approve(district="4012", fiscal_year=2568, user=province_staff)
    assert report.snapshot["breakdown"]["target_groups"][0]["key"] == "elderly"
    # the page reads the approved snapshot, not the records
    report.snapshot["breakdown"]["target_groups"][0]["households"] = 987
    DistrictReport.objects.filter(pk=report.pk).update(snapshot=report.snapshot)
    html = province_client.get(f"/admin/programs/districtreport/{report.pk}/review/").content
    assert "<td>987</td>" in html.decode()
