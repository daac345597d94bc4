"""``{{ field|readonly_contents }}``: a read-only admin field as a Thai officer may read it
(``sammachip.admin_readonly``); used by the project's copies of the admin's fieldset and
tabular-inline templates."""

from django import template
from django.utils.functional import Promise
from django.utils.html import conditional_escape

from sammachip.admin_readonly import readonly_contents as _readonly_contents
from sammachip.admin_readonly import thai_boolean_icons as _thai_boolean_icons

register = template.Library()


@register.filter
def readonly_contents(field):
    """``AdminReadonlyField.contents`` with masked IDs, BE dates and Thai yes/no."""
    return _readonly_contents(field)


@register.filter
def thai_boolean_icons(cell):
    """A change list cell whose yes/no icon says ใช่ / ไม่ใช่ / ไม่ระบุ (Django: True/False)."""
    return _thai_boolean_icons(cell)


@register.filter
def help_html(text):
    """A fieldset's description or a field's help text, where Django's template writes
    ``|safe``: text built as HTML (a ``SafeString``, also behind a lazy translation, as the
    password rules' list is) stays HTML; any other text is escaped, never trusted."""
    if isinstance(text, Promise):
        text = str(text)
    return conditional_escape(text)
