"""Template filters for Buddhist-Era dates (loaded as a builtin in every template)."""

from django import template

from sammachip import thaidate

register = template.Library()


@register.filter
def thai_date(value):
    """``{{ d|thai_date }}`` → ``21 มิถุนายน 2560``."""
    return thaidate.format_thai_date(value)


@register.filter
def thai_date_short(value):
    """``{{ d|thai_date_short }}`` → ``21 มิ.ย. 60``."""
    return thaidate.format_thai_date(value, short=True)


@register.filter
def thai_datetime(value):
    """``{{ dt|thai_datetime }}`` → ``21 มิถุนายน 2560 เวลา 18:03 น.``."""
    return thaidate.format_thai_datetime(value)


@register.filter
def fiscal_year(value):
    """``{{ d|fiscal_year }}`` → ``2568`` (BE)."""
    if value is None or value == "":
        return ""
    return thaidate.fiscal_year(value)
