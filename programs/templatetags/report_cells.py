"""The print view's cells (``programs.admin.report_files``): a figure of a report row shown as
the xlsx shows it (per cent, baht, a count, a BE date)."""

from decimal import Decimal

from django import template

from sammachip.templatetags.numbers import percent
from sammachip.thaidate import format_thai_date

register = template.Library()


@register.simple_tag
def report_cell(row, key, kind):
    """``row[key]`` as text: ``kind`` is ``percent``, ``money``, ``count``, ``date`` or
    ``text``; a missing figure is "—"."""
    value = (row or {}).get(key) if isinstance(row, dict) else None
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(value)
    if kind == "percent":
        return percent(value)
    if kind == "money":
        return f"{Decimal(value):,.2f}"
    if kind == "count":
        return f"{int(value):,}"
    if kind == "date":
        return format_thai_date(value)
    return str(value)


@register.filter
def report_items(section, key):
    """The rows of one table of a village section (``section[key]``)."""
    return section.get(key, [])
