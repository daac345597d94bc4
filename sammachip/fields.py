"""Model and form fields used across apps: citizen IDs at rest, Buddhist-Era dates."""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from sammachip import citizen_id, thaidate

# ---- citizen IDs ------------------------------------------------------------------------------


def validate_citizen_id(value):
    """The model's own check (``full_clean``), on the plain number ``to_python`` returns."""
    citizen_id.validate(value)


class EncryptedCitizenIdField(models.TextField):
    """Reads and writes the 13-digit string; stores only a Fernet token.

    Serialisation (``dumpdata``) writes the token too, so a dump holds no plaintext ID. Lookups on
    this column cannot work (each token differs): look up the paired ``CitizenIdHashField``.
    ``full_clean`` checks the number (length, checksum) whoever builds the record, not only forms.
    """

    description = _("เลขประจำตัวประชาชน (เข้ารหัส)")
    default_validators = [validate_citizen_id]

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return citizen_id.decrypt(value)

    def to_python(self, value):
        if value in (None, ""):
            return value
        if isinstance(value, str) and value.startswith("gAAAAA"):
            return citizen_id.decrypt(value)
        return citizen_id.normalize(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return citizen_id.encrypt(citizen_id.normalize(value))

    def value_to_string(self, obj):
        value = self.value_from_object(obj)
        return citizen_id.encrypt(value) if value else value

    def formfield(self, **kwargs):
        # A one-line box everywhere, the admin included (it would offer a textarea).
        kwargs["form_class"] = CitizenIdFormField
        kwargs["widget"] = forms.TextInput(attrs={"class": "vTextField", "size": 17})
        return super().formfield(**kwargs)


class CitizenIdHashField(models.CharField):
    """Keyed hash of the ID in ``source``, filled on every save (also in ``bulk_create``)."""

    def __init__(self, *args, source="citizen_id", **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        number = getattr(model_instance, self.source)
        value = citizen_id.keyed_hash(number) if number else ""
        setattr(model_instance, self.attname, value)
        return value


class CitizenIdFormField(forms.CharField):
    default_error_messages = {"required": _("กรุณากรอกเลขประจำตัวประชาชน 13 หลัก")}

    def __init__(self, *args, **kwargs):
        kwargs.pop("max_length", None)
        super().__init__(*args, max_length=40, **kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def to_python(self, value):
        value = super().to_python(value)
        return citizen_id.validate(value) if value else value


# ---- Buddhist-Era dates -----------------------------------------------------------------------

DATE_RE = re.compile(r"^\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{2,4})\s*$")


def parse_thai_date(text):
    """``21/06/2560`` (BE) or ``21/06/2017`` (CE) → date; a year above 2400 is BE; ``None`` if
    the text is not a day/month/year. Two-digit years are BE (``21/06/60`` = 2560)."""
    text = str(text).translate(citizen_id.THAI_DIGITS)
    match = DATE_RE.match(text)
    if not match:
        return None
    day, month, year = (int(part) for part in match.groups())
    if year < 100:
        year += 2500
    try:
        return datetime.date(thaidate.ce_year(year), month, day)
    except ValueError:
        return None


class ThaiDateInput(forms.DateInput):
    """A text box showing ``วว/ดด/ปปปป`` in the Buddhist Era."""

    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__(attrs={"placeholder": "วว/ดด/ปปปป (พ.ศ.)", "size": 12, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, datetime.date):
            return f"{value.day:02d}/{value.month:02d}/{thaidate.be_year(value.year)}"
        return value


class ThaiDateFormField(forms.DateField):
    widget = ThaiDateInput
    default_error_messages = {
        "invalid": _("กรุณากรอกวันที่เป็น วัน/เดือน/ปี พ.ศ. เช่น 21/06/2567"),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        parsed = parse_thai_date(value)
        if parsed is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed


class ThaiDateField(models.DateField):
    """A date column whose forms (admin included) take and show Buddhist-Era dates."""

    def formfield(self, **kwargs):
        kwargs["form_class"] = ThaiDateFormField
        kwargs["widget"] = ThaiDateInput
        return super().formfield(**kwargs)


def plausible_date(field, *, since=datetime.date(1990, 1, 1), until=datetime.date(2100, 12, 31)):
    """A CheckConstraint condition keeping ``field`` in a plausible range (a CE year mistaken for
    BE, or BE for CE, falls outside it)."""
    return models.Q(**{f"{field}__gte": since, f"{field}__lte": until}) | models.Q(
        **{f"{field}__isnull": True}
    )
