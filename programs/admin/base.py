"""What every programme admin shares: the district-scoped base, the fiscal-year filter, the photo
upload handling of sages and products, and the household form's listing check."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from programs.admin.locking import YearLockedAdminMixin
from sammachip import images, thaidate
from sammachip.admin_tools import ThaiSearchAdminMixin
from sammachip.scoping import DistrictScopedAdminMixin


class FiscalYearFilter(admin.SimpleListFilter):
    """Fiscal years as fixed choices: no ``SELECT DISTINCT`` over the households table."""

    title = _("ปีงบประมาณ")
    parameter_name = "fiscal_year"
    field = "fiscal_year"  # where the year is read (a follow-up: its household's)

    def lookups(self, request, model_admin):
        current = thaidate.current_fiscal_year()
        return [(str(year), str(year)) for year in range(current + 1, current - 6, -1)]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(**{self.field: int(self.value())})
        return queryset


class ProgrammeAdmin(
    YearLockedAdminMixin, ThaiSearchAdminMixin, DistrictScopedAdminMixin, admin.ModelAdmin
):
    """Base of every district-owned programme admin: scoped, a reported year locked; search
    looks inside names (an officer types "หัวทุ่ง" for บ้านหัวทุ่ง), a year as digits of either script."""

    show_full_result_count = False
    list_per_page = 50


PHOTO_HELP = images.UPLOAD_HELP


class CleanPhotoAdminMixin:
    """Photos are checked before decoding (size, pixel count, real image) by the form field,
    then stored re-encoded without EXIF/GPS under a random name (``sammachip.images`` does both)."""

    def save_model(self, request, obj, form, change):
        upload = form.cleaned_data.get("photo")
        if "photo" in form.changed_data and upload and hasattr(upload, "read"):
            folder = obj._meta.get_field("photo").upload_to.rstrip("/")
            obj.photo.save(
                images.random_name(folder, upload.name), images.clean_original(upload), save=False
            )
        super().save_model(request, obj, form, change)


def listing_checked_by(form_class, user):
    """The household form whose one-listing-per-year check is asked as ``user`` (the hourly
    budget and the audit of ``programs.listings``)."""

    class ListingCheckedForm(form_class):
        def _post_clean(self):
            self.instance.listing_checked_by = user
            super()._post_clean()

    ListingCheckedForm.__name__ = form_class.__name__
    return ListingCheckedForm
