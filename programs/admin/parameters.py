"""The programme's parameters per fiscal year: provincial staff set them, district officers read
them (``sammachip.roles``); every change is in the audit log."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from programs.models import ProgrammeYear
from programs.parameters import parse_followup_months
from sammachip.admin_tools import AuditedAdminMixin


class ProgrammeYearForm(forms.ModelForm):
    class Meta:
        model = ProgrammeYear
        fields = [
            "fiscal_year",
            "team_size",
            "households_per_village",
            "minimum_training_days",
            "followup_schedule",
            "evaluation_months",
            "target_practising",
            "target_income_change",
            "target_groups",
        ]

    def clean_followup_schedule(self):
        # Stored as typed by the rule: "1, 3, 6" (Thai digits and spacing normalised).
        months = parse_followup_months(self.cleaned_data["followup_schedule"])
        return ", ".join(str(month) for month in months)


@admin.register(ProgrammeYear)
class ProgrammeYearAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = ProgrammeYearForm
    change_form_template = "admin/programs/audited_change_form.html"
    list_display = [
        "fiscal_year",
        "team_size",
        "households_per_village",
        "minimum_training_days",
        "followup_schedule",
        "evaluation_months",
        "target_practising",
        "target_income_change",
        "target_groups",
    ]
    ordering = ["-fiscal_year"]
    fieldsets = [
        (None, {"fields": ["fiscal_year"]}),
        (
            _("แนวทาง (ใช้เตือน ไม่บังคับ)"),
            {"fields": ["team_size", "households_per_village"]},
        ),
        (
            _("การฝึกอบรมและการติดตามผล"),
            {"fields": ["minimum_training_days", "followup_schedule", "evaluation_months"]},
        ),
        (
            _("เป้าหมายตัวชี้วัด (ร้อยละ)"),
            {"fields": ["target_practising", "target_income_change", "target_groups"]},
        ),
    ]

    def get_changeform_initial_data(self, request):
        # A new year starts from the latest year's figures (or today's defaults).
        initial = super().get_changeform_initial_data(request)
        latest = ProgrammeYear.objects.order_by("-fiscal_year").first()
        if latest is not None:
            for name in self.form._meta.fields[1:]:
                initial.setdefault(name, getattr(latest, name))
        return initial
