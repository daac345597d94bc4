"""What the admin shows in a read-only field, the one home: every change page a user may only
view (no change permission: a view-only role, a record of a reported district-year, an evidence
log), every ``readonly_fields`` entry and every inline row shown read-only.

Django's own display (``AdminReadonlyField.contents``) writes a citizen ID in full, dates in the
Common Era (``7 ธันวาคม 2026`` in the Thai locale, ``Dec. 7, 2026`` in English, ``2026-12-07``
from a display method) and yes/no as icons whose text is English. The project's copies of
``admin/includes/fieldset.html`` (stacked inlines use it too) and
``admin/edit_inline/tabular.html`` show ``{{ field|readonly_contents }}`` instead (template
library ``admin_readonly``), which is ``readonly_contents`` below: Django's ``contents`` with

* a citizen ID (``EncryptedCitizenIdField``) masked as everywhere else (``citizen_id.mask``:
  ``1-2345-xxxxx-xx-1``), and any ID-like number in the text of any other field or display
  method masked too (``citizen_id.text.mask_citizen_ids``; text only, not inside a tag);
* dates and date-times in the Buddhist Era (``thaidate.format_thai_date`` /
  ``format_thai_datetime``: ``7 ธันวาคม 2569``, ``7 ธันวาคม 2569 เวลา 09:30 น.``), whether a
  model field or a display method returns them;
* yes/no in Thai (``ใช่`` / ``ไม่ใช่`` / ``ไม่ระบุ``) beside Django's icon;
* an amount (``DecimalField``) with thousands separators, as its box on an editable form shows
  it (``sammachip.fields.ThaiNumberInput``: ``12,500.00``).

The change lists' yes/no icons (``alt="True"`` from Django's ``_boolean_icon``) get the same
Thai words as their alt text (``thai_boolean_icons``, in the project's copy of
``admin/change_list_results.html``).
"""

import datetime
import re

from django.contrib.admin.utils import display_for_field, lookup_field
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models.fields.related import ForeignObjectRel, ManyToManyRel, OneToOneField
from django.template.defaultfilters import linebreaksbr
from django.templatetags.static import static
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from sammachip import citizen_id, thaidate
from sammachip.citizen_id.fields import EncryptedCitizenIdField
from sammachip.citizen_id.text import mask_citizen_ids

_ICONS = {True: "yes", False: "no", None: "unknown"}


def yes_no_words(value):
    """ใช่ / ไม่ใช่ / ไม่ระบุ: yes, no or unknown as the admin writes it in Thai."""
    value = None if value is None else bool(value)
    return {True: gettext("ใช่"), False: gettext("ไม่ใช่"), None: gettext("ไม่ระบุ")}[value]


def thai_boolean(value):
    """Django's yes/no/unknown icon followed by the word in Thai (the icon's own alt text is
    English and hard-coded, so it is left empty: the word says it)."""
    value = None if value is None else bool(value)
    icon = static(f"admin/img/icon-{_ICONS[value]}.svg")
    return format_html('<img src="{}" alt=""> {}', icon, yes_no_words(value))


_BOOLEAN_ICON = re.compile(
    r'(<img src="[^"]*/admin/img/icon-(?:yes|no|unknown)[^"]*\.svg") alt="(True|False|None)">'
)


def thai_boolean_icons(html):
    """A change list cell with Django's yes/no icon: its alt text in Thai (ใช่ / ไม่ใช่ /
    ไม่ระบุ), which is what a screen reader says; any other cell as it is."""
    html = str(conditional_escape(html))  # Django's cells are safe already; anything else is text
    if 'alt="' not in html:
        return mark_safe(html)
    values = {"True": True, "False": False, "None": None}
    return mark_safe(  # an escaped cell with a fixed Thai word put in
        _BOOLEAN_ICON.sub(lambda m: f'{m.group(1)} alt="{yes_no_words(values[m.group(2)])}">', html)
    )


def thai_value(value, empty_value_display):
    """A value a display method returned, as a Thai officer reads it: a date or date-time in
    BE, ``True``/``False`` in Thai; anything else as it is."""
    if value is None:
        return empty_value_display
    if isinstance(value, datetime.datetime):
        return thaidate.format_thai_datetime(value)
    if isinstance(value, datetime.date):
        return thaidate.format_thai_date(value)
    if isinstance(value, bool):
        return thai_boolean(value)
    return value


def thai_display_for_field(value, field, empty_value_display):
    """``display_for_field`` (Django's display of a model field's value), in Thai: see the
    module doc."""
    if isinstance(field, EncryptedCitizenIdField):
        return citizen_id.mask(value) or empty_value_display
    if isinstance(field, models.BooleanField):
        return thai_boolean(value)
    if value is None or value == "":
        return display_for_field(value, field, empty_value_display)
    if field.flatchoices:  # a choice's label (Thai), whatever its type
        return display_for_field(value, field, empty_value_display)
    if isinstance(field, models.DateTimeField):
        return thaidate.format_thai_datetime(value)
    if isinstance(field, models.DateField):
        return thaidate.format_thai_date(value)
    if isinstance(field, models.DecimalField):
        return f"{value:,}"
    return display_for_field(value, field, empty_value_display)


TAG_RE = re.compile(r"(<[^>]*>)")


def masked_html(html):
    """``html`` (escaped or safe) with every ID-like number in its text masked. The tags are
    left as they are (a link's address or an image's file name may hold a long run of digits
    that is no ID); what masking writes (digits, ``x``, ``-``) needs no escaping, so safe HTML
    stays safe."""
    parts = TAG_RE.split(str(conditional_escape(html)))
    # split() with a group: the text is at the even places, the tags at the odd ones.
    return mark_safe(
        "".join(part if i % 2 else mask_citizen_ids(part) for i, part in enumerate(parts))
    )


def readonly_contents(field):
    """``AdminReadonlyField.contents`` (Django 5.2, the same branches in the same order) with
    the Thai display of ``thai_display_for_field`` and ``thai_value``, and every ID masked."""
    name, obj, model_admin = field.field["field"], field.form.instance, field.model_admin
    empty = field.empty_value_display
    try:
        f, attr, value = lookup_field(name, obj, model_admin)
    except (AttributeError, ValueError, ObjectDoesNotExist):
        return conditional_escape(empty)
    if name in field.form.fields:
        widget = field.form[name].field.widget
        # contrib.auth's ReadOnlyPasswordHashWidget, as Django does.
        if getattr(widget, "read_only", False):
            return widget.render(name, value)
    if f is None:
        if getattr(attr, "boolean", False):
            result = thai_boolean(value)
        else:
            result = thai_value(value, empty)
            if not hasattr(result, "__html__"):
                result = linebreaksbr(result)
    else:
        if isinstance(f.remote_field, ManyToManyRel) and value is not None:
            result = ", ".join(map(str, value.all()))
        elif isinstance(f.remote_field, ForeignObjectRel | OneToOneField) and value is not None:
            result = field.get_admin_url(f.remote_field, value)
        else:
            result = thai_display_for_field(value, f, empty)
        result = linebreaksbr(result)
    return masked_html(result)
