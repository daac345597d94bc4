"""No public page, feed, sitemap or CSV carries a household's name, a citizen ID (full or masked)
or a private phone number: crawl everything reachable from the home page and the sitemap over
demo-like data."""

import io
import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command

from programs.demo import seed_programme
from programs.models import Household, Sage, TeamMember
from tests.sammachip.public_data import build_portal

pytestmark = pytest.mark.django_db

MAX_PAGES = 400
CITIZEN_ID = re.compile(r"\b\d{13}\b")
CITIZEN_ID_DASHED = re.compile(r"\b\d-\d{4}-\d{5}-\d{2}-\d\b")
CITIZEN_ID_MASKED = re.compile(r"\b\d-\d{4}-x{5}-x{2}-\d\b")
SKIP = ("/admin/", "/static/", "/media/")


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "action") and value:
                self.found.append(value)


def links_in(url, response):
    body = response.content.decode("utf-8-sig", errors="replace")
    content_type = response.get("Content-Type", "")
    if "html" in content_type:
        parser = Links()
        parser.feed(body)
        candidates = parser.found
    elif "xml" in content_type:
        candidates = re.findall(r"<(?:loc|link)>([^<]+)</(?:loc|link)>", body)
        candidates += re.findall(r'<link[^>]+href="([^"]+)"', body)
    else:
        candidates = []
    for href in candidates:
        target = urldefrag(urljoin("http://testserver" + url, href.strip()))[0]
        parts = urlsplit(target)
        if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if not path.startswith(SKIP):
            yield path


def crawl(client, seeds):
    seen, queue, pages = set(seeds), deque(seeds), {}
    while queue and len(pages) < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        pages[url] = response.content.decode("utf-8-sig", errors="replace")
        for link in links_in(url, response):
            if link not in seen:
                seen.add(link)
                queue.append(link)
    return pages


def phone_forms(phone):
    digits = re.sub(r"\D", "", phone)
    return {phone, digits, f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"} if digits else set()


@pytest.fixture
def demo(geography):
    """The demo programme (600 households, sages with private phones) plus the factories' own
    secrets in the current fiscal year, and the legacy article."""
    call_command("loaddata", settings.BASE_DIR / "fixtures" / "occupations.json", verbosity=0)
    seed_programme()
    portal = build_portal(villages=3, articles=2)
    call_command("seed_articles", stdout=io.StringIO())
    return portal


def secrets():
    """Every string that must never be public, with names that happen to equal a public sage's
    (the demo draws both from the same invented name lists) left out."""
    public_names = {f"{s.first_name} {s.last_name}" for s in Sage.objects.filter(is_public=True)}
    found = set()
    for household in Household.objects.all():
        name = f"{household.first_name} {household.last_name}"
        if name not in public_names:
            found.add(name)
        found.add(household.citizen_id)
        found.add(household.citizen_id_masked)
        found |= phone_forms(household.phone)
    for sage in Sage.objects.all():
        if sage.citizen_id:
            found.add(sage.citizen_id)
            found.add(sage.citizen_id_masked)
        if not (sage.is_public and sage.phone_public):
            found |= phone_forms(sage.phone)
        if not sage.is_public and f"{sage.first_name} {sage.last_name}" not in public_names:
            found.add(f"{sage.first_name} {sage.last_name}")
    for member in TeamMember.objects.all():
        found |= phone_forms(member.phone)
    return {secret for secret in found if secret}


def test_no_public_page_reveals_a_household_an_id_or_a_private_phone(client, demo):
    year = demo["year"]
    # Every district-year approved, so that /opendata/'s files hold rows too.
    from programs import reporting
    from programs.models import DistrictReport

    for district, fiscal_year in set(Household.objects.values_list("district_id", "fiscal_year")):
        DistrictReport.objects.create(
            district_id=district,
            fiscal_year=fiscal_year,
            status=DistrictReport.Status.APPROVED,
            snapshot=reporting.district_snapshot(district=district, fiscal_year=fiscal_year),
        )
    pages = crawl(
        client,
        [
            "/",
            "/sitemap.xml",
            "/articles/feed/",
            "/robots.txt",
            f"/stats/csv?fiscal_year={year}",
            f"/stats/csv?fiscal_year={year - 1}",
            f"/stats/?fiscal_year={year - 1}",
        ],
    )
    crawled = set(pages)
    # The crawl reached every kind of public page.
    assert any(re.fullmatch(r"/sages/\d+/", url) for url in crawled)
    assert any(re.fullmatch(r"/districts/\d{4}/", url) for url in crawled)
    assert any(re.fullmatch(r"/articles/\d+/", url) for url in crawled)
    for url in [
        "/sages/",
        "/districts/",
        "/stats/",
        "/opendata/",
        "/opendata/households.csv",
        "/opendata/households.json",
        "/opendata/households/metadata.json",
        "/about/",
        "/privacy/",
        "/articles/",
    ]:
        assert url in crawled, url
    # The secrets are real: the data has households with names, IDs and phones.
    hidden = secrets()
    assert Household.objects.count() > 600
    assert len(hidden) > 1500
    for url, body in pages.items():
        assert not CITIZEN_ID.search(body), url
        assert not CITIZEN_ID_DASHED.search(body), url
        assert not CITIZEN_ID_MASKED.search(body), url
        leaked = [secret for secret in hidden if secret in body]
        assert leaked == [], (url, leaked[:5])
