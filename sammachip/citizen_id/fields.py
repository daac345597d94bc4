"""Citizen IDs at rest: the encrypted column, its keyed-hash twin and the model's validator."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from sammachip import citizen_id
from sammachip.citizen_id.forms import CitizenIdFormField, CitizenIdInput


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
        kwargs["widget"] = CitizenIdInput
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
