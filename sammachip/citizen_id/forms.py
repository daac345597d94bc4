"""Citizen IDs in forms: the checked form field, its one-line box, and the form mixin that never
sends a stored number back to the browser."""

from django import forms
from django.utils.translation import gettext_lazy as _

from sammachip import citizen_id


class CitizenIdInput(forms.TextInput):
    """A one-line box sized for ``1-2345-67890-12-1`` (the admin included)."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"class": "vTextField", "size": 17, **(attrs or {})})


class CitizenIdFormField(forms.CharField):
    default_error_messages = {"required": _("กรุณากรอกเลขประจำตัวประชาชน 13 หลัก")}

    def __init__(self, *args, **kwargs):
        kwargs.pop("max_length", None)
        super().__init__(*args, max_length=40, **kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def to_python(self, value):
        value = super().to_python(value)
        return citizen_id.validate(value) if value else value


class CitizenIdFormMixin(forms.ModelForm):
    """On an existing record the ID box starts empty (the full number is never sent to the
    browser); left empty it keeps the stored number."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("citizen_id")
        if field is None or not self.instance.pk or not self.instance.citizen_id:
            return
        self.initial["citizen_id"] = ""
        field.required = False
        field.widget.attrs["placeholder"] = self.instance.citizen_id_masked
        field.help_text = _("เลขเดิม %(masked)s — เว้นว่างไว้หากไม่เปลี่ยน") % {
            "masked": self.instance.citizen_id_masked
        }

    def clean_citizen_id(self):
        value = self.cleaned_data.get("citizen_id")
        if not value and self.instance.pk:
            return self.instance.citizen_id
        return value
