"""Admin building blocks shared by the apps: citizen-ID handling, audit history, and a
paginator for tables of millions of rows."""

import re

from auditlog.mixins import AuditlogHistoryAdminMixin
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.admin.views.main import SEARCH_VAR
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connections, models
from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile
from django.forms.models import model_to_dict
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.crypto import salted_hmac
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters

from sammachip import audit, citizen_id
from sammachip.security import client_ip

# A citizen ID searched for travels on as "<masked> #<keyed hash>" (the hash written with the
# letters a-p, so no run of digits), never as the number: not in the address bar, the browser's
# history, the links of the result page, nor the filters an export records.
ID_SEARCH_TOKEN_RE = re.compile(r"#([a-p]{64})\s*$")


def id_search_token(number):
    letters = "".join(chr(ord("a") + int(ch, 16)) for ch in citizen_id.keyed_hash(number))
    return f"{citizen_id.mask(number)} #{letters}"


def id_search_hash(search_term):
    """The keyed hash carried by an ``id_search_token``, or ``None``."""
    match = ID_SEARCH_TOKEN_RE.search(search_term or "")
    if not match:
        return None
    return "".join(f"{ord(ch) - ord('a'):x}" for ch in match.group(1))


class CitizenIdFormMixin(forms.ModelForm):
    """On an existing record the ID box starts empty (the full number is never sent to the
    browser); left empty it keeps the stored number."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("citizen_id")
        if field is None or not self.instance.pk or not self.instance.citizen_id:
            return
        self.initial["citizen_id"] = ""
        field.required = False
        field.widget.attrs["placeholder"] = self.instance.citizen_id_masked
        field.help_text = _("เลขเดิม %(masked)s — เว้นว่างไว้หากไม่เปลี่ยน") % {
            "masked": self.instance.citizen_id_masked
        }

    def clean_citizen_id(self):
        value = self.cleaned_data.get("citizen_id")
        if not value and self.instance.pk:
            return self.instance.citizen_id
        return value


# ---- concurrent edits -------------------------------------------------------------------------

STALE_EDIT_MESSAGE = _(
    "ข้อมูลนี้ถูกแก้ไขโดยผู้อื่นหลังจากที่ท่านเปิดแบบฟอร์ม ระบบยังไม่ได้บันทึกการแก้ไขของท่าน "
    "กรุณาเปิดแบบฟอร์มใหม่เพื่อดูข้อมูลล่าสุด แล้วแก้ไขอีกครั้ง"
)
EDIT_TOKEN_FIELD = "edit_token"


def _canonical(value):
    """A stable text for a form field's model value (a related row by its key, a set sorted)."""
    if value is None:
        return ""
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, QuerySet | list | tuple | set | frozenset):
        return "[" + ",".join(sorted(_canonical(item) for item in value)) + "]"
    if isinstance(value, FieldFile):
        return value.name or ""
    return str(value)


def _field_digest(name, value):
    return salted_hmac("sammachip.edit-token", f"{name}={_canonical(value)}").hexdigest()[:16]


class StaleEditFormMixin(forms.ModelForm):
    """Refuses a save made from a stale form: at GET the form carries, signed, a digest of each
    field it edits as the database held it; at POST, if any of them differs from the row now,
    someone else saved in between and nothing is saved (``STALE_EDIT_MESSAGE``).

    Only what this form edits is compared, so the writes the system makes itself to other
    columns (``updated_at``, a derived column, an index) never count. Fields in
    ``system_fields`` (e.g. ``status``, moved by services and bulk actions) are not compared
    either: when the user left one as it was shown, the value the system wrote since is kept
    instead of the stale one."""

    edit_token = forms.CharField(widget=forms.HiddenInput, required=False)
    system_fields = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial[EDIT_TOKEN_FIELD] = signing.dumps(
                {"pk": str(self.instance.pk), "fields": self._stored_digests()},
                salt="sammachip.edit-token",
            )

    def _edited_fields(self):
        return [name for name in self.fields if name != EDIT_TOKEN_FIELD]

    def _stored_digests(self):
        # The instance as read from the database (clean() runs before the form's values are
        # put on it); model_to_dict, not ``initial``, which hides some values (citizen IDs).
        stored = model_to_dict(self.instance, fields=self._edited_fields())
        return {name: _field_digest(name, value) for name, value in stored.items()}

    def clean(self):
        cleaned_data = super().clean()
        token = self.data.get(self.add_prefix(EDIT_TOKEN_FIELD)) if self.is_bound else None
        if not self.instance.pk or not token:
            return cleaned_data
        try:
            loaded = signing.loads(token, salt="sammachip.edit-token")
        except signing.BadSignature:
            raise forms.ValidationError(STALE_EDIT_MESSAGE, code="stale_edit") from None
        if loaded.get("pk") != str(self.instance.pk):
            raise forms.ValidationError(STALE_EDIT_MESSAGE, code="stale_edit")
        shown = loaded.get("fields", {})
        now = self._stored_digests()
        for name, digest in now.items():
            if shown.get(name, digest) == digest:
                continue
            if name not in self.system_fields:
                raise forms.ValidationError(STALE_EDIT_MESSAGE, code="stale_edit")
            if name in cleaned_data and _field_digest(name, cleaned_data[name]) == shown[name]:
                # Left as shown: keep what the system wrote since.
                cleaned_data[name] = getattr(self.instance, name)
        return cleaned_data


class StaleEditAdminMixin:
    """Mix into a ModelAdmin whose change form must not overwrite someone else's save
    (``StaleEditFormMixin``); ``stale_edit_system_fields`` as in the form mixin."""

    stale_edit_system_fields = ()

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None and "form" not in kwargs:
            base = self.form
            kwargs["form"] = type(
                base.__name__,
                (StaleEditFormMixin, base),
                {"system_fields": tuple(self.stale_edit_system_fields)},
            )
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or EDIT_TOKEN_FIELD in flatten_fieldsets(fieldsets):
            return fieldsets
        (name, options), *rest = fieldsets
        first = (name, {**options, "fields": [*options["fields"], EDIT_TOKEN_FIELD]})
        return [first, *rest]


class SensitivePostAdminMixin:
    """No POST value of the add/change forms reaches an error report (citizen IDs)."""

    @method_decorator(sensitive_post_parameters())
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return super().changeform_view(request, object_id, form_url, extra_context)


class CitizenIdAdminMixin(SensitivePostAdminMixin):
    """Masked IDs in lists, exact-ID search through the keyed hash, an audited "reveal" view for
    holders of ``full_id_permission``, and no POST value in error reports."""

    full_id_permission = None  # "app.codename"
    reveal_template = "admin/citizen_id_reveal.html"

    @admin.display(description=_("เลขประจำตัวประชาชน"))
    def citizen_id_masked(self, obj):
        return obj.citizen_id_masked

    def get_search_results(self, request, queryset, search_term):
        hashed = id_search_hash(search_term)
        if hashed:
            return queryset.filter(citizen_id_hash=hashed), False
        number = citizen_id.normalize(search_term)
        if len(number) == 13 and number.isdigit():
            return queryset.filter(citizen_id_hash=citizen_id.keyed_hash(number)), False
        return super().get_search_results(request, queryset, search_term)

    def changelist_view(self, request, extra_context=None):
        number = citizen_id.normalize(request.GET.get(SEARCH_VAR, ""))
        if request.method == "GET" and len(number) == 13 and number.isdigit():
            params = request.GET.copy()
            params[SEARCH_VAR] = id_search_token(number)
            return redirect(f"{request.path}?{params.urlencode()}")
        return super().changelist_view(request, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_reveal_citizen_id": self.can_reveal(request),
        }
        return super().changeform_view(request, object_id, form_url, extra_context)

    def can_reveal(self, request):
        return bool(self.full_id_permission) and request.user.has_perm(self.full_id_permission)

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/citizen-id/",
                self.admin_site.admin_view(self.reveal_view),
                name=f"{opts.app_label}_{opts.model_name}_citizen_id",
            ),
            *super().get_urls(),
        ]

    def reveal_view(self, request, object_id):
        obj = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.can_reveal(request):
            raise PermissionDenied
        if request.method != "POST":
            return TemplateResponse(
                request,
                self.reveal_template,
                {
                    **self.admin_site.each_context(request),
                    "object": obj,
                    "opts": self.opts,
                    "confirm": True,
                    "title": _("ดูเลขประจำตัวประชาชนเต็ม"),
                },
            )
        audit.record_access(
            instance=obj,
            user=request.user,
            what="ดูเลขประจำตัวประชาชนเต็ม",
            remote_addr=client_ip(request),
        )
        messages.info(request, _("การเปิดดูเลขเต็มครั้งนี้ถูกบันทึกไว้แล้ว"))
        response = TemplateResponse(
            request,
            self.reveal_template,
            {
                **self.admin_site.each_context(request),
                "object": obj,
                "opts": self.opts,
                "full_id": citizen_id.format_full(obj.citizen_id),
                "title": _("ดูเลขประจำตัวประชาชนเต็ม"),
            },
        )
        response["Cache-Control"] = "no-store"
        return response


class AuditedAdminMixin(AuditlogHistoryAdminMixin):
    """Adds the field-by-field audit history (django-auditlog) next to Django's own history."""

    auditlog_history_template = "admin/auditlog_history.html"
    show_auditlog_history_link = False

    def auditlog_history_view(self, request, object_id, extra_context=None):
        # django-auditlog renders a page even when get_object() finds nothing (out of scope).
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404
        return super().auditlog_history_view(request, object_id, extra_context)


class LargeTablePaginator(Paginator):
    """A changelist paginator for tables of millions of rows (the households of a country).

    * The count: an unfiltered list on PostgreSQL is not counted (``COUNT(*)`` reads the whole
      table or an index of it) but estimated as the planner does — rows per page at the last
      ANALYZE (``pg_class.reltuples / relpages``) × the table's pages now; ``count_is_estimate``
      is then true and the list says ประมาณ. A filtered or searched list, a table under
      ``estimate_from`` rows, a table never analysed, and other databases are counted exactly.
    * A page past the first ``deep_from`` rows: its keys are picked by a narrow subquery (the
      ordering columns and the key only, an index-only scan where an index covers them) and
      only its own rows are read, instead of ``OFFSET`` over whole rows. A page nearer the end
      than the start is picked walking back from the end (the reversed ordering), so the last
      page costs what the first does; with an estimated count such a page is its place counted
      from the end (the last page shows the real last rows; pages in the middle may overlap or
      skip as many rows as the estimate is off).
    * With ``count_cap`` (a searched list), matches are counted up to the cap; past it the list
      says "more than" the cap and pages reach that far (``count_is_capped``).
    """

    estimate_from = 100_000
    deep_from = 1_000
    count_is_estimate = False
    # Set by the admin for a searched list: count at most this many matches (a two-letter
    # prefix can match a sixth of 1.5 million rows: ~0.5 s to count them exactly, for a
    # number nobody pages through); more are reported as "more than" this.
    count_cap = None
    count_is_capped = False

    @cached_property
    def count(self):
        estimate = self.estimated_count()
        if estimate is not None and estimate >= self.estimate_from:
            self.count_is_estimate = True
            return estimate
        if self.count_cap and isinstance(self.object_list, QuerySet):
            found = self.object_list[: self.count_cap + 1].count()
            if found > self.count_cap:
                self.count_is_capped = True
                return self.count_cap
            return found
        return super().count

    def estimated_count(self):
        """The planner's estimate of an unfiltered queryset's rows, or ``None``."""
        queryset = self.object_list
        if not isinstance(queryset, QuerySet):
            return None
        query = queryset.query
        if (
            query.where
            or query.distinct
            or query.combinator
            or query.is_sliced
            or query.group_by is not None
        ):
            return None
        connection = connections[queryset.db]
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples, relpages, "
                "pg_relation_size(oid) / current_setting('block_size')::int "
                "FROM pg_class WHERE oid = to_regclass(%s)",
                [connection.ops.quote_name(queryset.model._meta.db_table)],
            )
            row = cursor.fetchone()
        if row is None:
            return None
        reltuples, relpages, pages = row
        if reltuples < 0 or relpages <= 0:  # never vacuumed or analysed
            return None
        return round(reltuples / relpages * pages)

    def page(self, number):
        queryset = self.object_list
        if (
            not isinstance(queryset, QuerySet)
            or not queryset.ordered
            or queryset.query.distinct
            or queryset.query.group_by is not None
        ):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if bottom < self.deep_from:
            return self._get_page(queryset[bottom:top], number, self)
        keys = queryset.values("pk")
        if self.count - top < bottom and not self.count_is_capped:  # the true end is unknown
            keys = keys.reverse()[max(self.count - top, 0) : max(self.count - bottom, 0)]
        else:
            keys = keys[bottom:top]
        if not connections[queryset.db].features.allow_sliced_subqueries_with_in:
            keys = [row["pk"] for row in keys]
        return self._get_page(queryset.filter(pk__in=keys), number, self)
