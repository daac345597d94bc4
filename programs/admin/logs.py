"""The export log, for provincial staff."""

from django.contrib import admin
from django.contrib.admin.views.main import SEARCH_VAR
from django.core.exceptions import FieldDoesNotExist
from django.http import QueryDict
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from programs.models import ExportLog, Household
from sammachip import thaidate
from sammachip.admin_tools import ReadOnlyAdminMixin
from villages.models import District, Subdistrict

# The changelist's lookups that end a filter's parameter name (district__code__exact).
LOOKUP_ENDS = ("exact", "in", "id", "code", "pk", "isnull")


def describe_filters(query):
    """The household list filter an export recorded (a query string), in words as the clerk
    chose it: ``district__code__exact=4012&fiscal_year=2569`` → ``อำเภอพล · ปีงบประมาณ 2569``.
    A parameter no filter knows is shown as it was recorded."""
    from programs.admin.households import HouseholdAdmin

    simple = {
        f.parameter_name: f for f in HouseholdAdmin.list_filter if hasattr(f, "parameter_name")
    }
    parts = []
    for name, values in QueryDict(query).lists():
        value = ",".join(values)
        if name == SEARCH_VAR:
            parts.append(gettext("ค้นหา “%s”") % value)
        elif name in simple:
            parts.append(_simple_filter_words(simple[name], value))
        else:
            parts.append(_field_filter_words(name, value) or f"{name}={value}")
    return " · ".join(parts)


def _simple_filter_words(filter_class, value):
    try:
        labels = dict(filter_class.lookups(filter_class, None, None) or [])
    except Exception:  # a filter whose choices need a request: show the value itself
        labels = {}
    return f"{filter_class.title} {labels.get(value, value)}"


def _field_filter_words(name, value):
    path = name.split("__")
    while len(path) > 1 and path[-1] in LOOKUP_ENDS:
        path.pop()
    model, field = Household, None
    for part in path:
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        model = field.related_model or model
    if field is None:
        return None
    title = capfirst(field.verbose_name)
    if field.is_relation:
        names = [
            str(o) for o in field.related_model._default_manager.filter(pk__in=value.split(","))
        ]
        if field.related_model in (District, Subdistrict):
            return ", ".join(title + n for n in names) or value  # อำเภอพล, ตำบลโนนข่า
        return f"{title} {', '.join(names) or value}"
    if field.choices:
        labels = {str(k): v for k, v in field.flatchoices}
        return f"{title} {', '.join(str(labels.get(v, v)) for v in value.split(','))}"
    if field.get_internal_type() == "BooleanField":
        return f"{title} {gettext('ใช่') if value in ('1', 'True') else gettext('ไม่ใช่')}"
    return f"{title} {value}"


@admin.register(ExportLog)
class ExportLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every export, for provincial staff. Read-only: it is evidence."""

    list_display = [
        "when",
        "user",
        "filters_in_words",
        "row_count",
        "file_format",
        "full_ids",
        "source",
    ]
    list_select_related = ["user"]
    list_filter = ["source", "full_ids", "file_format"]
    fields = [
        "when",
        "user",
        "source",
        "file_format",
        "filters_in_words",
        "districts",
        "row_count",
        "full_ids",
        "remote_addr",
    ]
    readonly_fields = fields

    @admin.display(description=_("เวลา"), ordering="created_at")
    def when(self, obj):
        return thaidate.format_thai_datetime(obj.created_at, short=True)

    @admin.display(description=_("เงื่อนไขการกรอง"))
    def filters_in_words(self, obj):
        return describe_filters(obj.filters) or _("ทั้งหมดที่มีสิทธิ์")
