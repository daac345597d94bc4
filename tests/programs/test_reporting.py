"""The district reporting cycle (``programs.reporting``): states, roles, the audit trail."""

import pytest

from programs import reporting
from programs.models import DistrictReport, DistrictReportEvent

pytestmark = pytest.mark.django_db

S = DistrictReport.Status


def make_reportable(programme):
    """อ.พล's FY 2568 passes every quality rule: incomes recorded, the team trained its
    household, which was followed up."""
    import datetime

    from programs.models import FollowUp, Household
    from tests.programs.factories import make_session

    phon = programme["phon"]
    Household.objects.filter(pk=phon["household"].pk).update(income_before=2000)
    make_session(team=phon["team"], attendees=[phon["household"]])
    FollowUp.objects.create(
        household=phon["household"],
        visited_on=datetime.date(2025, 3, 1),
        practising=True,
        monthly_income=2100,
    )
    return programme


@pytest.fixture
def reportable(programme):
    return make_reportable(programme)


def test_report_is_created_open_on_first_need(geography):
    assert reporting.report_status(district="4012", fiscal_year=2568) == S.OPEN
    assert not DistrictReport.objects.exists()
    report = reporting.report_for(district="4012", fiscal_year=2568)
    assert report.status == S.OPEN
    assert reporting.report_for(district="4012", fiscal_year=2568).pk == report.pk


def test_one_report_per_district_and_year(geography):
    from django.db import IntegrityError, transaction

    DistrictReport.objects.create(district_id="4012", fiscal_year=2568)
    with pytest.raises(IntegrityError), transaction.atomic():
        DistrictReport.objects.create(district_id="4012", fiscal_year=2568)


def test_full_cycle_is_audited(phon_officer, province_staff, reportable):
    reporting.report_submit(district="4012", fiscal_year=2568, user=phon_officer, note="ครบแล้ว")
    report = reporting.report_return(
        district="4012", fiscal_year=2568, user=province_staff, comment="รายได้ก่อนเข้าร่วมขาด 3 ราย"
    )
    assert report.status == S.RETURNED
    assert report.reviewer_comment == "รายได้ก่อนเข้าร่วมขาด 3 ราย"
    reporting.report_submit(district="4012", fiscal_year=2568, user=phon_officer)
    report = reporting.report_approve(district="4012", fiscal_year=2568, user=province_staff)
    assert report.status == S.APPROVED
    assert report.approved_by == province_staff
    assert report.approved_on is not None
    assert report.snapshot["kpis"]["households"] == 1
    assert report.snapshot["kpis"]["practising"] == 1
    report = reporting.report_reopen(
        district="4012", fiscal_year=2568, user=province_staff, reason="แก้รายได้ผิด"
    )
    assert report.status == S.OPEN
    steps = list(
        DistrictReportEvent.objects.filter(report=report)
        .order_by("id")
        .values_list("action", "from_status", "to_status", "user__username", "comment")
    )
    assert steps == [
        ("submit", "open", "submitted", "phon", "ครบแล้ว"),
        ("return", "submitted", "returned", "province", "รายได้ก่อนเข้าร่วมขาด 3 ราย"),
        ("submit", "returned", "submitted", "phon", ""),
        ("approve", "submitted", "approved", "province", ""),
        ("reopen", "approved", "open", "province", "แก้รายได้ผิด"),
    ]


def test_officer_cannot_submit_another_district(muang_officer, programme):
    with pytest.raises(reporting.ReportError, match="ไม่มีสิทธิ์"):
        reporting.report_submit(district="4012", fiscal_year=2568, user=muang_officer)
    assert reporting.report_status(district="4012", fiscal_year=2568) == S.OPEN


@pytest.mark.parametrize("step", ["report_approve", "report_return", "report_reopen"])
def test_officer_cannot_review(phon_officer, reportable, step):
    reporting.report_submit(district="4012", fiscal_year=2568, user=phon_officer)
    with pytest.raises(reporting.ReportError, match="สำนักงานพัฒนาชุมชนจังหวัด"):
        getattr(reporting, step)(
            district="4012", fiscal_year=2568, user=phon_officer, **_text_for(step)
        )
    assert reporting.report_status(district="4012", fiscal_year=2568) == S.SUBMITTED


def _text_for(step):
    return {"report_return": {"comment": "x"}, "report_reopen": {"reason": "x"}}.get(step, {})


def test_wrong_transitions_are_refused(phon_officer, province_staff, reportable):
    with pytest.raises(reporting.ReportError, match="รอตรวจสอบ"):
        reporting.report_approve(district="4012", fiscal_year=2568, user=province_staff)
    with pytest.raises(reporting.ReportError, match="อนุมัติแล้ว"):
        reporting.report_reopen(district="4012", fiscal_year=2568, user=province_staff, reason="x")
    reporting.report_submit(district="4012", fiscal_year=2568, user=phon_officer)
    with pytest.raises(reporting.ReportError, match="ส่งรายงานแล้ว"):
        reporting.report_submit(district="4012", fiscal_year=2568, user=phon_officer)
    assert DistrictReportEvent.objects.count() == 1


def test_return_and_reopen_need_words(phon_officer, province_staff, reportable):
    reporting.report_submit(district="4012", fiscal_year=2568, user=phon_officer)
    with pytest.raises(reporting.ReportError, match="ความเห็น"):
        reporting.report_return(district="4012", fiscal_year=2568, user=province_staff, comment=" ")
    reporting.report_approve(district="4012", fiscal_year=2568, user=province_staff)
    with pytest.raises(reporting.ReportError, match="เหตุผล"):
        reporting.report_reopen(district="4012", fiscal_year=2568, user=province_staff, reason="")
    assert reporting.report_status(district="4012", fiscal_year=2568) == S.APPROVED


def test_quality_errors_block_a_submission(phon_officer, programme):
    # The household has no income before (Q01, an error).
    with pytest.raises(reporting.ReportError, match="Q01"):
        reporting.report_submit(district="4012", fiscal_year=2568, user=phon_officer, note="x")
    assert reporting.report_status(district="4012", fiscal_year=2568) == S.OPEN


def test_quality_warnings_need_an_explanation(phon_officer, reportable):
    from programs.models import TrainerTeam
    from tests.programs.factories import make_team

    village = reportable["phon"]["village"]
    from tests.factories import make_village

    other = make_village(subdistrict="401207", moo=12, name_th="บ้านไม่มีอบรม")
    make_team(village=other, fiscal_year=2568)  # a team without a session (Q04, a warning)
    assert TrainerTeam.objects.filter(district_id="4012").count() == 2
    assert village.district_id == "4012"
    with pytest.raises(reporting.ReportError, match="Q04"):
        reporting.report_submit(district="4012", fiscal_year=2568, user=phon_officer)
    report = reporting.report_submit(
        district="4012", fiscal_year=2568, user=phon_officer, note="ทีมใหม่จะอบรมเดือนหน้า"
    )
    assert report.status == S.SUBMITTED
    assert [f["code"] for f in report.quality] == ["Q04"]


def test_follow_up_after_the_approval_never_changes_the_snapshot(
    phon_officer, province_staff, reportable
):
    import datetime

    from programs.models import FollowUp

    reporting.report_submit(district="4012", fiscal_year=2568, user=phon_officer)
    reporting.report_approve(district="4012", fiscal_year=2568, user=province_staff)
    # As if approved on 15 Oct 2025 (CE), inside the year's follow-up window.
    DistrictReport.objects.update(approved_on=datetime.date(2025, 10, 15))
    snapshot = DistrictReport.objects.get().snapshot
    FollowUp.objects.create(
        household=reportable["phon"]["household"],
        visited_on=datetime.date(2025, 11, 1),
        practising=False,
        stopped_reason="ย้ายไปทำงานในเมือง",
    )
    reportable["phon"]["household"].refresh_from_db()
    assert reportable["phon"]["household"].status == "dropped"  # the live record moved
    assert DistrictReport.objects.get().snapshot == snapshot
    assert snapshot["kpis"]["practising"] == 1
