"""Forms of the article admin: checked image uploads and Buddhist-Era date-times."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from articles.models import SECTION_FIELDS, Article, ArticleImage
from sammachip.fields import ThaiDateTimeField
from sammachip.images import UPLOAD_HELP, CheckedImageField
from sammachip.thaidate import format_be

__all__ = ["ArticleAdminForm", "ArticleImageForm", "CheckedImageField", "format_be"]


class ArticleImageForm(forms.ModelForm):
    image = CheckedImageField(label=_("รูปภาพ"), help_text=UPLOAD_HELP)

    class Meta:
        model = ArticleImage
        fields = ["image", "alt_text", "caption", "order"]


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
