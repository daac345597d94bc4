"""The export log, for provincial staff."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from programs.models import ExportLog
from sammachip import thaidate
from sammachip.admin_tools import ReadOnlyAdminMixin


@admin.register(ExportLog)
class ExportLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every export, for provincial staff. Read-only: it is evidence."""

    list_display = [
        "when",
        "user",
        "source",
        "file_format",
        "row_count",
        "full_ids",
        "districts",
        "filters",
    ]
    list_select_related = ["user"]
    list_filter = ["source", "full_ids", "file_format"]
    fields = [
        "when",
        "user",
        "source",
        "file_format",
        "filters",
        "districts",
        "row_count",
        "full_ids",
        "remote_addr",
    ]
    readonly_fields = fields

    @admin.display(description=_("เวลา"), ordering="created_at")
    def when(self, obj):
        return thaidate.format_thai_datetime(obj.created_at)
