"""Officers' decisions on a household's stage (``programs.stages``): a drop is recorded here or
by the household list's action "บันทึกการตัดสินใจ (เลิก)", dated and with a reason. The stages
migration 0008 kept as decisions (``StageDecision.PENDING_REASON``) are confirmed by rewriting
the reason, or deleted to let the record decide."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from programs.admin.base import ProgrammeAdmin
from programs.models import StageDecision
from sammachip import thaidate


class PendingDecisionFilter(admin.SimpleListFilter):
    title = _("สถานะรอยืนยัน")
    parameter_name = "pending"

    def lookups(self, request, model_admin):
        return [("yes", _("สถานะเดิมรอเจ้าหน้าที่ยืนยัน")), ("no", _("ยืนยันแล้ว / บันทึกโดยเจ้าหน้าที่"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(reason=StageDecision.PENDING_REASON)
        if self.value() == "no":
            return queryset.exclude(reason=StageDecision.PENDING_REASON)
        return queryset


@admin.register(StageDecision)
class StageDecisionAdmin(ProgrammeAdmin):
    list_display = ["household", "stage", "decided_on_be", "reason", "officer"]
    list_select_related = ["household", "officer"]
    list_filter = ["household__district", "stage", PendingDecisionFilter]
    autocomplete_fields = ["household"]
    fields = ["household", "decided_on", "stage", "reason", "officer"]
    # A new decision is a drop (the other stages follow from the record); the kept ones of
    # migration 0008 show the stage typed before.
    readonly_fields = ["stage", "officer"]

    @admin.display(description=_("วันที่ตัดสินใจ"), ordering="decided_on")
    def decided_on_be(self, obj):
        return thaidate.format_thai_date(obj.decided_on)

    def save_model(self, request, obj, form, change):
        obj.officer = obj.officer or request.user
        super().save_model(request, obj, form, change)
