"""The fiscal-year reporting cycle of a district (issue 16): the one service that moves a
``DistrictReport`` and records each step (``DistrictReportEvent``: who, when, comment).

    open ──submit──▶ submitted ──approve──▶ approved ──reopen (reason)──▶ open
                        │  ▲
                 return │  │ submit
                        ▼  │
                      returned

* ``report_submit`` — whoever may reach the district (its officer; provincial staff too);
* ``report_return`` (a comment), ``report_approve``, ``report_reopen`` (a reason) — provincial
  staff only.

A report is created on first need (``report_for``): a district-year without a row is ``open``.
While a report is ``submitted`` or ``approved`` its district-year is locked (``programs.locking``).
Every function is keyword-only and atomic; a refused step raises ``ReportError`` (a
``ValidationError`` with a Thai message) and changes nothing.
"""

import json

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sammachip import thaidate
from sammachip.scoping import user_can_access


class ReportError(ValidationError):
    """A step of the cycle that is not allowed (wrong state, role or district, or no comment)."""


def _models():
    from programs.models import DistrictReport, DistrictReportEvent

    return DistrictReport, DistrictReportEvent


def _district_id(district):
    return getattr(district, "pk", district)


def report_for(*, district, fiscal_year):
    """The report of ``district`` (a District or its code) and ``fiscal_year``, created ``open``
    on first need."""
    DistrictReport, _event = _models()
    report, _created = DistrictReport.objects.get_or_create(
        district_id=_district_id(district), fiscal_year=fiscal_year
    )
    return report


def report_status(*, district, fiscal_year):
    """The status of a district-year without creating its row (``open`` when there is none)."""
    DistrictReport, _event = _models()
    status = (
        DistrictReport.objects.filter(district_id=_district_id(district), fiscal_year=fiscal_year)
        .values_list("status", flat=True)
        .first()
    )
    return status or DistrictReport.Status.OPEN


def _locked_report(district, fiscal_year):
    """The report row, created if need be, then read again ``FOR UPDATE``: two reviewers
    clicking at once see one another's step."""
    DistrictReport, _event = _models()
    report = report_for(district=district, fiscal_year=fiscal_year)
    return DistrictReport.objects.select_for_update().get(pk=report.pk)


def _require_province(user):
    if user is None or not user.is_authenticated or not user.sees_all_districts:
        raise ReportError(
            _("เฉพาะเจ้าหน้าที่สำนักงานพัฒนาชุมชนจังหวัดเท่านั้นที่ตรวจสอบ อนุมัติ ส่งกลับ หรือเปิดแก้ไขรายงานได้"),
            code="role",
        )


def _require_status(report, allowed, message):
    if report.status not in allowed:
        raise ReportError(
            message % {"status": report.get_status_display(), "year": report.fiscal_year},
            code="status",
        )


def _record(report, *, action, from_status, user, comment):
    _report, DistrictReportEvent = _models()
    report.save()
    return DistrictReportEvent.objects.create(
        report=report,
        action=action,
        from_status=from_status,
        to_status=report.status,
        user=user,
        comment=comment,
    )


def _text(value):
    return (value or "").strip()


def quality_check(*, district, fiscal_year, note):
    """The data-quality rules (``programs.quality``) before a submission: an error blocks it,
    a warning needs the officer's explanation (``note``). Returns the quality report."""
    from programs import quality

    result = quality.run(district=district, fiscal_year=fiscal_year)
    if result.errors:
        raise ReportError(
            _("ส่งรายงานไม่ได้ เพราะข้อมูลยังมีข้อผิดพลาดที่ต้องแก้ก่อน: %(rules)s")
            % {"rules": ", ".join(f"{f.code} {f.message} ({f.total})" for f in result.errors)},
            code="quality_error",
        )
    if result.warnings and not note:
        raise ReportError(
            _("ข้อมูลมีข้อสังเกต กรุณาเขียนคำชี้แจงก่อนส่งรายงาน: %(rules)s")
            % {"rules": ", ".join(f"{f.code} {f.message} ({f.total})" for f in result.warnings)},
            code="quality_warning",
        )
    return result


@transaction.atomic
def report_submit(*, district, fiscal_year, user, note=""):
    """The district sends its fiscal year's data for checking (from ``open`` or ``returned``).
    ``note`` is the officer's explanation (of the quality warnings, when there are)."""
    DistrictReport, DistrictReportEvent = _models()
    report = _locked_report(district, fiscal_year)
    if user is None or not user_can_access(user, report):
        raise ReportError(_("คุณไม่มีสิทธิ์ส่งรายงานของอำเภอนี้"), code="district")
    _require_status(
        report,
        (DistrictReport.Status.OPEN, DistrictReport.Status.RETURNED),
        _("ส่งรายงานปีงบประมาณ %(year)d ไม่ได้ เพราะรายงานอยู่ในสถานะ “%(status)s”"),
    )
    note = _text(note)
    quality = quality_check(district=report.district_id, fiscal_year=fiscal_year, note=note)
    before = report.status
    report.status = DistrictReport.Status.SUBMITTED
    report.submit_note = note
    report.quality = quality.as_json()
    report.submitted_at = timezone.now()
    report.submitted_by = user
    _record(
        report,
        action=DistrictReportEvent.Action.SUBMIT,
        from_status=before,
        user=user,
        comment=report.submit_note,
    )
    return report


@transaction.atomic
def report_return(*, district, fiscal_year, user, comment):
    """Provincial staff send a submitted report back to the district with a comment."""
    DistrictReport, DistrictReportEvent = _models()
    _require_province(user)
    comment = _text(comment)
    if not comment:
        raise ReportError(_("กรุณาระบุความเห็นว่าต้องแก้ไขอะไร ก่อนส่งรายงานกลับให้อำเภอ"), code="comment")
    report = _locked_report(district, fiscal_year)
    _require_status(
        report,
        (DistrictReport.Status.SUBMITTED,),
        _(
            "ส่งกลับได้เฉพาะรายงานที่ส่งมาแล้วและรอตรวจสอบ "
            "(รายงานปีงบประมาณ %(year)d อยู่ในสถานะ “%(status)s”)"
        ),
    )
    before = report.status
    report.status = DistrictReport.Status.RETURNED
    report.reviewer_comment = comment
    _record(
        report,
        action=DistrictReportEvent.Action.RETURN,
        from_status=before,
        user=user,
        comment=comment,
    )
    return report


def district_snapshot(*, district, fiscal_year):
    """The district-year's figures as approved (``programs.kpis.district_kpis``; ``counts``: the
    households by stage, sages, groups and products that /opendata/ publishes; ``breakdown``:
    ``kpi_breakdown`` by occupation type and target group, each row with the ``sums`` that let
    the reports add several districts up), as JSON."""
    from programs.kpis import district_kpis, kpi_breakdown
    from programs.models import Household
    from programs.opendata import year_counts

    code = _district_id(district)
    rows = district_kpis(fiscal_year=fiscal_year, districts=[code])
    figures = rows[0] if rows else {}
    counts = year_counts([(code, fiscal_year)])[(code, fiscal_year)]
    breakdown = kpi_breakdown(
        fiscal_year=fiscal_year, households=Household.objects.filter(district=code)
    )
    taken_at = timezone.now()
    return json.loads(
        json.dumps(
            {
                "fiscal_year": fiscal_year,
                "taken_at": taken_at,
                "kpis": figures,
                "counts": counts,
                "breakdown": breakdown,
            },
            cls=DjangoJSONEncoder,
        )
    )


@transaction.atomic
def report_approve(*, district, fiscal_year, user, comment=""):
    """Provincial staff approve a submitted report: its figures are kept as a snapshot and the
    district-year stays locked."""
    DistrictReport, DistrictReportEvent = _models()
    _require_province(user)
    report = _locked_report(district, fiscal_year)
    _require_status(
        report,
        (DistrictReport.Status.SUBMITTED,),
        _(
            "อนุมัติได้เฉพาะรายงานที่ส่งมาแล้วและรอตรวจสอบ "
            "(รายงานปีงบประมาณ %(year)d อยู่ในสถานะ “%(status)s”)"
        ),
    )
    before = report.status
    now = timezone.now()
    report.status = DistrictReport.Status.APPROVED
    report.approved_at = now
    report.approved_on = timezone.localdate(now)
    report.approved_by = user
    report.reviewer_comment = _text(comment)
    report.snapshot = district_snapshot(district=report.district_id, fiscal_year=fiscal_year)
    _record(
        report,
        action=DistrictReportEvent.Action.APPROVE,
        from_status=before,
        user=user,
        comment=report.reviewer_comment,
    )
    return report


@transaction.atomic
def report_reopen(*, district, fiscal_year, user, reason):
    """Provincial staff open an approved report again (เปิดแก้ไขอีกครั้ง), with a reason. The
    earlier snapshot is kept until the next approval replaces it."""
    DistrictReport, DistrictReportEvent = _models()
    _require_province(user)
    reason = _text(reason)
    if not reason:
        raise ReportError(_("กรุณาระบุเหตุผลที่เปิดแก้ไขรายงานอีกครั้ง"), code="reason")
    report = _locked_report(district, fiscal_year)
    _require_status(
        report,
        (DistrictReport.Status.APPROVED,),
        _("เปิดแก้ไขอีกครั้งได้เฉพาะรายงานที่อนุมัติแล้ว (รายงานปีงบประมาณ %(year)d อยู่ในสถานะ “%(status)s”)"),
    )
    before = report.status
    report.status = DistrictReport.Status.OPEN
    report.reopen_reason = reason
    _record(
        report,
        action=DistrictReportEvent.Action.REOPEN,
        from_status=before,
        user=user,
        comment=reason,
    )
    return report


def describe(report):
    """One Thai line on a report's state, for pages and messages (dates in BE)."""
    Status = type(report).Status
    if report.status == Status.SUBMITTED and report.submitted_at:
        return _("ส่งรายงานเมื่อ %(when)s รอจังหวัดตรวจสอบ") % {
            "when": thaidate.format_thai_datetime(report.submitted_at)
        }
    if report.status == Status.APPROVED and report.approved_at:
        return _("อนุมัติเมื่อ %(when)s") % {"when": thaidate.format_thai_datetime(report.approved_at)}
    if report.status == Status.RETURNED:
        return _("จังหวัดส่งกลับให้แก้ไข: %(comment)s") % {"comment": report.reviewer_comment}
    return str(report.get_status_display())
