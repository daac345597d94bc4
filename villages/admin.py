from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from sammachip.admin_tools import ThaiSearchAdminMixin
from sammachip.scoping import DistrictScopedAdminMixin
from villages.models import District, Province, Subdistrict, Village


class GeographyAdmin(admin.ModelAdmin):
    """Official geography comes from ``load_geography``: read-only here except to superusers."""

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Province)
class ProvinceAdmin(GeographyAdmin):
    list_display = ["code", "name_th", "name_en"]
    search_fields = ["code", "name_th", "name_en"]


@admin.register(District)
class DistrictAdmin(DistrictScopedAdminMixin, GeographyAdmin):
    list_display = ["code", "name_th", "name_en", "province"]
    list_select_related = ["province"]
    list_filter = ["province"]
    search_fields = ["code", "name_th", "name_en"]


class VillageInline(DistrictScopedAdminMixin, admin.TabularInline):
    model = Village
    fields = ["code", "moo", "name_th"]
    readonly_fields = ["code", "moo", "name_th"]
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("หมู่บ้านในตำบลนี้")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Subdistrict)
class SubdistrictAdmin(DistrictScopedAdminMixin, GeographyAdmin):
    list_display = ["code", "name_th", "name_en", "district", "postcode"]
    list_select_related = ["district"]
    list_filter = ["district"]
    search_fields = ["code", "name_th", "name_en"]
    inlines = [VillageInline]


@admin.register(Village)
class VillageAdmin(ThaiSearchAdminMixin, DistrictScopedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name_th", "moo", "subdistrict_name", "district"]
    list_display_links = ["code", "name_th"]
    list_select_related = ["subdistrict", "district"]
    list_filter = ["district", "subdistrict"]
    search_fields = ["=code", "name_th"]
    autocomplete_fields = ["subdistrict"]
    fields = ["subdistrict", "moo", "name_th", "code", "district"]
    readonly_fields = ["code", "district"]
    ordering = ["code"]

    @admin.display(description=_("ตำบล"), ordering="subdistrict__name_th")
    def subdistrict_name(self, obj):
        return obj.subdistrict.name_th
