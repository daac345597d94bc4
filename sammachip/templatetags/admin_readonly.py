"""``{{ field|readonly_contents }}``: a read-only admin field as a Thai officer may read it
(``sammachip.admin_readonly``); used by the project's copies of the admin's fieldset and
tabular-inline templates."""

from django import template

from sammachip.admin_readonly import readonly_contents as _readonly_contents

register = template.Library()


@register.filter
def readonly_contents(field):
    """``AdminReadonlyField.contents`` with masked IDs, BE dates and Thai yes/no."""
    return _readonly_contents(field)
