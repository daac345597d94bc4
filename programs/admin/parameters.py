"""The programme's parameters per fiscal year: provincial staff set them, district officers read
them (``sammachip.roles``); every change is in the audit log."""

from decimal import Decimal

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from programs import quality
from programs.models import ProgrammeYear
from programs.parameters import parse_followup_months
from sammachip import thaidate
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

        widgets = {
            # Django's number box for a small integer shows the spinner and hardly "2570".
            "fiscal_year": forms.TextInput(attrs={"inputmode": "numeric", "size": 8}),
        }

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
    # Short columns: nine figures with their long labels did not fit a 1366 px screen.
    list_display = [
        "fiscal_year",
        "guidance",
        "minimum_days",
        "followup_schedule",
        "evaluation",
        "targets",
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
        # A new year starts from the latest year's figures (or today's defaults), for the year
        # after it (or the current fiscal year when none is set yet).
        initial = super().get_changeform_initial_data(request)
        latest = ProgrammeYear.objects.order_by("-fiscal_year").first()
        if latest is not None:
            for name in self.form._meta.fields[1:]:
                initial.setdefault(name, getattr(latest, name))
        initial.setdefault(
            "fiscal_year",
            latest.fiscal_year + 1 if latest is not None else thaidate.current_fiscal_year(),
        )
        return initial

    @admin.display(description=_("แนวทาง (ทีม / ครัวเรือนต่อหมู่บ้าน)"))
    def guidance(self, obj):
        return _("%(team)d คน / %(households)d ครัวเรือน") % {
            "team": obj.team_size,
            "households": obj.households_per_village,
        }

    @admin.display(description=_("อบรมขั้นต่ำ"), ordering="minimum_training_days")
    def minimum_days(self, obj):
        return _("%(days)d วัน") % {"days": obj.minimum_training_days}

    @admin.display(description=_("ประเมินรายได้หลังสิ้นปี"), ordering="evaluation_months")
    def evaluation(self, obj):
        return _("%(months)d เดือน") % {"months": obj.evaluation_months}

    @admin.display(description=_("เป้าหมาย (ประกอบอาชีพ / รายได้ / กลุ่ม)"))
    def targets(self, obj):
        return _targets_text(obj)

    def changelist_view(self, request, extra_context=None):
        # An empty list is not "no parameters": a year without a row uses today's figures.
        defaults = ProgrammeYear()
        note = _(
            "ปีงบประมาณที่ไม่มีรายการในหน้านี้ใช้ค่าเริ่มต้น: ทีมละ %(team)d คน "
            "หมู่บ้านละ %(households)d ครัวเรือน อบรมอย่างน้อย %(days)d วัน "
            "ติดตามผลเดือนที่ %(schedule)s หลังอบรม ประเมินรายได้ %(months)d เดือนหลังสิ้นปี "
            "เป้าหมาย %(targets)s"
        ) % {
            "team": defaults.team_size,
            "households": defaults.households_per_village,
            "days": defaults.minimum_training_days,
            "schedule": defaults.followup_schedule,
            "months": defaults.evaluation_months,
            "targets": _targets_text(defaults),
        }
        return super().changelist_view(request, {"defaults_note": note, **(extra_context or {})})


def _targets_text(year):
    from programs.public_stats import target_text

    def fraction(value):
        return Decimal(str(value)) / 100

    return " / ".join(
        [
            target_text(fraction(year.target_practising)),
            target_text(fraction(year.target_income_change), signed=True),
            target_text(fraction(year.target_groups)),
        ]
    )
