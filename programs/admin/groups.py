"""Occupational groups; their members are set from the household page."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from programs.admin.base import ProgrammeAdmin
from programs.models import Household, OccupationGroup
from sammachip import thaidate
from sammachip.scoping import DistrictScopedAdminMixin


class GroupMemberInline(DistrictScopedAdminMixin, admin.TabularInline):
    model = Household
    fk_name = "group"
    fields = ["full_name", "village", "fiscal_year", "status"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("สมาชิกกลุ่ม (กำหนดจากหน้าครัวเรือน)")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("ชื่อ-สกุล"))
    def full_name(self, obj):
        return obj.full_name


@admin.register(OccupationGroup)
class OccupationGroupAdmin(ProgrammeAdmin):
    list_display = ["name", "village", "occupation", "founded_on_be", "member_count"]
    list_select_related = ["village", "occupation"]
    list_filter = ["district", "occupation"]
    search_fields = ["name", "village__name_th"]
    autocomplete_fields = ["village", "occupation"]
    inlines = [GroupMemberInline]
    ordering = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_total=Count("members"))

    @admin.display(description=_("วันที่ก่อตั้ง"), ordering="founded_on")
    def founded_on_be(self, obj):
        return thaidate.format_thai_date(obj.founded_on) or "—"

    @admin.display(description=_("สมาชิก"), ordering="member_total")
    def member_count(self, obj):
        return obj.member_total
