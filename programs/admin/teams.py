"""Trainer teams: the sage's four members and the grid of the team's target households."""

from django.contrib import admin, messages
from django.db.models import Count, Exists, OuterRef
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from programs import parameters
from programs.admin.base import FiscalYearFilter, ProgrammeAdmin, listing_checked_by
from programs.admin.locking import YearLockedAdminMixin
from programs.models import Household, TeamMember, TrainerTeam, TrainingSession, by_house_number
from sammachip import thaidate
from sammachip.admin_tools import (
    AuditedAdminMixin,
    LabelledCellsMixin,
    SensitivePostAdminMixin,
    StaleEditAdminMixin,
)
from sammachip.citizen_id.forms import CitizenIdFormMixin
from sammachip.scoping import DistrictScopedAdminMixin


class HasSessionFilter(admin.SimpleListFilter):
    """Teams with or without a training session recorded (the officer's home links here)."""

    title = _("การฝึกอบรม")
    parameter_name = "has_session"

    def lookups(self, request, model_admin):
        return [("yes", _("มีการฝึกอบรมแล้ว")), ("no", _("ยังไม่มีการฝึกอบรม"))]

    def queryset(self, request, queryset):
        sessions = Exists(TrainingSession.objects.filter(team=OuterRef("pk")))
        if self.value() == "yes":
            return queryset.filter(sessions)
        if self.value() == "no":
            return queryset.filter(~sessions)
        return queryset


class TeamMemberInline(
    LabelledCellsMixin, YearLockedAdminMixin, DistrictScopedAdminMixin, admin.TabularInline
):
    model = TeamMember
    fields = ["prefix", "first_name", "last_name", "role", "phone"]
    extra = 0

    def get_extra(self, request, obj=None, **kwargs):
        existing = obj.members.count() if obj else 0
        return max(0, 4 - existing)


class TeamHouseholdForm(CitizenIdFormMixin):
    class Meta:
        model = Household
        fields = [
            "prefix",
            "first_name",
            "last_name",
            "house_no",
            "citizen_id",
            "phone",
            "target_group",
        ]


class TeamHouseholdFormSet(BaseInlineFormSet):
    """The team page's household grid: each row takes the team's village, year, occupation."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        team = self.instance
        household = form.instance
        household.village_id = team.village_id
        household.fiscal_year = team.fiscal_year
        if team.village_id:
            household.district_id = team.village.district_id
        if not household.occupation_id:
            household.occupation_id = team.occupation_id
        return form

    def clean(self):
        super().clean()
        seen = {}
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            number = form.cleaned_data.get("citizen_id")
            if not number:
                continue
            if number in seen:
                form.add_error(
                    "citizen_id",
                    _("เลขประจำตัวประชาชนซ้ำกับแถวที่ %(row)d ในตารางนี้") % {"row": seen[number]},
                )
            else:
                seen[number] = self.forms.index(form) + 1


class TeamHouseholdInline(
    LabelledCellsMixin, YearLockedAdminMixin, DistrictScopedAdminMixin, admin.TabularInline
):
    model = Household
    form = TeamHouseholdForm
    formset = TeamHouseholdFormSet
    fk_name = "trainer_team"
    fields = [
        "prefix",
        "first_name",
        "last_name",
        "house_no",
        "citizen_id",
        "phone",
        "target_group",
        "status",
    ]
    # Derived from the record (programs.stages): shown, never typed.
    readonly_fields = ["status"]
    verbose_name = _("ครัวเรือนเป้าหมาย")
    verbose_name_plural = _("ครัวเรือนเป้าหมายของทีม (ประมาณ 20 ครัวเรือน)")
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).order_by(*by_house_number())

    def get_extra(self, request, obj=None, **kwargs):
        existing = obj.households.count() if obj else 0
        year = obj.fiscal_year if obj else thaidate.current_fiscal_year()
        return max(1, parameters.for_year(year).households_per_village - existing)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = listing_checked_by(formset.form, request.user)
        return formset


@admin.register(TrainerTeam)
class TrainerTeamAdmin(
    StaleEditAdminMixin, SensitivePostAdminMixin, AuditedAdminMixin, ProgrammeAdmin
):
    list_display = [
        "__str__",
        "fiscal_year",
        "sage",
        "occupation",
        "member_count",
        "household_count",
    ]
    list_select_related = ["village", "sage", "occupation"]
    list_filter = [FiscalYearFilter, "district", "occupation", HasSessionFilter]
    # The team picker's words: the village (inside its name, or its code), the sage, the year.
    search_fields = [
        "village__name_th",
        "=village__code",
        "sage__first_name",
        "sage__last_name",
        "fiscal_year__exact",
    ]
    autocomplete_fields = ["village", "sage", "occupation"]
    inlines = [TeamMemberInline, TeamHouseholdInline]
    ordering = ["-fiscal_year", "village__code"]
    change_form_template = "admin/programs/audited_change_form.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            # A select_related here replaces list_select_related, so name them all.
            .select_related("village", "sage", "occupation")
            .annotate(
                member_total=Count("members", distinct=True),
                household_total=Count("households", distinct=True),
            )
        )

    @admin.display(description=_("ทีม (รวมปราชญ์)"), ordering="member_total")
    def member_count(self, obj):
        return obj.member_total + 1

    @admin.display(description=_("ครัวเรือน"), ordering="household_total")
    def household_count(self, obj):
        return obj.household_total

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        team = form.instance
        members = team.members.count()
        households = team.households.count()
        guidance = parameters.for_year(team.fiscal_year)  # warnings only, never a block
        if members + 1 != guidance.team_size:
            messages.warning(
                request,
                _("ทีมวิทยากรตามแนวทางมี %(size)d คน (ปราชญ์ + สมาชิก %(members)d คน) ขณะนี้มี %(n)d คน")
                % {"size": guidance.team_size, "members": guidance.team_size - 1, "n": members + 1},
            )
        if abs(households - guidance.households_per_village) > 5:
            messages.warning(
                request,
                _("แนวทางกำหนดครัวเรือนเป้าหมายประมาณ %(target)d ครัวเรือนต่อหมู่บ้าน ขณะนี้มี %(n)d ครัวเรือน")
                % {"target": guidance.households_per_village, "n": households},
            )
        if team.sage.village_id != team.village_id:
            messages.warning(request, _("ปราชญ์ของทีมอยู่ต่างหมู่บ้านกับหมู่บ้านเป้าหมาย"))
