"""Every admin page a user can open, and what a Thai officer must never read on one.

Shared by the crawl tests: ``tests/sammachip/test_admin_thai.py`` (Django's test client, fast,
run by ``make test``) and ``tests/browser/test_admin_crawl.py`` (Chromium: visible text and
widths at 1366 px). The pages come from the registered admin (``admin.site._registry``), so a
model or a custom view added later is crawled without touching the tests.

When a crawl fails it names the page and the word. A word that is right to show (a brand, a
file format) goes in ``ALLOWED_WORDS``; anything else is a string to translate (the project's
``locale/th/LC_MESSAGES/django.po`` overrides Django's and the libraries' catalogs).
"""

import re
from html.parser import HTMLParser
from typing import NamedTuple

from django.contrib import admin
from django.test import RequestFactory
from django.urls import NoReverseMatch, URLPattern, reverse

# Words a Thai officer reads as they are: brands, file formats, units. Case-sensitive.
ALLOWED_WORDS = {
    "OTOP",
    "Excel",
    "EXCEL",  # the household list's button, upper-cased by the admin's CSS
    "CSV",
    "csv",
    "PDF",
    "LINE",
    "xlsx",
    "XLSX",
    "Product",  # "OTOP Product Champion", the department's own name for the rating
    "Champion",
    "DOPA",
    "GeoThai",
    "CC",
    "BY",
    "ID",  # "LINE ID"
    # File formats, units and standards named as Thai officers name them.
    "JPEG",
    "PNG",
    "WebP",
    "MB",
    "EXIF",
    "GPS",
    "GMP",
    "IP",
    "UTF",
    "RSS",  # the public footer's feed link (the 400 page is a public page)
    # Keys on the keyboard, as printed on them.
    "Ctrl",
    "Enter",
}

# Custom admin views that are not pages: downloads, POST-only endpoints, JSON.
NOT_PAGES = {
    "admin:programs_household_export",  # POST only (the list's filters)
    "admin:programs_household_process_import",  # POST only (the import's confirmation)
    "admin:programs_household_import_template",  # xlsx download
    "admin:autocomplete",
    "admin:jsi18n",
    "admin:logout",
    "admin:view_on_site",
}

# A standard admin URL name ends in one of these; the rest of a ModelAdmin's URLs are its custom
# views.
STANDARD_VIEWS = ("_changelist", "_add", "_history", "_delete", "_change")

ENGLISH_WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")
# A raw field key, lookup or constraint name: snake_case words (citizen_id, district__code__exact).
# (Not inside a code with digits: pbkdf2_sha256 names the hasher, as Django shows it.)
RAW_KEY = re.compile(r"(?<![\w.])[a-z]+(?:__?[a-z]+)+(?![\w])")


class Page(NamedTuple):
    label: str  # e.g. "programs.household แก้ไข": the model and which page
    url: str
    custom: bool = False  # a ModelAdmin's own view: 403 means this role may not use it


def admin_pages(user):
    """The admin pages ``user`` may open: the index, each app index, and per registered model
    its changelist, add page, one change page, its history and every custom view (those taking
    an object with the first object the user may see)."""
    request = RequestFactory().get("/admin/")
    request.user = user
    pages = [Page("หน้าหลัก", reverse("admin:index"))]
    apps_seen = set()
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        name = f"{opts.app_label}.{opts.model_name}"
        if not model_admin.has_view_or_change_permission(request):
            continue
        if opts.app_label not in apps_seen:
            apps_seen.add(opts.app_label)
            app_index = reverse("admin:app_list", args=[opts.app_label])
            pages.append(Page(f"app {opts.app_label}", app_index))
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        pages.append(Page(f"{name} รายการ", reverse(f"{prefix}_changelist")))
        if model_admin.has_add_permission(request):
            pages.append(Page(f"{name} เพิ่ม", reverse(f"{prefix}_add")))
        obj = model_admin.get_queryset(request).order_by("pk").first()
        if obj is not None:
            pages.append(Page(f"{name} แก้ไข", reverse(f"{prefix}_change", args=[obj.pk])))
            pages.append(Page(f"{name} ประวัติ", reverse(f"{prefix}_history", args=[obj.pk])))
        for pattern in model_admin.get_urls():
            if not isinstance(pattern, URLPattern) or not pattern.name:
                continue
            if pattern.name.endswith(STANDARD_VIEWS) or f"admin:{pattern.name}" in NOT_PAGES:
                continue
            takes_object = "object_id" in str(pattern.pattern)
            if takes_object and obj is None:
                continue
            try:
                url = reverse(f"admin:{pattern.name}", args=[obj.pk] if takes_object else [])
            except NoReverseMatch:
                continue
            pages.append(Page(f"{name} {pattern.name}", url, custom=True))
    pages.append(Page("เปลี่ยนรหัสผ่าน", reverse("admin:password_change")))
    # The user's own background jobs (sammachip.jobs): each job page, whatever its state.
    from sammachip.jobs.models import Job

    for job in Job.objects.for_user(user).order_by("created_at"):
        label = f"งานเบื้องหลัง {job.kind} {job.status}"
        pages.append(Page(label, reverse("admin:jobs_job", args=[job.pk])))
    return pages


class VisibleText(HTMLParser):
    """The text a person reads on a page: text nodes outside script/style/template and hidden
    elements, plus placeholders, titles, alt texts and button values."""

    SKIP = {"script", "style", "template", "noscript", "head"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
    SHOWN_ATTRIBUTES = ("placeholder", "title", "alt", "aria-label")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.stack = []  # (tag, hidden)

    def hidden(self):
        return any(hidden for _, hidden in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        hidden = (
            tag in self.SKIP
            or "hidden" in attrs
            or "hidden" in (attrs.get("class") or "").split()
            or attrs.get("type") == "hidden"
            or "display: none"
            in (attrs.get("style") or "").replace("display:none", "display: none")
        )
        if not hidden and not self.hidden():
            for name in self.SHOWN_ATTRIBUTES:
                if name == "alt" and "/admin/img/icon-" in (attrs.get("src") or ""):
                    # Django's yes/no/unknown icons: alt "True"/"False"/"None" is hard-coded in
                    # django.contrib.admin (not translatable); the icon is what a person sees.
                    continue
                if attrs.get(name):
                    self.parts.append(attrs[name])
            if tag == "input" and attrs.get("type") in {"submit", "button"} and attrs.get("value"):
                self.parts.append(attrs["value"])
        if tag not in self.VOID:
            self.stack.append((tag, hidden))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if not self.hidden() and data.strip():
            self.parts.append(data.strip())


def visible_text(html):
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def english_words(text, data_words=()):
    """English words in ``text`` that are neither allowed nor the data's own (usernames,
    geography's English names, slugs). Words inside a code with digits (a masked ID
    ``1-2345-xxxxx-xx-1``, ``pbkdf2_sha256``), e-mail addresses and URLs are not words."""
    text = re.sub(r"\S+@\S+|https?://\S+", " ", text)
    found = set()
    for token in re.findall(r"[A-Za-z0-9_'’.*\-]+", text):
        if any(ch.isdigit() or ch == "*" for ch in token):  # a code, or a masked value
            continue
        if re.fullmatch(r"x+", token):  # a value masked whole (an ID too short to be one)
            continue
        for word in ENGLISH_WORD.findall(token):
            if word not in ALLOWED_WORDS and word not in data_words:
                found.add(word)
    return sorted(found)


def raw_keys(text, data_words=()):
    """Field keys, lookups and constraint names (snake_case) shown as text."""
    return sorted({k for k in RAW_KEY.findall(text) if k not in data_words})


def data_words(*users):
    """Words that are data, not interface: usernames (ASCII by nature), the geography's English
    names (``name_en`` columns) and the categories' ASCII slugs."""
    from articles.models import Category
    from villages.models import District, Province, Subdistrict

    words = set()
    for user in users:
        words.add(user.get_username())
        words.update(re.split(r"[_.\-]", user.get_username()))
    for model in (Province, District, Subdistrict):
        for name in model.objects.values_list("name_en", flat=True):
            words.update(ENGLISH_WORD.findall(name or ""))
    for slug in Category.objects.values_list("slug", flat=True):
        words.update(ENGLISH_WORD.findall(slug))
    return words
