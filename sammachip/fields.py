"""Model and form fields used across apps for Buddhist-Era dates and date-times (what they
read and show is ``sammachip.thaidate``'s), numbers as a person types them (``sammachip.numbers``);
the citizen-ID fields, re-exported from ``sammachip.citizen_id``."""

import datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sammachip import numbers, thaidate
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
    """A text box showing ``วว/ดด/ปปปป`` in the Buddhist Era; in the admin a calendar in Thai
    opens beside it (``data-thaidate``: static/js/admin-forms.js) and typing still works."""

    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__(
            attrs={
                "placeholder": "วว/ดด/ปปปป (พ.ศ.)",
                "size": 18,
                "class": "vThaiDateField",
                "autocomplete": "off",
                "data-thaidate": "",
                **(attrs or {}),
            }
        )

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


# ---- numbers as typed: Thai digits and thousands separators ----------------------------------


class ThaiNumberInput(forms.TextInput):
    """A text box for a number (``type=number`` refuses "3,500" and Thai digits in the browser):
    the phone's number pad through ``inputmode``; ``grouped`` shows thousands separators."""

    def __init__(self, attrs=None, *, decimal=False, grouped=False):
        self.grouped = grouped
        css = "vDecimalField" if decimal else "vIntegerField"
        super().__init__(
            attrs={"inputmode": "decimal" if decimal else "numeric", "class": css, **(attrs or {})}
        )

    def format_value(self, value):
        if self.grouped and isinstance(value, Decimal | int) and not isinstance(value, bool):
            return f"{value:,}"
        return super().format_value(value)


class ThaiIntegerFormField(forms.IntegerField):
    """An integer typed ``2569``, ``๒๕๖๙`` or ``3,500``."""

    widget = ThaiNumberInput

    def to_python(self, value):
        if isinstance(value, str):
            value = numbers.typed_number(value)
        return super().to_python(value)


class ThaiDecimalFormField(forms.DecimalField):
    """An amount typed ``3,500``, ``๓,๕๐๐.๕๐`` or ``3500``; shown with thousands separators."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", ThaiNumberInput(decimal=True, grouped=True))
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = numbers.typed_number(value)
        return super().to_python(value)


# The admin's form field for each number column (``SammachipAdminConfig`` makes them the
# admin's defaults, for every ModelAdmin and inline).
ADMIN_NUMBER_FORMFIELDS = {
    models.IntegerField: {"form_class": ThaiIntegerFormField, "widget": ThaiNumberInput},
    models.BigIntegerField: {"form_class": ThaiIntegerFormField, "widget": ThaiNumberInput},
    models.DecimalField: {"form_class": ThaiDecimalFormField},
}


def plausible_date(field, *, since=datetime.date(1990, 1, 1), until=datetime.date(2100, 12, 31)):
    """A CheckConstraint condition keeping ``field`` in a plausible range (a CE year mistaken for
    BE, or BE for CE, falls outside it)."""
    return models.Q(**{f"{field}__gte": since, f"{field}__lte": until}) | models.Q(
        **{f"{field}__isnull": True}
    )
