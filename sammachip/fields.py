"""Model and form fields used across apps for Buddhist-Era dates and date-times (what they
read and show is ``sammachip.thaidate``'s); the citizen-ID fields, re-exported from
``sammachip.citizen_id``."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sammachip import thaidate
from sammachip.citizen_id import fields as id_fields
from sammachip.citizen_id import forms as id_forms

# ---- citizen IDs: their home is ``sammachip.citizen_id``; the names stay here for the
# migrations (``sammachip.fields.EncryptedCitizenIdField``) and older imports.
EncryptedCitizenIdField = id_fields.EncryptedCitizenIdField
CitizenIdHashField = id_fields.CitizenIdHashField
validate_citizen_id = id_fields.validate_citizen_id
CitizenIdFormField = id_forms.CitizenIdFormField

# ---- Buddhist-Era dates: the rules are ``sammachip.thaidate``'s ------------------------------

parse_thai_date = thaidate.parse_thai_date


class ThaiDateInput(forms.DateInput):
    """A text box showing ``วว/ดด/ปปปป`` in the Buddhist Era."""

    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__(attrs={"placeholder": "วว/ดด/ปปปป (พ.ศ.)", "size": 12, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, datetime.date):
            return thaidate.format_input_date(value)
        return value


class ThaiDateFormField(forms.DateField):
    widget = ThaiDateInput
    default_error_messages = {
        "invalid": _("กรุณากรอกวันที่เป็น วัน/เดือน/ปี พ.ศ. เช่น 21/06/2567"),
        "no_such_date": _("ไม่มีวันที่นี้ในปฏิทิน กรุณาตรวจสอบวันและเดือน (วัน/เดือน/ปี พ.ศ. เช่น 28/02/2569)"),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return thaidate.to_date(value)
        except thaidate.NoSuchDate:
            raise ValidationError(
                self.error_messages["no_such_date"], code="no_such_date"
            ) from None
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class ThaiDateField(models.DateField):
    """A date column whose forms (admin included) take and show Buddhist-Era dates."""

    def formfield(self, **kwargs):
        kwargs["form_class"] = ThaiDateFormField
        kwargs["widget"] = ThaiDateInput
        return super().formfield(**kwargs)


class ThaiDateTimeWidget(forms.MultiWidget):
    def __init__(self, attrs=None):
        time = forms.TimeInput(attrs={"size": 6, "placeholder": "ชช:นน"})
        super().__init__([ThaiDateInput(), time], attrs)

    def decompress(self, value):
        if not value:
            return [None, None]
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return [value.date(), value.strftime("%H:%M")]


class ThaiDateTimeField(forms.MultiValueField):
    """A date in the Buddhist Era (``21/06/2560``) and a time (``18:03``), local time."""

    widget = ThaiDateTimeWidget

    def __init__(self, **kwargs):
        kwargs.pop("max_length", None)
        super().__init__(
            fields=[ThaiDateFormField(), forms.TimeField(input_formats=["%H:%M", "%H.%M"])],
            require_all_fields=False,
            **kwargs,
        )

    def compress(self, data_list):
        if not data_list or data_list[0] is None:
            return None
        day, time = data_list[0], data_list[1] or datetime.time(0, 0)
        return timezone.make_aware(datetime.datetime.combine(day, time))


def plausible_date(field, *, since=datetime.date(1990, 1, 1), until=datetime.date(2100, 12, 31)):
    """A CheckConstraint condition keeping ``field`` in a plausible range (a CE year mistaken for
    BE, or BE for CE, falls outside it)."""
    return models.Q(**{f"{field}__gte": since, f"{field}__lte": until}) | models.Q(
        **{f"{field}__isnull": True}
    )
