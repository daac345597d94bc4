"""Forms of the article admin: checked image uploads and Buddhist-Era date-times."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles import images
from articles.models import SECTION_FIELDS, Article, ArticleImage
from sammachip import thaidate
from sammachip.fields import ThaiDateFormField, ThaiDateInput


class CheckedImageField(forms.ImageField):
    """An image upload checked (size, header pixel count, format) *before* anything decodes it."""

    default_error_messages = {
        "invalid_image": _("ไฟล์นี้ไม่ใช่รูปภาพที่อ่านได้ กรุณาอัปโหลดไฟล์ JPEG, PNG หรือ WebP"),
    }

    def to_python(self, data):
        if data in self.empty_values or not hasattr(data, "read"):
            return super().to_python(data)
        images.check_upload(data)
        return super().to_python(data)


class ArticleImageForm(forms.ModelForm):
    image = CheckedImageField(
        label=_("รูปภาพ"),
        help_text=_("JPEG, PNG หรือ WebP ไม่เกิน 10 MB ระบบลบข้อมูล EXIF (รวมพิกัด GPS) ออกให้"),
    )

    class Meta:
        model = ArticleImage
        fields = ["image", "alt_text", "caption", "order"]


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


def https_urls(db_field, **kwargs):
    """Form fields as usual, links without a scheme read as https://."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = [
            "title",
            "category",
            "occupation",
            "author_name",
            "author_position",
            "sage",
            "address",
            "district",
            "subdistrict",
            "village",
            *SECTION_FIELDS,
            "published_at",
            "source_url",
        ]
        formfield_callback = https_urls
        field_classes = {"published_at": ThaiDateTimeField}
        widgets = {
            name: forms.Textarea(attrs={"rows": 8, "cols": 100})
            for name in ("background", "objectives", "materials", "equipment", "process")
        } | {"cautions": forms.Textarea(attrs={"rows": 5, "cols": 100})}

    user = None  # set by the admin

    def _post_clean(self):
        super()._post_clean()
        # ``status`` is not on the form (the workflow sets it), so the model form skips the
        # constraints that read it (a published article needs its date): check them all here,
        # so a refusal is the constraint's Thai message on the form, never a database error.
        if not self._errors:
            try:
                self.instance.validate_constraints()
            except ValidationError as error:
                self._update_errors(error)

    def clean(self):
        cleaned = super().clean()
        user = self.user
        district = cleaned.get("district")
        subdistrict = cleaned.get("subdistrict")
        village = cleaned.get("village")
        if district is None and subdistrict is not None:
            district = subdistrict.district
        if district is None and village is not None:
            district = village.district
        if user is not None and not user.sees_all_districts and district is None:
            raise ValidationError(
                {"district": _("กรุณาเลือกอำเภอ บทความระดับจังหวัดเพิ่มได้เฉพาะเจ้าหน้าที่ระดับจังหวัด")}
            )
        return cleaned


def format_be(value):
    return thaidate.format_thai_datetime(value) if value else "—"
