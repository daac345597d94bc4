"""Template helpers of the household import pages."""

from functools import cache

from django import template

register = template.Library()


@cache
def _column_names():
    from programs.resources import HouseholdResource

    return {name: field.column_name for name, field in HouseholdResource().fields.items()}


@register.filter
def household_column(field_name):
    """The Thai column header of a ``HouseholdResource`` field (``citizen_id`` →
    ``เลขประจำตัวประชาชน``), as the officer sees it in the file."""
    return _column_names().get(field_name, field_name)
