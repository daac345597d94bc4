"""The lock of a reported district-year (``programs.locking``) in every admin door.

``YearLockedAdminMixin`` goes on every programme ModelAdmin (``ProgrammeAdmin``) and on the
inlines of locked records: a locked record (or an inline's locked parent) can be viewed but not
changed or deleted, and nothing can be added under it; a form whose record falls in a locked
year (the add page, an inline row, a household moved into a locked year) gets the Thai message
as its error; an action that would write a locked row is refused with the message; the
change page of a locked record says why it is read-only and who to ask. An occupational group
with members in a locked year cannot be deleted. The reports are read once per request (the
whole request runs inside ``locking.cached()``: ``programs.middleware``).
"""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.shortcuts import redirect

from programs import locking


def _lock_cache(request):
    cache = getattr(request, "_year_locks", None)
    if cache is None:
        cache = request._year_locks = {}
    return cache


def lock_for(request, obj, *, deleting=False):
    """The report locking ``obj`` as stored (once per object and request), or ``None``."""
    if obj is None or obj.pk is None:
        return None
    name = obj._meta.model_name
    if locking.spec_of(type(obj)) is None and not (deleting and name == "occupationgroup"):
        return None
    deleting = deleting and name == "occupationgroup"  # the one model deleting asks more of
    key = (name, obj.pk, deleting)
    cache = _lock_cache(request)
    if key not in cache:
        if name == "occupationgroup":
            cache[key] = locking.group_delete_lock(obj)
        else:
            cache[key] = locking.locked_report_for(obj)
    return cache[key]


def lock_checked(form_class):
    """``form_class`` whose record is checked against the lock once built (a form error, not a
    server error, when it falls in a locked district-year)."""

    class LockCheckedForm(form_class):
        def _post_clean(self):
            super()._post_clean()
            try:
                locking.check(self.instance)
            except locking.YearLocked as error:
                self.add_error(None, error)

    LockCheckedForm.__name__ = form_class.__name__
    return LockCheckedForm


class YearLockedAdminMixin:
    """See the module doc. ``obj`` of an inline's permissions is its parent. A locked page is
    read-only; its citizen ID shows masked and its dates in BE as on every read-only page
    (``sammachip.admin_readonly``)."""

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and lock_for(request, obj) is None

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return lock_for(request, obj) is None and lock_for(request, obj, deleting=True) is None

    def has_add_permission(self, request, *args):
        # ModelAdmin: (request); InlineModelAdmin: (request, parent).
        if not super().has_add_permission(request, *args):
            return False
        return not args or lock_for(request, args[0]) is None

    def get_form(self, request, obj=None, change=False, **kwargs):
        return lock_checked(super().get_form(request, obj, change=change, **kwargs))

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = lock_checked(formset.form)
        return formset

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        report = lock_for(request, obj)
        if report is not None and request.method == "GET":
            messages.warning(request, locking.message(report))
        return super().change_view(request, object_id, form_url, extra_context)

    def response_action(self, request, queryset):
        try:
            return super().response_action(request, queryset)
        except ValidationError as error:
            if not isinstance(error, locking.YearLocked):
                raise
            self.message_user(request, error.messages[0], messages.ERROR)
            return redirect(request.get_full_path())
