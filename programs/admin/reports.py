"""District reports in the admin (issue 16): the list of reports (scoped), the officer's submit
page (what will be sent, then confirm), the provincial review page (approve, return with a
comment, reopen with a reason) and the admin-home panel: an officer's district-years with a
returned report first, provincial staff's queue of submitted districts with counts. Every step
goes through ``programs.reporting``."""

import tempfile
from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from programs import completeness, kpis, quality, reporting, reports
from programs.admin import report_files
from programs.models import (
    DistrictReport,
    DistrictReportEvent,
    ExportLog,
    FollowUp,
    Household,
    TrainerTeam,
    TrainingSession,
)
from programs.report_home import submit_url
from sammachip import thaidate
from sammachip.admin_tools import ReadOnlyAdminMixin
from sammachip.scoping import DistrictScopedAdminMixin, user_can_access
from sammachip.security import client_ip
from sammachip.templatetags.numbers import percent
from villages.models import District


class DistrictReportEventInline(ReadOnlyAdminMixin, DistrictScopedAdminMixin, admin.TabularInline):
    model = DistrictReportEvent
    fields = ["created_at_be", "action", "from_status", "to_status", "user", "comment"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["created_at", "id"]

    @admin.display(description=_("เมื่อ"))
    def created_at_be(self, obj):
        return thaidate.format_thai_datetime(obj.created_at)


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("คำชี้แจงถึงจังหวัด"),
        required=False,
        help_text=_("ต้องกรอกเมื่อผลตรวจคุณภาพข้อมูลมีข้อสังเกต"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("ความเห็นของผู้ตรวจสอบ"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("ต้องระบุเมื่อส่งกลับให้แก้ไข หรือเมื่อเปิดแก้ไขอีกครั้ง (เป็นเหตุผล)"),
    )


def district_counts(*, district, fiscal_year):
    """What a district-year holds, in four small queries: the submit and review pages."""
    households = Household.objects.filter(district=district, fiscal_year=fiscal_year)
    figures = households.aggregate(
        households=Count("id"),
        trained=Count("id", filter=Q(status__in=Household.TRAINED_OR_BEYOND)),
        practising=Count("id", filter=Q(status__in=Household.PRACTISING_STATUSES)),
        dropped=Count("id", filter=Q(status=Household.Status.DROPPED)),
        without_income=Count("id", filter=Q(income_before__isnull=True)),
    )
    figures["teams"] = TrainerTeam.objects.filter(
        district=district, fiscal_year=fiscal_year
    ).count()
    figures["sessions"] = TrainingSession.objects.filter(
        team__district=district, team__fiscal_year=fiscal_year
    ).count()
    figures["follow_ups"] = FollowUp.objects.filter(
        household__district=district, household__fiscal_year=fiscal_year
    ).count()
    return figures


@admin.register(DistrictReport)
class DistrictReportAdmin(ReadOnlyAdminMixin, DistrictScopedAdminMixin, admin.ModelAdmin):
    """Read-only rows (created on first need by ``reporting.report_for``, moved only through the
    submit and review pages, never deleted: the audit trail stays)."""

    list_display = [
        "district_name",
        "fiscal_year",
        "status",
        "submitted_at_be",
        "approved_at_be",
        "action_link",
    ]
    list_filter = ["status", "fiscal_year"]
    list_select_related = ["district"]
    search_fields = ["district__name_th", "=district__code"]
    ordering = ["-fiscal_year", "district_id"]
    inlines = [DistrictReportEventInline]
    fields = [
        "district",
        "fiscal_year",
        "status",
        "submit_note",
        "reviewer_comment",
        "reopen_reason",
        "submitted_by",
        "approved_by",
    ]
    readonly_fields = fields

    @admin.display(description=_("อำเภอ"), ordering="district__name_th")
    def district_name(self, obj):
        return obj.district.name_th

    @admin.display(description=_("ส่งรายงานเมื่อ"), ordering="submitted_at")
    def submitted_at_be(self, obj):
        return (
            thaidate.format_thai_datetime(obj.submitted_at, short=True) if obj.submitted_at else ""
        )

    @admin.display(description=_("อนุมัติเมื่อ"), ordering="approved_at")
    def approved_at_be(self, obj):
        return thaidate.format_thai_datetime(obj.approved_at, short=True) if obj.approved_at else ""

    @admin.display(description=_("ดำเนินการ"))
    def action_link(self, obj):
        return _action_link(obj, getattr(self, "_user", None))

    change_list_template = "admin/programs/districtreport/change_list.html"

    def changelist_view(self, request, extra_context=None):
        self._user = request.user
        extra_context = {
            **(extra_context or {}),
            "completeness_url": reverse("admin:programs_districtreport_completeness")
            if request.user.sees_all_districts
            else "",
            "report_files_url": reverse("admin:programs_districtreport_files"),
        }
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        return [
            path(
                "submit/<str:district>/<int:fiscal_year>/",
                self.admin_site.admin_view(self.submit_view),
                name="programs_districtreport_submit",
            ),
            path(
                "completeness/",
                self.admin_site.admin_view(self.completeness_view),
                name="programs_districtreport_completeness",
            ),
            path(
                "files/",
                self.admin_site.admin_view(self.report_files_view),
                name="programs_districtreport_files",
            ),
            path(
                "files/<str:kind>/print/",
                self.admin_site.admin_view(self.report_print_view),
                name="programs_districtreport_print",
            ),
            path(
                "files/<str:kind>/<str:file_format>/",
                self.admin_site.admin_view(self.report_file_view),
                name="programs_districtreport_file",
            ),
            path(
                "<int:object_id>/review/",
                self.admin_site.admin_view(self.review_view),
                name="programs_districtreport_review",
            ),
            *super().get_urls(),
        ]

    def report_files_view(self, request):
        return report_files.list_view(self, request)

    def report_file_view(self, request, kind, file_format):
        return report_files.file_view(self, request, kind, file_format)

    def report_print_view(self, request, kind):
        return report_files.print_view(self, request, kind)

    def submit_view(self, request, district, fiscal_year):
        """The officer sees what will be submitted, then confirms."""
        district = get_object_or_404(District.objects.in_province(), pk=district)
        if not user_can_access(request.user, district_report_probe(district)):
            raise PermissionDenied
        if not thaidate.current_fiscal_year() - 10 <= fiscal_year <= thaidate.current_fiscal_year():
            raise Http404
        status = reporting.report_status(district=district, fiscal_year=fiscal_year)
        form = NoteForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                reporting.report_submit(
                    district=district,
                    fiscal_year=fiscal_year,
                    user=request.user,
                    note=form.cleaned_data["note"],
                )
            except reporting.ReportError as error:
                self.message_user(request, error.messages[0], messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("ส่งรายงานปีงบประมาณ %(year)d ของอำเภอ%(district)s แล้ว รอจังหวัดตรวจสอบ")
                    % {"year": fiscal_year, "district": district.name_th},
                    messages.SUCCESS,
                )
                return redirect("admin:index")
        report = DistrictReport.objects.filter(district=district, fiscal_year=fiscal_year).first()
        return TemplateResponse(
            request,
            "admin/programs/districtreport/submit.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("ส่งรายงานปีงบประมาณ %(year)d อำเภอ%(district)s")
                % {"year": fiscal_year, "district": district.name_th},
                "district": district,
                "fiscal_year": fiscal_year,
                "report": report,
                "can_submit": status
                in (DistrictReport.Status.OPEN, DistrictReport.Status.RETURNED),
                "status_label": DistrictReport.Status(status).label,
                "counts": district_counts(district=district, fiscal_year=fiscal_year),
                "quality": quality.run(district=district, fiscal_year=fiscal_year),
                "form": form,
            },
        )

    def completeness_view(self, request):
        """Provincial staff: every district's report state, last step, share of villages with
        complete records and days overdue, for one fiscal year (``?year=``, BE)."""
        if not request.user.sees_all_districts:
            raise PermissionDenied
        current = thaidate.current_fiscal_year()
        fiscal_year = report_files.asked_year(request)
        rows, deadline = completeness.district_rows(fiscal_year)
        if request.GET.get("format") == "xlsx":
            return self._completeness_xlsx(request, rows, fiscal_year, deadline)
        return TemplateResponse(
            request,
            "admin/programs/districtreport/completeness.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("ความครบถ้วนของรายงานประจำปีงบประมาณ %(year)d") % {"year": fiscal_year},
                "fiscal_year": fiscal_year,
                "previous_year": fiscal_year - 1 if fiscal_year > current - 10 else None,
                "next_year": fiscal_year + 1 if fiscal_year < current + 1 else None,
                "rows": rows,
                "deadline": deadline,
                "overdue": sum(1 for row in rows if row.days_overdue),
            },
        )

    def _completeness_xlsx(self, request, rows, fiscal_year, deadline):
        """The completeness page as an xlsx download, recorded in the export log."""
        target = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
        reports.write_completeness_xlsx(
            target, rows, fiscal_year=fiscal_year, deadline=deadline, generated_at=timezone.now()
        )
        target.seek(0)
        reports.record(
            kind="completeness",
            fiscal_year=fiscal_year,
            file_format="xlsx",
            rows=len(rows),
            user=request.user,
            source=ExportLog.Source.ADMIN,
            remote_addr=client_ip(request),
        )
        name = reports.filename("completeness", fiscal_year=fiscal_year)
        return FileResponse(target, as_attachment=True, filename=name)

    def review_view(self, request, object_id):
        """Provincial staff: the district's figures, the officer's note and the steps so far;
        approve, return with a comment, or reopen an approved report with a reason."""
        if not request.user.sees_all_districts:
            raise PermissionDenied
        report = get_object_or_404(
            self.get_queryset(request).select_related("district"), pk=object_id
        )
        form = ReviewForm(request.POST or None)
        steps = {
            "approve": reporting.report_approve,
            "return": reporting.report_return,
            "reopen": reporting.report_reopen,
        }
        if request.method == "POST" and form.is_valid():
            step = request.POST.get("step")
            if step not in steps:
                raise PermissionDenied
            words = form.cleaned_data["comment"]
            kwargs = {"reason": words} if step == "reopen" else {"comment": words}
            try:
                steps[step](
                    district=report.district_id,
                    fiscal_year=report.fiscal_year,
                    user=request.user,
                    **kwargs,
                )
            except reporting.ReportError as error:
                self.message_user(request, error.messages[0], messages.ERROR)
            else:
                report.refresh_from_db()
                self.message_user(request, reporting.describe(report), messages.SUCCESS)
                return redirect("admin:index")
        review_kpis = _review_kpis(report)
        previous = previous_approved(report)
        return TemplateResponse(
            request,
            "admin/programs/districtreport/review.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("ตรวจรายงานปีงบประมาณ %(year)d อำเภอ%(district)s")
                % {"year": report.fiscal_year, "district": report.district.name_th},
                "report": report,
                "counts": district_counts(
                    district=report.district_id, fiscal_year=report.fiscal_year
                ),
                "kpis": review_kpis,
                "previous": previous,
                "diff": year_diff(previous.snapshot.get("kpis") or {}, review_kpis["figures"])
                if previous
                else [],
                "breakdown": _review_breakdown(report, review_kpis),
                "events": report.events.select_related("user").order_by("created_at", "id"),
                "form": form,
            },
        )


def _review_kpis(report):
    """The KPIs the reviewer reads: the approved snapshot, or the live figures until then."""
    if report.status == DistrictReport.Status.APPROVED and report.snapshot:
        return {
            "figures": report.snapshot.get("kpis") or {},
            "approved": True,
            "breakdown": report.snapshot.get("breakdown"),
        }
    snapshot = reporting.district_snapshot(
        district=report.district_id, fiscal_year=report.fiscal_year
    )
    return {"figures": snapshot["kpis"], "approved": False, "breakdown": snapshot["breakdown"]}


def previous_approved(report):
    """The district's latest approved report of an earlier fiscal year (with its snapshot), or
    None: what the review page compares this year with."""
    return (
        DistrictReport.objects.filter(
            district_id=report.district_id,
            fiscal_year__lt=report.fiscal_year,
            status=DistrictReport.Status.APPROVED,
        )
        .exclude(snapshot__isnull=True)
        .order_by("-fiscal_year")
        .first()
    )


# The figures the review page compares with the previous approved year: key of the KPI row,
# label, kind ("count": change and % change; "share": change in percentage points; "money").
DIFF_ROWS = (
    ("households", _("ครัวเรือนเป้าหมาย"), "count"),
    ("trained", _("ฝึกอบรมแล้ว"), "count"),
    ("practising", _("ประกอบอาชีพ (รวมที่รวมกลุ่ม)"), "count"),
    ("dropped", _("เลิก"), "count"),
    ("listed_villages", _("หมู่บ้านที่มีครัวเรือนเป้าหมาย"), "count"),
    ("villages", _("หมู่บ้านเป้าหมาย (มีทีมวิทยากร)"), "count"),
    ("grouped_villages", _("หมู่บ้านเป้าหมายที่มีกลุ่มอาชีพ"), "count"),
    ("mean_income_before", _("รายได้เฉลี่ยก่อนเข้าร่วม (บาท/เดือน)"), "money"),
    ("mean_income_after", _("รายได้เฉลี่ยหลังเข้าร่วม (บาท/เดือน)"), "money"),
    ("practising_share", _("ครัวเรือนที่ประกอบอาชีพ / ที่ฝึกอบรม"), "share"),
    ("income_change", _("รายได้เฉลี่ยจากอาชีพเปลี่ยนไป"), "share"),
    ("group_share", _("หมู่บ้านที่มีกลุ่มอาชีพ"), "share"),
)


def _number(value):
    if value is None or value == "":
        return None
    return Decimal(str(value))


def year_diff(previous, current):
    """Rows ``{label, kind, previous, current, change, change_share}`` comparing two KPI rows
    (``district_kpis`` as stored in a snapshot: numbers may be strings). ``change`` is current −
    previous (for a share: in percentage points), ``change_share`` the change over the previous
    value (counts and money only; None when either is missing or the previous is 0)."""
    rows = []
    for key, label, kind in DIFF_ROWS:
        before, now = _number(previous.get(key)), _number(current.get(key))
        change = None if before is None or now is None else now - before
        if kind == "share" and change is not None:
            change *= 100
        change_share = (
            change / before if kind != "share" and change is not None and before else None
        )
        rows.append(
            {
                "label": label,
                "kind": kind,
                "previous": before,
                "current": now,
                "change": change,
                "change_share": change_share,
                "previous_text": _value_text(before, kind, signed=key == "income_change"),
                "current_text": _value_text(now, kind, signed=key == "income_change"),
                "change_text": _change_text(change, kind),
                "change_share_text": percent(change_share, signed=True)
                if change_share is not None
                else "",
            }
        )
    return rows


def _value_text(value, kind, signed=False):
    if value is None:
        return "—"
    if kind == "share":
        return percent(value, signed=signed)
    if kind == "money":
        return f"{value.quantize(Decimal('1')):,}"
    return f"{value:,}"


def _change_text(change, kind):
    if change is None:
        return "—"
    if kind == "share":
        change = change.quantize(Decimal("0.1"))
        return _("%(sign)s%(n)s จุด") % {"sign": "+" if change > 0 else "", "n": f"{change:,}"}
    if kind == "money":
        change = change.quantize(Decimal("1"))
    return f"+{change:,}" if change > 0 else f"{change:,}"


def _review_breakdown(report, review_kpis):
    """The district-year's KPIs by occupation type and by target group: as in the snapshot (the
    approved one, or the one just taken from the records), else from the records (a snapshot
    approved before it stored them)."""
    if review_kpis.get("breakdown"):
        return review_kpis["breakdown"]
    return kpis.kpi_breakdown(
        fiscal_year=report.fiscal_year,
        households=Household.objects.filter(district=report.district_id),
    )


def district_report_probe(district):
    """A report object of ``district`` for scoping's ``user_can_access`` (not saved)."""
    return DistrictReport(district=district)


def _action_link(report, user):
    if user is not None and user.sees_all_districts and report.pk:
        url = reverse("admin:programs_districtreport_review", args=[report.pk])
        return format_html('<a href="{}">{}</a>', url, _("ตรวจสอบ"))
    if report.status in (DistrictReport.Status.OPEN, DistrictReport.Status.RETURNED):
        return format_html(
            '<a href="{}">{}</a>',
            submit_url(report.district_id, report.fiscal_year),
            _("ส่งรายงาน"),
        )
    return ""
