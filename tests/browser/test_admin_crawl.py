"""The whole admin in Chromium at 1366×768, as a district officer and as provincial staff, with
the demo data: every page of the registered admin (``tests.admin_pages.admin_pages``: index,
app pages, each changelist, add page, one change and history page per model, every custom
view, the user's own background job pages) shows no English word outside ``ALLOWED_WORDS``,
no raw field key, and nothing wider than the window (the page's ``scrollWidth``, and no box
that scrolls sideways inside it, except a table shown as a scrollable region on purpose: the
import preview's ``role="region" tabindex="0"`` box, read and scrolled by keyboard too).

What the page's scripts write (the selector widgets, the calendar) is read too: the text is the
browser's ``innerText`` of what is visible, plus placeholders, titles and labels for assistive
technology. A failure lists every page with its words or its too-wide box, e.g.
``programs.household แก้ไข /admin/programs/household/1/change/: English ['Today']`` or
``... : 1,463 px wide (fieldset.module ... 1,463 > 1,040)``.
"""

import io

import pytest
from django.core.management import call_command
from django.test import override_settings

from sammachip.models import User
from sammachip.portal.demo import DEMO_PASSWORD
from tests.admin_pages import admin_pages, data_words, english_words, raw_keys
from tests.browser.conftest import DESKTOP

pytestmark = pytest.mark.django_db(transaction=True)

WINDOW = {"width": 1366, "height": 768}

READ_PAGE = """() => {
  const SCROLL_REGION = '[role=region][tabindex="0"][aria-label]';
  const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  const parts = [document.body.innerText];
  const named = '[placeholder],[title],[aria-label],img[alt],input[type=submit],input[type=button]';
  for (const el of document.querySelectorAll(named)) {
    if (!visible(el)) continue;
    for (const name of ['placeholder', 'title', 'aria-label']) {
      if (el.getAttribute(name)) parts.push(el.getAttribute(name));
    }
    if (el.tagName === 'IMG' && !el.src.includes('/admin/img/icon-')) parts.push(el.alt || '');
    if (el.tagName === 'INPUT' && ['submit', 'button'].includes(el.type)) parts.push(el.value);
  }
  const boxes = [];
  for (const el of document.querySelectorAll('body *')) {
    const style = getComputedStyle(el);
    if (!['auto', 'scroll'].includes(style.overflowX) || !el.clientWidth) continue;
    if (el.matches(SCROLL_REGION)) continue;
    if (el.scrollWidth > el.clientWidth + 1) {
      const classes = typeof el.className === 'string' ? el.className.trim() : '';
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        (classes ? '.' + classes.split(/\\s+/).join('.') : '');
      boxes.push(`${name} ${el.scrollWidth} > ${el.clientWidth}`);
    }
  }
  // A table wider than the box holding it runs under the filter pane or off the page.
  for (const table of document.querySelectorAll('#content table')) {
    if (table.parentElement.matches(SCROLL_REGION)) continue;
    const holder = table.parentElement.getBoundingClientRect();
    const right = table.getBoundingClientRect().right;
    if (right > holder.right + 1) {
      const edge = `${Math.round(right)} > ${Math.round(holder.right)}`;
      boxes.push(`table#${table.id || '?'} ends at ${edge}`);
    }
  }
  return {text: parts.join('\\n'), width: document.documentElement.scrollWidth, boxes};
}"""


def log_in(page, base_url, username):
    page.goto(base_url + "/admin/login/")
    page.get_by_label("ชื่อผู้ใช้").fill(username)
    page.get_by_label("รหัสผ่าน").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    page.wait_for_url("**/admin/")


def run_queued_jobs():
    from sammachip.jobs.models import Job
    from sammachip.jobs.services import job_run

    for pk in Job.objects.filter(status=Job.Status.QUEUED).values_list("pk", flat=True):
        job_run(job_id=pk)


def make_jobs(user):
    """The user's own job pages, as a clerk meets them: a big export (its download), the check
    of its file imported back (every value of the first rows), and of the same file with a bad
    ID (the row with its problem); the admin home then lists them in its panel."""
    import openpyxl
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from sammachip.jobs.models import Job
    from sammachip.jobs.services import result_bytes

    client = Client()
    client.force_login(user)
    with override_settings(SAMMACHIP_JOB_INLINE_ROWS=2):
        client.post("/admin/programs/household/export/", {"_format": "xlsx"})
        run_queued_jobs()
        export = Job.objects.for_user(user).get(kind="household_export")
        data = result_bytes(export)
        book = openpyxl.load_workbook(io.BytesIO(data))
        sheet = book.worksheets[0]
        headers = [cell.value for cell in sheet[1]]
        sheet.cell(3, headers.index("เลขประจำตัวประชาชน") + 1).value = "1234"
        bad = io.BytesIO()
        book.save(bad)
        for name, content in (("ครัวเรือน.xlsx", data), ("ผิด.xlsx", bad.getvalue())):
            upload = SimpleUploadedFile(name, content)
            response = client.post(
                "/admin/programs/household/import/", {"import_file": upload, "resource": "0"}
            )
            assert response.status_code == 302, response.content.decode()[-3000:]
            run_queued_jobs()
    assert Job.objects.for_user(user).filter(kind="household_import_check").count() == 2


def test_every_admin_page_is_thai_and_fits_1366(live_server, new_page, screenshot):
    with override_settings(DEBUG=True):  # seed_demo refuses to run otherwise
        call_command("seed_demo", "--quiet-logins", stdout=io.StringIO())
    for username in ["officer_phon", "province_staff"]:
        make_jobs(User.objects.get(username=username))
    words = data_words(*User.objects.all())
    problems = []
    visited = 0
    for username in ["officer_phon", "province_staff"]:
        page = new_page(DESKTOP | WINDOW)
        log_in(page, live_server.url, username)
        for label, url, custom in admin_pages(User.objects.get(username=username)):
            response = page.goto(live_server.url + url)
            where = f"{username} · {label} {url}"
            if response.status == 403 and custom:
                continue  # a custom view this role may not use (revealing a full ID)
            if response.status != 200:
                problems.append(f"{where}: HTTP {response.status}")
                continue
            visited += 1
            found = page.evaluate(READ_PAGE)
            english = english_words(found["text"], words)
            if english:
                problems.append(f"{where}: English {english}")
            keys = raw_keys(found["text"], words)
            if keys:
                problems.append(f"{where}: raw keys {keys}")
            if found["width"] > WINDOW["width"]:
                problems.append(f"{where}: {found['width']:,} px wide")
            if found["boxes"]:
                problems.append(f"{where}: scrolls sideways inside {found['boxes']}")
        if username == "officer_phon":
            pages = admin_pages(User.objects.get(username=username))
            team_url = next(p.url for p in pages if p.label == "programs.trainerteam แก้ไข")
            page.goto(live_server.url + team_url)
            screenshot(page, "admin-crawl-team-1366")
            page.goto(live_server.url + "/admin/")
            assert page.locator("#jobs-home a").count() == 3  # the home's panel of own jobs
    assert visited > 60
    assert problems == [], "\n".join(problems)
