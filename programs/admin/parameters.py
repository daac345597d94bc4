"""The programme's parameters per fiscal year: provincial staff set them, district officers read
them (``sammachip.roles``); every change is in the audit log."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from programs import quality
from programs.models import ProgrammeYear
from programs.parameters import parse_followup_months
from sammachip.admin_tools import AuditedAdminMixin


def _warning_choices():
    return [
        (rule.code, f"{rule.code} {_message_text(rule)}")
        for rule in quality.RULES
        if rule.severity == quality.WARNING
    ]


def _message_text(rule):
    # The rule's message without its figures (they are this form's own fields).
    return str(rule.message).split(" (")[0]


class ProgrammeYearForm(forms.ModelForm):
    quality_rules_off = forms.TypedMultipleChoiceField(
        label=_("ปิดคำเตือนคุณภาพข้อมูลของปีนี้"),
        choices=_warning_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "คำเตือนที่เลือกจะไม่ตรวจเมื่ออำเภอส่งรายงานของปีนี้ ข้อผิดพลาด (เช่น ไม่มีรายได้ก่อนเข้าร่วม) ปิดไม่ได้"
        ),
    )

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
            "report_deadline",
            "income_rise_max",
            "income_drop_max",
            "phone_shared_max",
            "quality_rules_off",
        ]

    def clean_quality_rules_off(self):
        # Only warnings are offered; an error code posted anyway is refused by the choices.
        return sorted(self.cleaned_data["quality_rules_off"])

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
        (
            _("รายงานประจำปีและคุณภาพข้อมูล"),
            {
                "fields": [
                    "report_deadline",
                    "income_rise_max",
                    "income_drop_max",
                    "phone_shared_max",
                    "quality_rules_off",
                ]
            },
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
