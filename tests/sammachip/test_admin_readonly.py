"""Read-only fields in the admin (``sammachip.admin_readonly``): on a change page a user may only
view, a citizen ID is masked, dates read in the Buddhist Era and yes/no in Thai, for every
registered admin and the inlines it shows read-only.

The walk uses a *view-only* user: provincial scope (every district's rows) with no permission
but Django's ``view_<model>`` ones (no such role exists today: the province's role table is cut
to them for the test), on ``seed_demo``'s data.
"""

import datetime
import io
import re
from pathlib import Path

import django
import pytest
from django.contrib import admin
from django.contrib.admin.helpers import AdminReadonlyField
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import models, transaction
from django.test import RequestFactory, override_settings

from programs.models import FollowUp, Household, Sage
from sammachip import citizen_id, roles, thaidate
from sammachip.admin_readonly import readonly_contents
from sammachip.citizen_id.fields import EncryptedCitizenIdField
from sammachip.citizen_id.text import replace_ids
from sammachip.models import User
from tests.admin_pages import data_words, english_words, visible_text

ENGLISH_MONTH = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\b\.?|\b[ap]\.m\.|"
    r"\bmidnight\b|\bnoon\b"
)
# A day as Django's Thai locale writes it (``7 ธันวาคม 2025``, the Common-Era year) or as
# ``str(date)`` does (``2025-12-07``): a year below 2400 is not a BE year.
THAI_MONTH = "|".join(re.escape(m) for m in (*thaidate.THAI_MONTHS, *thaidate.THAI_MONTHS_SHORT))
CE_DATE = re.compile(
    rf"(?:{THAI_MONTH})\s*(?:ค\.ศ\.|พ\.ศ\.)?\s*(?:1\d{{3}}|2[0-3]\d\d)\b|\b\d{{4}}-\d\d-\d\d\b"
)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """``seed_demo``'s data once for the module (rolled back after)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with override_settings(DEBUG=True):
                call_command("seed_demo", "--quiet-logins", stdout=io.StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def viewer(demo, db, monkeypatch):
    """A staff user who may only view, every district's rows."""
    view = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.select_related("content_type")
        if p.codename == f"view_{p.content_type.model}"
    }
    monkeypatch.setitem(roles.ROLE_PERMISSIONS, "province", frozenset(view))
    return User.objects.create_user(
        username="viewer_only", password="x-Viewer-2569", role="province", is_staff=True
    )


def _richest(queryset):
    """The first row (by pk) with every date, date-time and citizen ID of its model filled,
    or the first row at all."""
    model = queryset.model
    filled = {}
    for field in model._meta.concrete_fields:
        if isinstance(field, models.DateField) and field.null:
            filled[f"{field.name}__isnull"] = False
    rows = queryset.order_by("pk")
    if any(isinstance(f, EncryptedCitizenIdField) for f in model._meta.concrete_fields):
        rows = rows.exclude(citizen_id_hash="")
    return rows.filter(**filled).first() or rows.first() or queryset.order_by("pk").first()


def view_only_change_pages(user):
    """``(label, url, obj)`` of one change page per registered admin ``user`` may view."""
    request = RequestFactory().get("/admin/")
    request.user = user
    pages = []
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_view_permission(request):
            continue
        obj = _richest(model_admin.get_queryset(request))
        if obj is None:
            continue
        opts = model._meta
        url = f"/admin/{opts.app_label}/{opts.model_name}/{obj.pk}/change/"
        pages.append((f"{opts.app_label}.{opts.model_name}", url, obj))
    return pages


def test_every_view_only_change_page_masks_ids_and_dates_in_be(viewer, client):
    client.force_login(viewer)
    words = data_words(*User.objects.all())
    full_ids = {
        citizen_id.format_full(number)
        for model in (Household, Sage)
        for number in model.objects.values_list("citizen_id", flat=True)
        if number
    }
    problems, read_only = [], 0
    pages = view_only_change_pages(viewer)
    for label, url, _obj in pages:
        response = client.get(url)
        if response.status_code != 200:
            problems.append(f"{label} {url}: HTTP {response.status_code}")
            continue
        html = response.content.decode()
        text = visible_text(html)
        read_only += 'class="readonly"' in html
        if replace_ids(text) != text:
            problems.append(f"{label}: a citizen ID in full")
        for number in full_ids:
            if number in html or number.replace("-", "") in html:
                problems.append(f"{label}: the citizen ID {number[:1]}… in the page")
                break
        months = sorted(set(ENGLISH_MONTH.findall(text)))
        if months:
            problems.append(f"{label}: English dates {months}")
        ce = sorted({m.group(0) for m in CE_DATE.finditer(text)})
        if ce:
            problems.append(f"{label}: Common-Era dates {ce}")
        english = english_words(text, words)
        if english:
            problems.append(f"{label}: English {english}")
    assert len(pages) > 15  # the walk found the registered admin
    assert read_only == len(pages) - len([p for p in problems if "HTTP" in p])
    assert problems == [], "\n".join(problems)


def test_a_view_only_household_shows_its_id_masked_and_its_inlines_in_thai(viewer, client):
    client.force_login(viewer)
    follow_up = (
        FollowUp.objects.filter(household__citizen_id_hash__gt="")
        .select_related("household")
        .order_by("pk")
        .first()
    )
    household = follow_up.household
    text = visible_text(
        client.get(f"/admin/programs/household/{household.pk}/change/").content.decode()
    )
    assert household.citizen_id_masked in text
    assert citizen_id.format_full(household.citizen_id) not in text
    Household.objects.filter(pk=household.pk).update(income_before=12500)
    text = visible_text(
        client.get(f"/admin/programs/household/{household.pk}/change/").content.decode()
    )
    assert "12,500.00" in text  # as the amount's box shows it on an editable form
    # The follow-ups' inline, read-only: the visit's day in BE, practising in Thai.
    assert thaidate.format_thai_date(follow_up.visited_on) in text
    assert ("ใช่" if follow_up.practising else "ไม่ใช่") in text


def test_a_view_only_follow_up_shows_dates_and_yes_no_in_thai(viewer, client):
    follow_up = FollowUp.objects.order_by("pk").first()
    FollowUp.objects.filter(pk=follow_up.pk).update(visited_on=datetime.date(2025, 12, 7))
    client.force_login(viewer)
    text = visible_text(
        client.get(f"/admin/programs/followup/{follow_up.pk}/change/").content.decode()
    )
    assert "7 ธันวาคม 2568" in text
    assert "Dec" not in text
    assert "2025" not in text


def test_a_view_only_sage_shows_its_id_masked(viewer, client):
    sage = Sage.objects.exclude(citizen_id_hash="").order_by("pk").first()
    client.force_login(viewer)
    html = client.get(f"/admin/programs/sage/{sage.pk}/change/").content.decode()
    assert citizen_id.mask(sage.citizen_id) in visible_text(html)
    assert sage.citizen_id not in html


def test_a_user_page_shows_dates_in_be_and_flags_in_thai(viewer, client):
    client.force_login(viewer)
    staff = User.objects.get(username="province_staff")
    text = visible_text(client.get(f"/admin/sammachip/user/{staff.pk}/change/").content.decode())
    assert thaidate.format_thai_datetime(staff.date_joined) in text
    assert "ใช่" in text  # is_staff, is_active
    assert "True" not in text


def test_an_id_typed_into_a_note_is_masked_on_a_view_only_page(viewer, client):
    follow_up = FollowUp.objects.order_by("pk").first()
    number = citizen_id.with_check_digit("110170023070")
    FollowUp.objects.filter(pk=follow_up.pk).update(notes=f"โทรหาตาม เลข {number} แล้ว")
    client.force_login(viewer)
    text = visible_text(
        client.get(f"/admin/programs/followup/{follow_up.pk}/change/").content.decode()
    )
    assert f"โทรหาตาม เลข {citizen_id.mask(number)} แล้ว" in text
    assert number not in text


def _shown(model_admin, obj, name):
    """What ``readonly_contents`` shows for ``name`` of ``obj`` on ``model_admin``'s form."""
    form = model_admin.get_form(RequestFactory().get("/"), obj, fields=[])(instance=obj)
    return str(readonly_contents(AdminReadonlyField(form, name, True, model_admin)))


def test_what_a_display_method_returns_reads_in_thai(demo, db):
    follow_up = FollowUp.objects.order_by("pk").first()
    model_admin = admin.site._registry[FollowUp]
    methods = {
        "a_day": lambda obj: datetime.date(2025, 12, 7),
        "a_moment": lambda obj: datetime.datetime(2025, 12, 7, 2, 30, tzinfo=datetime.UTC),
        "nothing": lambda obj: None,
        "a_flag": lambda obj: False,
    }
    for name, method in methods.items():
        setattr(model_admin, name, method)
    try:
        assert _shown(model_admin, follow_up, "a_day") == "7 ธันวาคม 2568"
        assert _shown(model_admin, follow_up, "a_moment") == "7 ธันวาคม 2568 เวลา 09:30 น."
        assert _shown(model_admin, follow_up, "nothing") == model_admin.get_empty_value_display()
        assert _shown(model_admin, follow_up, "a_flag").endswith("ไม่ใช่")
    finally:
        for name in methods:
            delattr(model_admin, name)


def test_a_long_run_of_digits_inside_a_tag_is_left_alone(demo, db):
    """Only the text is masked: a file's address (a random name may hold 13 digits) works."""
    sage = Sage.objects.order_by("pk").first()
    sage.photo.name = "sages/1234567890123.jpg"
    shown = _shown(admin.site._registry[Sage], sage, "photo")
    assert 'href="/media/sages/1234567890123.jpg"' in shown
    assert ">sages/1234567890123.jpg<" not in shown


@pytest.mark.parametrize(
    ("ours", "django_name"),
    [
        ("admin/includes/fieldset.html", "admin/includes/fieldset.html"),
        ("admin/edit_inline/tabular.html", "admin/edit_inline/tabular.html"),
        ("admin/change_list_results.html", "admin/change_list_results.html"),
    ],
)
def test_the_admin_templates_are_djangos_but_for_the_display(ours, django_name):
    """The project's copies differ from the installed Django's only by the read-only display
    (an upgrade of Django that changes them fails here: copy them again)."""
    root = Path(django.__file__).parent / "contrib/admin/templates"
    theirs = (root / django_name).read_text()
    mine = (Path(__file__).parents[2] / "templates" / ours).read_text()
    comment, mine = mine.split("\n", 1)
    assert comment.startswith("{#") and comment.endswith("#}")
    mine = mine.replace("{{ field|readonly_contents }}", "{{ field.contents }}")
    mine = mine.replace("{{ item|thai_boolean_icons }}", "{{ item }}")
    mine = mine.replace("|help_html }}", "|safe }}")
    mine = mine.replace("{% load admin_readonly %}", "").replace("load admin_readonly ", "load ")
    mine = mine.replace("{% load i18n admin_readonly %}", "{% load i18n %}")
    assert mine == theirs


def test_change_list_yes_no_icons_say_it_in_thai(client, demo, db):
    """A list column of yes/no (Django's icon with alt="True") reads ใช่ / ไม่ใช่."""
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="province_staff"))
    from django.utils.safestring import mark_safe

    from sammachip.admin_readonly import thai_boolean_icons

    cell = mark_safe(  # a changelist cell as Django renders it (safe)
        '<td class="field-x"><img src="/static/admin/img/icon-yes.3f1a.svg" alt="True"></td>'
    )
    assert 'alt="ใช่"' in thai_boolean_icons(cell)
    assert 'alt="ไม่ใช่"' in thai_boolean_icons(mark_safe(cell.replace('"True"', '"False"')))
    assert thai_boolean_icons(mark_safe("<td>True</td>")) == "<td>True</td>"  # only the alt
    assert thai_boolean_icons("<b>typed</b>") == "&lt;b&gt;typed&lt;/b&gt;"  # text stays text
    from django.contrib import admin

    pages = 0
    for model in admin.site._registry:
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        response = client.get(url)
        if response.status_code != 200:
            continue
        html = response.content.decode()
        assert 'alt="True"' not in html and 'alt="False"' not in html, url
        pages += 'alt="ใช่"' in html or 'alt="ไม่ใช่"' in html
    assert pages >= 1  # at least one list shows a yes/no column


def test_help_texts_are_html_only_when_built_as_html():
    """The fieldset template copy writes no ``|safe``: a plain help text is escaped, a text
    built as HTML (the password rules' list, lazily translated) stays HTML."""
    from django.contrib.auth.password_validation import password_validators_help_text_html
    from django.utils.safestring import mark_safe

    from sammachip.templatetags.admin_readonly import help_html

    assert help_html("รายได้ <b>ต่อเดือน</b>") == "รายได้ &lt;b&gt;ต่อเดือน&lt;/b&gt;"
    assert help_html(mark_safe("<em>x</em>")) == "<em>x</em>"
    assert str(help_html(password_validators_help_text_html())).startswith("<ul>")
