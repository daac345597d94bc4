"""Number filters for Thai pages (loaded as a builtin)."""

from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()


@register.filter
def percent(value, signed=False):
    """``Decimal("0.8512")|percent`` → ``85.1%``; ``|percent:"signed"`` → ``+3.0%``; None → '—'."""
    if value is None or value == "":
        return "—"
    number = (Decimal(value) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    text = f"{number:,}%"
    return f"+{text}" if signed and number > 0 else text
