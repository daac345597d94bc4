"""District scoping: the one mechanism that decides which rows a user reaches.

A model is *district-owned* when it declares ``district_lookup``, the ORM path from the model to
``villages.District`` (``"district"`` for a row with its own district column, ``"pk"`` for District
itself). Everything that touches district data goes through here:

* ``scope_for_user(queryset, user)`` / ``DistrictScopedQuerySet.for_user(user)`` — the rows;
* ``user_can_access(user, obj)`` — one object, for saves and object permissions;
* ``DistrictScopedAdminMixin`` — every ModelAdmin and inline of a district-owned model: changelist,
  search and counts, change/delete/history (through ``get_queryset``), FK and M2M choices and their
  POST validation, list-filter choices, ``/admin/autocomplete/`` (which asks the *related* model's
  admin for its queryset), and ``save_model``.

Provincial staff and superusers see everything; a district officer sees the rows of their
``districts``; anybody else sees nothing.
"""

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.core.exceptions import PermissionDenied
from django.db import models


def is_district_owned(model):
    return getattr(model, "district_lookup", None) is not None


def scope_for_user(queryset, user):
    """The rows of ``queryset`` that ``user`` may reach."""
    if not is_district_owned(queryset.model):
        raise TypeError(f"{queryset.model.__name__} is not district-owned (no district_lookup)")
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.sees_all_districts:
        return queryset
    if user.role != user.Role.DISTRICT or not user.district_codes:
        return queryset.none()
    return queryset.filter(**{f"{queryset.model.district_lookup}__in": user.district_codes})


def related_for_user(queryset, user, *, district):
    """A list of rows related to one district-owned record (a team's households, a session's
    attendees) as a page may show it: only the rows ``user`` may reach *and* of the record's
    ``district`` (a row of another district does not belong there, whoever looks). Returns the
    rows and the number left out, so the page can say that some were."""
    lookup = queryset.model.district_lookup
    shown = scope_for_user(queryset, user).filter(**{lookup: district})
    left_out = queryset.exclude(pk__in=shown.values("pk")).count()
    return shown, left_out


def district_code_of(obj):
    """The district code an object belongs to, read from its own columns where it can be."""
    parts = obj.district_lookup.split("__")
    if parts == ["pk"]:
        return obj.pk
    target = obj
    for part in parts[:-1]:
        target = getattr(target, part, None)
        if target is None:
            return None
    return getattr(target, f"{parts[-1]}_id", None)


def user_can_access(user, obj):
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.sees_all_districts:
        return True
    if user.role != user.Role.DISTRICT:
        return False
    return district_code_of(obj) in user.district_codes


class DistrictScopedQuerySet(models.QuerySet):
    """Base QuerySet of district-owned models."""

    def in_districts(self, districts):
        return self.filter(**{f"{self.model.district_lookup}__in": districts})

    def for_user(self, user):
        return scope_for_user(self, user)


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A relation filter whose choices are only the related rows the user may reach."""

    def field_choices(self, field, request, model_admin):
        queryset = scope_for_user(field.related_model._default_manager.all(), request.user)
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            queryset = queryset.order_by(*ordering)
        return [(obj.pk, str(obj)) for obj in queryset]


class DistrictScopedAdminMixin:
    """Mix into every ModelAdmin and InlineModelAdmin of district-owned data (see module doc)."""

    def get_queryset(self, request):
        return scope_for_user(super().get_queryset(request), request.user)

    def _scoped_related_queryset(self, db_field, request):
        related = db_field.related_model
        if not is_district_owned(related):
            return None
        related_admin = self.admin_site._registry.get(related)
        if related_admin is not None:
            # The same rows the autocomplete endpoint offers, in the related admin's order.
            return related_admin.get_queryset(request)
        return scope_for_user(related._default_manager.all(), request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            queryset = self._scoped_related_queryset(db_field, request)
            if queryset is not None:
                kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            queryset = self._scoped_related_queryset(db_field, request)
            if queryset is not None:
                kwargs["queryset"] = queryset
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_list_filter(self, request):
        scoped = []
        for entry in super().get_list_filter(request):
            if isinstance(entry, str):
                field = get_fields_from_path(self.model, entry)[-1]
                if field.is_relation and is_district_owned(field.related_model):
                    entry = (entry, ScopedRelatedFieldListFilter)
            scoped.append(entry)
        return scoped

    def _object_allowed(self, request, obj):
        # For an inline, ``obj`` is the parent object, which may or may not be district-owned.
        if obj is None or not is_district_owned(type(obj)):
            return True
        return user_can_access(request.user, obj)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._object_allowed(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._object_allowed(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._object_allowed(request, obj)

    def save_model(self, request, obj, form, change):
        if not user_can_access(request.user, obj):
            raise PermissionDenied
        super().save_model(request, obj, form, change)
