"""OTOP products, with their checked photo."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from programs.admin.base import PHOTO_HELP, CleanPhotoAdminMixin, ProgrammeAdmin
from programs.models import Product
from sammachip.admin_tools import AuditedAdminMixin
from sammachip.images import CheckedImageField


class ProductForm(forms.ModelForm):
    photo = CheckedImageField(label=_("รูปผลิตภัณฑ์"), required=False, help_text=PHOTO_HELP)

    class Meta:
        model = Product
        fields = [
            "village",
            "name",
            "category",
            "group",
            "producer_name",
            "stars",
            "star_year",
            "standards",
            "price",
            "unit",
            "description",
            "photo",
            "is_featured",
        ]


@admin.register(Product)
class ProductAdmin(CleanPhotoAdminMixin, AuditedAdminMixin, ProgrammeAdmin):
    form = ProductForm
    list_display = ["name", "category", "stars", "star_year", "village", "group", "is_featured"]
    list_select_related = ["village", "group"]
    list_filter = ["district", "category", "stars", "is_featured"]
    search_fields = ["name", "village__name_th"]
    autocomplete_fields = ["village", "group"]
    change_form_template = "admin/programs/audited_change_form.html"
