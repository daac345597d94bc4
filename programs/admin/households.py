"""Households: the changelist, the change form and the status actions."""

from django.contrib import admin, messages
from django.contrib.admin.views.main import SEARCH_VAR
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from programs import services
from programs.admin.base import FiscalYearFilter, ProgrammeAdmin, listing_checked_by
from programs.admin.household_export import HouseholdExportMixin
from programs.admin.household_import import HouseholdImportMixin
from programs.admin.progress import HouseholdProgressMixin
from programs.models import FollowUp, Household
from sammachip.admin_tools import (
    AuditedAdminMixin,
    CitizenIdAdminMixin,
    StaleEditAdminMixin,
)
from sammachip.citizen_id.forms import CitizenIdFormMixin
from sammachip.paginator import LargeTablePaginator
from sammachip.scoping import DistrictScopedAdminMixin


class HouseholdForm(CitizenIdFormMixin):
    class Meta:
        model = Household
        fields = "__all__"


class FollowUpInline(DistrictScopedAdminMixin, admin.TabularInline):
    model = FollowUp
    fields = ["visited_on", "practising", "monthly_income", "notes", "officer"]
    readonly_fields = ["officer"]
    extra = 1


@admin.register(Household)
class HouseholdAdmin(
    StaleEditAdminMixin,
    HouseholdImportMixin,
    HouseholdExportMixin,
    HouseholdProgressMixin,
    CitizenIdAdminMixin,
    AuditedAdminMixin,
    ProgrammeAdmin,
):
    """Households: the list (scoped, paged by key), the form with its follow-ups, the status
    actions; the Excel import (``household_import``), export (``household_export``) and the KPI
    page (``progress``) are wired in ``get_urls`` from their own modules."""

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
    list_filter = ["district", "village__subdistrict", FiscalYearFilter, "status", "occupation"]
    search_fields = ["first_name__startswith", "last_name__startswith", "=house_no"]
    search_help_text = _("ค้นหาด้วยชื่อหรือนามสกุล (ขึ้นต้นด้วย) บ้านเลขที่ หรือเลขประจำตัวประชาชน 13 หลัก")
    autocomplete_fields = ["village", "trainer_team", "group", "occupation"]
    actions = ["mark_trained", "mark_practising"]
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
                ]
            },
        ),
        (_("การฝึกอาชีพ"), {"fields": ["occupation", "trainer_team", "status", "group"]}),
        (_("รายได้จากอาชีพ (บาท/เดือน)"), {"fields": ["income_before", "income_after"]}),
    ]

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

    def _set_status(self, request, queryset, status):
        changed = services.households_set_status(households=queryset, status=status)
        self.message_user(
            request,
            ngettext(
                "เปลี่ยนสถานะ %(n)d ครัวเรือนเป็น “%(s)s”",
                "เปลี่ยนสถานะ %(n)d ครัวเรือนเป็น “%(s)s”",
                changed,
            )
            % {"n": changed, "s": Household.Status(status).label},
            messages.SUCCESS,
        )

    @admin.action(description=_("เปลี่ยนสถานะเป็น ฝึกอบรมแล้ว"), permissions=["change"])
    def mark_trained(self, request, queryset):
        self._set_status(request, queryset, Household.Status.TRAINED)

    @admin.action(description=_("เปลี่ยนสถานะเป็น ประกอบอาชีพ"), permissions=["change"])
    def mark_practising(self, request, queryset):
        self._set_status(request, queryset, Household.Status.PRACTISING)

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
