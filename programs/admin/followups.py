"""Follow-up visits entered in the admin (the field app has its own door)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from programs.admin.base import FiscalYearFilter, ProgrammeAdmin
from programs.models import FollowUp
from sammachip import thaidate


class FollowUpYearFilter(FiscalYearFilter):
    """The household's fiscal year (a follow-up belongs to its household's year)."""

    field = "household__fiscal_year"


@admin.register(FollowUp)
class FollowUpAdmin(ProgrammeAdmin):
    list_display = ["household", "visited_on_be", "practising", "monthly_income_baht", "officer"]
    list_select_related = ["household", "officer"]
    list_filter = [FollowUpYearFilter, "household__district", "practising"]
    # The household's name (as the list shows it, title or not: ThaiSearchAdminMixin) and its
    # house number.
    search_fields = [
        "household__first_name__startswith",
        "household__last_name__startswith",
        "=household__house_no",
    ]
    search_help_text = _("ค้นหาด้วยชื่อ นามสกุล หรือบ้านเลขที่ของครัวเรือน")
    autocomplete_fields = ["household"]
    fields = ["household", "visited_on", "practising", "monthly_income", "stopped_reason", "notes"]

    @admin.display(description=_("รายได้ (บาท/เดือน)"), ordering="monthly_income")
    def monthly_income_baht(self, obj):
        return "-" if obj.monthly_income is None else f"{obj.monthly_income:,.2f}"

    @admin.display(description=_("วันที่ติดตาม"), ordering="visited_on")
    def visited_on_be(self, obj):
        return thaidate.format_thai_date(obj.visited_on)

    def save_model(self, request, obj, form, change):
        obj.officer = obj.officer or request.user
        super().save_model(request, obj, form, change)
