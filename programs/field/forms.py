"""The visit form (a ``FollowUp``), rendered with django-crispy-forms (bootstrap5)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Layout, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs.field.services import ItemError, parse_income
from programs.models import FollowUp
from sammachip import thaidate
from sammachip.images import UPLOAD_HELP, CheckedImageField

# GPS only when the officer taps (consent); field.js fills the hidden latitude/longitude.
LOCATION_BUTTON = (
    '<div class="mb-3"><button type="button" id="take-location" class="btn btn-outline-secondary"'
    ' hidden>{% load i18n %}{% translate "บันทึกตำแหน่ง" %}</button>'
    ' <span id="location-status" class="small text-body-secondary"></span></div>'
)


class VisitForm(forms.ModelForm):
    """What the officer records at the door. The income is text as typed (``3,500``, Thai
    digits), read like the household import reads it (``services.parse_income``)."""

    practising = forms.TypedChoiceField(
        label=_("ยังประกอบอาชีพอยู่หรือไม่"),
        choices=[("1", _("ยังประกอบอาชีพ")), ("0", _("ไม่ได้ประกอบอาชีพแล้ว"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    monthly_income = forms.CharField(
        label=_("รายได้จากอาชีพเดือนนี้ (บาท)"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": _("เช่น 3,500")}),
    )

    photo = CheckedImageField(
        label=_("รูปถ่าย (ถ้ามี)"),
        required=False,
        help_text=UPLOAD_HELP,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )

    class Meta:
        model = FollowUp
        fields = [
            "visited_on",
            "practising",
            "stopped_reason",
            "monthly_income",
            "notes",
            "latitude",
            "longitude",
        ]
        labels = {"stopped_reason": _("ถ้าไม่ได้ประกอบอาชีพแล้ว เพราะอะไร")}
        help_texts = {"stopped_reason": ""}
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "stopped_reason": forms.Textarea(attrs={"rows": 2}),
            "latitude": forms.HiddenInput,
            "longitude": forms.HiddenInput,
        }

    again = forms.BooleanField(
        label=_("บันทึกอีกครั้งในวันเดียวกัน (ตั้งใจบันทึกซ้ำ)"),
        required=False,
    )

    def __init__(self, *args, household, visited=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.household = household
        self.visited = set(visited)  # the days this household was visited already
        self.fields["visited_on"].initial = timezone.localdate()
        self.helper = FormHelper()
        self.helper.form_id = "visit-form"
        self.helper.layout = Layout(
            "visited_on",
            "practising",
            "stopped_reason",
            "monthly_income",
            "notes",
            "photo",
            HTML(LOCATION_BUTTON),
            "latitude",
            "longitude",
        )
        self.helper.attrs = {
            "data-household": household.pk,
            # field.js asks before queuing a second visit of the same day (ISO dates).
            "data-visited": " ".join(sorted(day.isoformat() for day in self.visited)),
        }
        self.helper.add_input(Submit("save", _("บันทึกการติดตาม"), css_class="btn-lg w-100"))

    def clean(self):
        """A second visit of the household on a day it has one already is a double save more
        often than a second visit: said, and saved only when the officer ticks ``again``."""
        cleaned = super().clean()
        day = cleaned.get("visited_on")
        if day in self.visited and not cleaned.get("again"):
            self.helper.layout.append("again")
            if day == timezone.localdate():
                said = _("มีบันทึกการติดตามของวันนี้แล้ว")
            else:
                said = _("มีบันทึกการติดตามของวันที่ %(day)s แล้ว") % {
                    "day": thaidate.format_thai_date(day)
                }
            raise ValidationError(
                _("%(said)s ถ้าตั้งใจบันทึกอีกครั้ง ให้เลือก “บันทึกอีกครั้งในวันเดียวกัน” แล้วกดบันทึก")
                % {"said": said},
                code="visited_already",
            )
        return cleaned

    def clean_monthly_income(self):
        try:
            return parse_income(self.cleaned_data["monthly_income"])
        except ItemError as error:
            raise ValidationError(str(error)) from None
