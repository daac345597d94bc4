"""Households: the changelist, the change form (the stage read-only: ``programs.stages``) and
the one action, a dated, reasoned drop decision."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.views.main import SEARCH_VAR
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from programs import kpis, schedule, stages
from programs.admin.base import FiscalYearFilter, ProgrammeAdmin, listing_checked_by
from programs.admin.household_export import HouseholdExportMixin
from programs.admin.household_import import HouseholdImportMixin
from programs.admin.household_jobs import HouseholdJobsMixin
from programs.admin.locking import YearLockedAdminMixin
from programs.admin.progress import HouseholdProgressMixin, KpiFilter, VillageFilter
from programs.models import FollowUp, Household, IncomeSource
from sammachip import thaidate
from sammachip.admin_tools import (
    AuditedAdminMixin,
    CitizenIdAdminMixin,
    LabelledCellsMixin,
    StaleEditAdminMixin,
)
from sammachip.citizen_id.forms import CitizenIdFormMixin
from sammachip.fields import ThaiDateFormField, ThaiDateInput
from sammachip.paginator import LargeTablePaginator
from sammachip.scoping import DistrictScopedAdminMixin


class HouseholdForm(CitizenIdFormMixin):
    class Meta:
        model = Household
        fields = "__all__"


class FollowUpDueFilter(admin.SimpleListFilter):
    """The follow-up schedule (``programs.schedule``): visits due this week, overdue, or trained
    and never visited; the officer's home links here."""

    title = _("กำหนดติดตามผล")
    parameter_name = "followup"

    def lookups(self, request, model_admin):
        return schedule.FILTER_CHOICES

    def queryset(self, request, queryset):
        if self.value() in dict(schedule.FILTER_CHOICES):
            return schedule.households_in(queryset, self.value())
        return queryset


class StagePendingFilter(admin.SimpleListFilter):
    """Households whose stage was typed before it was derived and kept (migration 0008) for an
    officer to confirm (``StageDecision.PENDING_REASON``)."""

    title = _("สถานะรอยืนยัน")
    parameter_name = "stage_pending"

    def lookups(self, request, model_admin):
        return [("yes", _("สถานะเดิมรอเจ้าหน้าที่ยืนยัน"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.stage_pending()
        return queryset


class DropDecisionForm(forms.Form):
    """The date and the reason of a decision that households gave the occupation up."""

    decided_on = ThaiDateFormField(
        label=_("วันที่ตัดสินใจ"),
        # Wide enough for its placeholder (วว/ดด/ปปปป (พ.ศ.)); today unless said otherwise.
        widget=ThaiDateInput(attrs={"size": 20}),
        initial=timezone.localdate,
        help_text=_("ปี พ.ศ. เช่น 21/06/2569 ไม่เกินวันนี้"),
    )
    reason = forms.CharField(
        label=_("เหตุผล"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        max_length=2000,
        help_text=_("เช่น ย้ายไปทำงานต่างจังหวัด หรือเปลี่ยนไปประกอบอาชีพอื่น"),
    )

    def clean_decided_on(self):
        decided_on = self.cleaned_data["decided_on"]
        if decided_on > timezone.localdate():
            raise forms.ValidationError(_("วันที่ตัดสินใจต้องไม่เกินวันนี้"))
        return decided_on

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("กรุณาระบุเหตุผล"))
        return reason


class FollowUpInline(
    LabelledCellsMixin, YearLockedAdminMixin, DistrictScopedAdminMixin, admin.TabularInline
):
    model = FollowUp
    fields = ["visited_on", "practising", "monthly_income", "stopped_reason", "notes", "officer"]
    readonly_fields = ["officer"]
    extra = 1

    def cell_row_label(self, obj):
        return _("การติดตามวันที่ %(date)s") % {"date": thaidate.format_thai_date(obj.visited_on)}


@admin.register(Household)
class HouseholdAdmin(
    StaleEditAdminMixin,
    HouseholdJobsMixin,  # big files as background jobs, around the import and the export
    HouseholdImportMixin,
    HouseholdExportMixin,
    HouseholdProgressMixin,
    CitizenIdAdminMixin,
    AuditedAdminMixin,
    ProgrammeAdmin,
):
    """Households: the list (scoped, paged by key), the form with its follow-ups, the drop
    decision action; the Excel import (``household_import``), export (``household_export``) and
    the KPI page (``progress``) are wired in ``get_urls`` from their own modules."""

    form = HouseholdForm
    change_form_template = "admin/programs/citizen_id_change_form.html"
    change_list_template = "admin/programs/household/change_list.html"
    full_id_permission = "programs.view_full_citizen_id"
    # Millions of rows nationally: the unfiltered count is PostgreSQL's estimate (shown as
    # ประมาณ by admin/programs/household/pagination.html) and deep pages are picked by key.
    paginator = LargeTablePaginator
    search_count_cap = 10_000
    # Moved by services and bulk actions: not someone else's edit (StaleEditAdminMixin).
    stale_edit_system_fields = ["status"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return listing_checked_by(form, request.user)

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        paginator = super().get_paginator(
            request,
            queryset,
            per_page,
            orphans=orphans,
            allow_empty_first_page=allow_empty_first_page,
        )
        if request.GET.get(SEARCH_VAR, "").strip():
            # Above a page and above "show all": a cap under either would list every match.
            paginator.count_cap = max(self.search_count_cap, per_page, self.list_max_show_all)
        return paginator

    def response_action(self, request, queryset):
        """An action on "all N" rows runs only when N is an exact count: with an estimated or
        capped count (``LargeTablePaginator``) the rows it would change are not the number the
        page showed (actions.html does not offer it then either)."""
        if request.POST.get("select_across") == "1":
            paginator = self.get_paginator(request, queryset, self.list_per_page)
            paginator.count  # noqa: B018 - decides whether the count is exact
            if paginator.count_is_estimate or paginator.count_is_capped:
                self.message_user(
                    request,
                    _(
                        "เลือกทั้งหมดไม่ได้เมื่อจำนวนรายการเป็นตัวเลขประมาณ "
                        "กรุณาค้นหาหรือกรองให้แคบลงก่อน แล้วลองอีกครั้ง"
                    ),
                    messages.WARNING,
                )
                return redirect(request.get_full_path())
        return super().response_action(request, queryset)

    list_display = [
        "full_name",
        "house_no",
        "village_name",
        "fiscal_year",
        "status",
        "occupation",
        "citizen_id_masked",
    ]
    list_select_related = ["village", "occupation"]
    list_filter = [
        "district",
        "village__subdistrict",
        FiscalYearFilter,
        "status",
        "occupation",
        "occupation__type",
        "target_group",
        KpiFilter,
        VillageFilter,
        FollowUpDueFilter,
        StagePendingFilter,
    ]
    search_fields = ["first_name__startswith", "last_name__startswith", "=house_no"]
    # The household pickers (decisions, follow-ups, attendees) search a district's households
    # inside their names, by village and by year; the changelist keeps its indexed prefix search.
    autocomplete_search_fields = [
        "first_name",
        "last_name",
        "=house_no",
        "village__name_th",
        "fiscal_year__exact",
    ]
    search_help_text = _("ค้นหาด้วยชื่อหรือนามสกุล (ขึ้นต้นด้วย) บ้านเลขที่ หรือเลขประจำตัวประชาชน 13 หลัก")
    autocomplete_fields = ["village", "trainer_team", "group", "occupation"]
    actions = ["record_drop_decision"]
    # Derived from the record (programs.stages): shown, never typed.
    readonly_fields = ["status", "income_after_source"]
    inlines = [FollowUpInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "village",
                    "fiscal_year",
                    "house_no",
                    "prefix",
                    "first_name",
                    "last_name",
                    "citizen_id",
                    "phone",
                    "target_group",
                ]
            },
        ),
        (_("การฝึกอาชีพ"), {"fields": ["occupation", "trainer_team", "status", "group"]}),
        (
            _("รายได้จากอาชีพ (บาท/เดือน)"),
            {"fields": ["income_before", "income_after", "income_after_source"]},
        ),
    ]

    def save_model(self, request, obj, form, change):
        """An income typed here is the officer's ("manual"): follow-ups no longer replace it;
        emptied, it comes back from the latest follow-up (``kpis.household_income_refresh``)."""
        cleared = False
        if "income_after" in form.changed_data:
            cleared = obj.income_after is None
            obj.income_after_source = IncomeSource.NONE if cleared else IncomeSource.MANUAL
        super().save_model(request, obj, form, change)
        if cleared and change:
            kpis.household_income_refresh(households=[obj])

    @admin.display(description=_("ชื่อ-สกุล"), ordering="first_name")
    def full_name(self, obj):
        return obj.full_name

    @admin.display(description=_("หมู่บ้าน"), ordering="village__code")
    def village_name(self, obj):
        return f"{obj.village.name_th} ม.{obj.village.moo}"

    def save_formset(self, request, form, formset, change):
        if formset.model is FollowUp:
            for follow_up in formset.save(commit=False):
                follow_up.officer = follow_up.officer or request.user
                follow_up.save()
            for obj in formset.deleted_objects:
                obj.delete()
            return
        super().save_formset(request, form, formset, change)

    def changelist_view(self, request, extra_context=None):
        if request.GET.get(FollowUpDueFilter.parameter_name):
            # The schedule's filter in SQL (programs.schedule.without_jit).
            with schedule.without_jit():
                return super().changelist_view(request, extra_context)
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("บันทึกการตัดสินใจ (เลิก)"), permissions=["change"])
    def record_drop_decision(self, request, queryset):
        """Asks for the date and the reason on a page listing the households, then records a
        ``StageDecision`` (dropped) for each (``programs.stages``)."""
        households = list(queryset.select_related("village").order_by("village__code", "pk"))
        form = DropDecisionForm(request.POST if "decided_on" in request.POST else None)
        if form.is_bound and form.is_valid():
            decisions = stages.stage_decisions_record(
                households=households,
                decided_on=form.cleaned_data["decided_on"],
                reason=form.cleaned_data["reason"],
                officer=request.user,
            )
            self.message_user(
                request,
                ngettext(
                    "บันทึกการตัดสินใจเลิกของ %(n)d ครัวเรือนแล้ว",
                    "บันทึกการตัดสินใจเลิกของ %(n)d ครัวเรือนแล้ว",
                    len(decisions),
                )
                % {"n": len(decisions)},
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/programs/household/drop_decision.html",
            {
                **self.admin_site.each_context(request),
                "title": _("บันทึกการตัดสินใจ (เลิก)"),
                "opts": self.opts,
                "households": households,
                "form": form,
                "action": "record_drop_decision",
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    def get_urls(self):
        return [
            path(
                "progress/",
                self.admin_site.admin_view(self.progress_view),
                name="programs_household_progress",
            ),
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="programs_household_export",
            ),
            path(
                "import-template/",
                self.admin_site.admin_view(self.import_template_view),
                name="programs_household_import_template",
            ),
            *super().get_urls(),
        ]
