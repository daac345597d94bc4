"""axe-core (vendored: tests/browser/vendor/) on every public page, on a phone and a desktop,
and on the admin as an officer and as provincial staff sees it: the index, each changelist, add
page and one change page of every registered model, and the custom pages (KPIs, import, history,
attendance sheet, password). WCAG 2.1 A and AA rules; 0 violations.

A failure prints each violation readably: page, rule, impact, what to fix, and the elements."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from articles.models import Article
from programs.demo import seed_programme
from programs.models import Household, Sage, TrainingSession
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import TEST_PASSWORD, make_user

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
WCAG21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), html: n.html.slice(0, 200),
                                summary: n.failureSummary})),
  }));
}"""


@pytest.fixture
def demo(transactional_db):
    """The demo programme (invented data), the sample article and the two demo roles."""
    call_command("load_geography", province=["40"], stdout=io.StringIO())
    call_command("loaddata", settings.BASE_DIR / "fixtures" / "occupations.json", verbosity=0)
    seed_programme()
    call_command("seed_articles", stdout=io.StringIO())
    return {
        "officer_phon": make_user(username="officer_phon", role="district", districts=["4012"]),
        "province_staff": make_user(username="province_staff", role="province"),
    }


def axe_violations(page, url):
    """The page at ``url`` loaded (scripts run, select2 drawn) and checked by axe."""
    response = page.goto(url)
    assert response.status == 200, url
    page.wait_for_load_state("networkidle")
    page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE, WCAG21_AA)


def readable(found):
    """``{url: [violation]}`` as lines a person can act on."""
    lines = []
    for url, violations in found.items():
        for v in violations:
            lines.append(f"{url}: {v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])} ที่")
            for node in v["nodes"][:8]:
                lines.append(f"    {node['target']}  {node['html']}")
                lines.append("      " + " / ".join(node["summary"].splitlines()[1:3]))
    return "\n".join(lines)


def public_pages():
    article = Article.objects.filter(status="published").first()
    sage = Sage.objects.filter(is_public=True).first()
    return [
        "/",
        "/articles/",
        "/articles/?q=ผ้าไหม",
        article.get_absolute_url(),
        "/sages/",
        sage.get_absolute_url(),
        "/districts/",
        "/districts/4012/",
        "/stats/",
        "/opendata/",
        "/about/",
        "/privacy/",
    ]


def admin_pages(user):
    """The index, then each model's changelist, add page and first change page ``user`` may see."""
    request = RequestFactory().get("/admin/")
    request.user = user
    pages = ["/admin/"]
    for model, model_admin in sorted(admin.site._registry.items(), key=lambda i: str(i[0]._meta)):
        if not model_admin.has_view_permission(request):
            continue
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        pages.append(reverse(f"{name}_changelist"))
        if model_admin.has_add_permission(request):
            pages.append(reverse(f"{name}_add"))
        obj = model_admin.get_queryset(request).order_by("pk").first()
        if obj is not None:
            pages.append(reverse(f"{name}_change", args=[obj.pk]))
    # The custom pages: the KPI page, the import, a record's history, an attendance sheet.
    household = admin.site._registry[Household].get_queryset(request).first()
    session = admin.site._registry[TrainingSession].get_queryset(request).first()
    pages += [
        reverse("admin:programs_household_progress"),
        reverse("admin:programs_household_import"),
        reverse("admin:programs_household_history", args=[household.pk]),
        reverse("admin:programs_trainingsession_sheet", args=[session.pk]),
        reverse("admin:password_change"),
    ]
    return pages


def log_in(page, base_url, username):
    page.goto(base_url + "/admin/login/")
    page.get_by_label("ชื่อผู้ใช้").fill(username)
    page.get_by_label("รหัสผ่าน").fill(TEST_PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    page.wait_for_url(base_url + "/admin/")


@pytest.mark.parametrize(("name", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_public_pages_have_no_wcag_violation(live_server, demo, new_page, name, viewport):
    # The pages are checked as served; axe is added by the test, past the page's own CSP.
    page = new_page(viewport, bypass_csp=True)
    found = {}
    for path in public_pages():
        violations = axe_violations(page, live_server.url + path)
        if violations:
            found[f"{path} ({name})"] = violations
    assert found == {}, "\n" + readable(found)


@pytest.mark.parametrize("username", ["officer_phon", "province_staff"])
def test_admin_pages_have_no_wcag_violation(live_server, demo, new_page, username):
    page = new_page(DESKTOP, bypass_csp=True)
    log_in(page, live_server.url, username)
    pages = admin_pages(demo[username])
    assert len(pages) > 20, pages  # the walk reached the programme's models
    found = {}
    for path in pages:
        violations = axe_violations(page, live_server.url + path)
        if violations:
            found[path] = violations
    assert found == {}, f"\n{username}:\n" + readable(found)


def test_job_pages_have_no_wcag_violation(live_server, demo, new_page):
    """The user's job pages (a big export, the checks of a clean file and of one with a bad
    row, each showing the import preview) and the admin home's panel of them."""
    from sammachip.jobs.models import Job
    from tests.browser.test_admin_crawl import make_jobs

    user = demo["officer_phon"]
    make_jobs(user)
    page = new_page(DESKTOP, bypass_csp=True)
    log_in(page, live_server.url, "officer_phon")
    pages = ["/admin/"] + [
        reverse("admin:jobs_job", args=[pk])
        for pk in Job.objects.for_user(user).values_list("pk", flat=True)
    ]
    assert len(pages) == 4
    found = {}
    for path in pages:
        violations = axe_violations(page, live_server.url + path)
        if violations:
            found[path] = violations
    assert found == {}, "\n" + readable(found)


def test_the_check_does_see_a_violation(live_server, demo, new_page):
    """An unlabelled box on a page is reported (the harness is not blind)."""
    page = new_page(DESKTOP, bypass_csp=True)
    page.goto(live_server.url + "/about/")
    page.evaluate(
        "document.querySelector('main').append(Object.assign("
        "document.createElement('input'), {type: 'text'}))"
    )
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(RUN_AXE, WCAG21_AA)
    assert [v["id"] for v in violations] == ["label"]
    assert "label" in readable({"/about/": violations})
