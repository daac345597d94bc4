"""Admin building blocks shared by the apps: citizen-ID handling (the ID rules themselves are
``sammachip.citizen_id``'s) and audit history. The paginator for tables of millions of rows is
``sammachip.paginator``'s (importable from here too)."""

from auditlog.mixins import AuditlogHistoryAdminMixin
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.admin.views.main import SEARCH_VAR
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile
from django.forms.models import model_to_dict
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.crypto import salted_hmac
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters

from sammachip import audit, citizen_id, names, thaidate
from sammachip.citizen_id.search import id_search_token, search_hash
from sammachip.security import client_ip

# ---- search ------------------------------------------------------------------------------------


class ThaiSearchAdminMixin:
    """Search as an officer types: Thai digits read as digits (``๒๕๖๙`` finds 2569), and the
    autocomplete pickers (``autocomplete_fields`` of other admins) search
    ``autocomplete_search_fields`` when it is set: inside names, where the changelist of a
    table of millions keeps its indexed prefix search. The rows searched are still
    ``get_queryset``'s (scoped), as Django's autocomplete view asks for them."""

    autocomplete_search_fields = None

    def get_search_fields(self, request):
        match = getattr(request, "resolver_match", None)
        if self.autocomplete_search_fields and match and match.url_name == "autocomplete":
            return self.autocomplete_search_fields
        return super().get_search_fields(request)

    def get_search_results(self, request, queryset, search_term):
        """Thai digits read as digits, and a name typed with its title (``นายสมศักดิ์``, as the
        lists show it) found by the name (``sammachip.names``)."""
        words = names.search_words(thaidate.arabic_digits(search_term))
        return super().get_search_results(request, queryset, " ".join(words))


# ---- grids: a label on every cell ----------------------------------------------------------


class LabelledCellsMixin:
    """A grid whose every box is named for a screen reader by its column and its row
    (``ชื่อ – นางสมศรี ใจดี (12)``): a grid's only visible labels are its column headers. Mix
    into a tabular inline (its rows) or a ModelAdmin with ``list_editable`` (the list's rows).
    ``cell_row_label(obj)`` names a saved row (its ``str`` unless overridden); a new row is
    ``แถวใหม่ที่ N``."""

    def cell_row_label(self, obj):
        return str(obj)

    def get_formset(self, request, obj=None, **kwargs):
        return labelled_cells(super().get_formset(request, obj, **kwargs), self.cell_row_label)

    def get_changelist_formset(self, request, **kwargs):
        return labelled_cells(
            super().get_changelist_formset(request, **kwargs), self.cell_row_label
        )


def labelled_cells(formset, row_label):
    """``formset`` whose forms name each visible box ``<column> – <row>`` (``aria-label``)."""

    class LabelledCellsFormSet(formset):
        def add_fields(self, form, index):
            super().add_fields(form, index)
            if form.instance.pk is not None:
                row = row_label(form.instance)
            elif index is None:
                row = _("แถวใหม่")
            else:
                row = _("แถวใหม่ที่ %(n)d") % {"n": index + 1}
            for name, field in form.fields.items():
                if field.widget.is_hidden:
                    continue
                column = _("ลบ") if name == "DELETE" else field.label or name
                label = f"{column} – {row}"
                field.widget.attrs["aria-label"] = label
                inner = getattr(field.widget, "widget", None)  # RelatedFieldWidgetWrapper
                if inner is not None:
                    inner.attrs["aria-label"] = label

    LabelledCellsFormSet.__name__ = formset.__name__
    return LabelledCellsFormSet


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
        hashed = search_hash(search_term)
        if hashed:
            return queryset.filter(citizen_id_hash=hashed), False
        return super().get_search_results(request, queryset, search_term)

    def changelist_view(self, request, extra_context=None):
        number = citizen_id.searched_number(request.GET.get(SEARCH_VAR, ""))
        if request.method == "GET" and number:
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


class ReadOnlyAdminMixin:
    """Records that are evidence (the audit log, the export log, article revisions): listed and
    shown, never added, changed or deleted from the admin. Mix in before ``admin.ModelAdmin``."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
