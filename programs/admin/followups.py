"""Follow-up visits entered in the admin (the field app has its own door)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from programs.admin.base import ProgrammeAdmin
from programs.models import FollowUp
from sammachip import thaidate


@admin.register(FollowUp)
class FollowUpAdmin(ProgrammeAdmin):
    list_display = ["household", "visited_on_be", "practising", "monthly_income", "officer"]
    list_select_related = ["household", "officer"]
    list_filter = ["household__district", "practising"]
    autocomplete_fields = ["household"]
    fields = ["household", "visited_on", "practising", "monthly_income", "stopped_reason", "notes"]

    @admin.display(description=_("วันที่ติดตาม"), ordering="visited_on")
    def visited_on_be(self, obj):
        return thaidate.format_thai_date(obj.visited_on)

    def save_model(self, request, obj, form, change):
        obj.officer = obj.officer or request.user
        super().save_model(request, obj, form, change)
