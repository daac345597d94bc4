"""The export log, for provincial staff.

An export's filter in words is written once, when the file is made: ``ExportInfo.filter_text()``
(the words ``household_export.export_info`` reads from the household list's own filters, or the
command's), stored as ``ExportLog.filter_words`` and shown here as stored. ``describe_filters``
below rebuilds words from the stored query string only for the rows recorded before that column
existed (``filter_words`` NULL, migration 0018); new rows never go through it.
"""

from collections import defaultdict

from django.contrib import admin
from django.contrib.admin.views.main import SEARCH_VAR, ChangeList
from django.core.exceptions import FieldDoesNotExist
from django.http import QueryDict
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from programs.models import ExportLog, Household
from sammachip import thaidate
from sammachip.admin_readonly import yes_no_words
from sammachip.admin_tools import ReadOnlyAdminMixin
from villages.models import District, Subdistrict

# The changelist's lookups that end a filter's parameter name (district__code__exact).
LOOKUP_ENDS = ("exact", "in", "id", "code", "pk", "isnull")


def _names_from_database(model, pks):
    return {str(o.pk): str(o) for o in model._default_manager.filter(pk__in=pks)}


def describe_filters(query, names=_names_from_database):
    """Only for an export recorded before ``ExportLog.filter_words`` existed (see the module
    doc): its filter (a query string) in words as the clerk chose it:
    ``district__code__exact=4012&fiscal_year=2569`` → ``อำเภอพล · ปีงบประมาณ 2569``.
    A parameter no filter knows is shown as it was recorded. ``names(model, pks)`` gives the
    records' names by pk (``describe_filters_of`` looks them up once for a page of logs)."""
    from programs.admin.households import HouseholdAdmin

    params = QueryDict(query)
    if "report" in params:  # a report (programs.reports.record), logged before its words
        from programs.reports import record_words

        return record_words(
            params["report"],
            fiscal_year=params.get("fiscal_year", ""),
            district=params.get("district"),
            village=params.get("village"),
        )
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
            parts.append(_field_filter_words(name, value, names) or f"{name}={value}")
    return " · ".join(parts)


def describe_filters_of(logs):
    """``describe_filters`` for the old export logs of a changelist page (``filter_words``
    NULL), each record named in one query per kind of record; the words are set on each such
    log as ``filters_words``."""
    logs = [log for log in logs if log.filter_words is None]
    wanted = defaultdict(set)
    for log in logs:
        for name, values in QueryDict(log.filters).lists():
            field = _filter_field(name)
            if field is not None and field.is_relation:
                wanted[field.related_model].update(",".join(values).split(","))
    found = {model: _names_from_database(model, pks) for model, pks in wanted.items()}
    for log in logs:
        log.filters_words = describe_filters(
            log.filters, names=lambda model, pks: found.get(model, {})
        )


def _filter_field(name):
    """The household field a changelist parameter filters on (``district__code__exact`` →
    ``district``), or None."""
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
    return field


def _simple_filter_words(filter_class, value):
    try:
        labels = dict(filter_class.lookups(filter_class, None, None) or [])
    except Exception:  # a filter whose choices need a request: show the value itself
        labels = {}
    return f"{filter_class.title} {labels.get(value, value)}"


def _field_filter_words(name, value, names):
    field = _filter_field(name)
    if field is None:
        return None
    title = capfirst(field.verbose_name)
    if field.is_relation:
        pks = value.split(",")
        known = names(field.related_model, pks)
        found = [known[pk] for pk in pks if pk in known]
        if field.related_model in (District, Subdistrict):
            return ", ".join(title + n for n in found) or value  # อำเภอพล, ตำบลโนนข่า
        return f"{title} {', '.join(found) or value}"
    if field.choices:
        labels = {str(k): v for k, v in field.flatchoices}
        return f"{title} {', '.join(str(labels.get(v, v)) for v in value.split(','))}"
    if field.get_internal_type() == "BooleanField":
        return f"{title} {yes_no_words(value in ('1', 'True'))}"
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

    def get_changelist(self, request, **kwargs):
        return ExportLogChangeList

    @admin.display(description=_("เงื่อนไขการกรอง"))
    def filters_in_words(self, obj):
        """The words stored at export time; an old row's rebuilt (``describe_filters``)."""
        words = obj.filter_words
        if words is None:
            words = getattr(obj, "filters_words", None)
        if words is None:
            words = describe_filters(obj.filters)
        return words or _("ทั้งหมดที่มีสิทธิ์")


class ExportLogChangeList(ChangeList):
    """The export log's list: the filters of a whole page named in one query per kind."""

    def get_results(self, request):
        super().get_results(request)
        describe_filters_of(self.result_list)
