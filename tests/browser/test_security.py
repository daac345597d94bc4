"""The Content-Security-Policy in a real browser: public pages and the admin (changelists, a change
form with select2 autocomplete, the household import and its preview) cause no violation, and
the admin still works under it."""

import io

import pytest
from django.core.management import call_command

from programs.models import Household
from programs.resources import HouseholdResource
from tests.browser.conftest import DESKTOP
from tests.factories import TEST_PASSWORD, make_user, make_village
from tests.programs.factories import make_household, make_occupation, make_sage, make_team, valid_id

pytestmark = pytest.mark.django_db(transaction=True)

# Collects every violation the page reports, from the first script on.
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def programme(transactional_db):
    call_command("load_geography", province=["40"], stdout=io.StringIO())
    village = make_village(subdistrict="401207", moo=11, name_th="บ้านเพ็กใหญ่สาธิต")
    make_village(subdistrict="401207", moo=12, name_th="บ้านโนนสาธิต")
    occupation = make_occupation("ทอผ้าไหม")
    sage = make_sage(village=village, first_name="คำปุน", last_name="ปราชญ์สาธิต", is_public=True)
    team = make_team(village=village, sage=sage, occupation=occupation)
    household = make_household(village=village, first_name="สมหญิง", trainer_team=team)
    make_user(username="province_staff", role="province")
    return {"village": village, "household": household}


@pytest.fixture
def watched(new_page):
    """A page whose CSP violations (events and console reports) are collected."""
    page = new_page(DESKTOP)
    page.add_init_script(WATCH)
    console = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )

    def violations():
        return [*console, *page.evaluate("window.__csp || []")]

    page.violations = violations
    return page


def visit(page, url, seen):
    response = page.goto(url)
    assert response.status < 400, url
    page.wait_for_load_state("networkidle")
    seen[url] = page.violations()
    return response


def household_csv(rows):
    headers = HouseholdResource().get_export_headers()
    lines = [",".join(headers)]
    for row in rows:
        lines.append(",".join(str(row.get(name, "")) for name in headers))
    return ("\ufeff" + "\n".join(lines) + "\n").encode()


def test_no_csp_violation_on_public_pages_and_in_the_admin(
    live_server, programme, watched, screenshot, tmp_path
):
    page = watched
    seen = {}
    base = live_server.url
    response = visit(page, base + "/", seen)
    assert "script-src 'self'" in response.headers["content-security-policy"]
    for path in ("/articles/", "/sages/", "/districts/", "/stats/", "/privacy/"):
        visit(page, base + path, seen)

    # The admin, logged in through its form.
    visit(page, base + "/admin/login/", seen)
    page.get_by_label("ชื่อผู้ใช้").fill("province_staff")
    page.get_by_label("รหัสผ่าน").fill(TEST_PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    page.wait_for_url(base + "/admin/")
    seen["login"] = page.violations()

    for path in (
        "/admin/programs/household/",
        "/admin/programs/household/progress/",
        "/admin/sammachip/auditentry/",  # read-only: no add, change or delete
        "/admin/programs/exportlog/",
        "/admin/sammachip/user/",
    ):
        visit(page, base + path, seen)

    # A change form: select2 autocomplete finds another village, the save works.
    household = programme["household"]
    visit(page, f"{base}/admin/programs/household/{household.pk}/change/", seen)
    page.locator("#id_village + .select2 .select2-selection").click()
    page.locator(".select2-search__field").fill("โนน")
    page.locator(".select2-results__option", has_text="บ้านโนนสาธิต").click()
    page.locator("#id_last_name").fill("ย้ายหมู่บ้าน")
    screenshot(page, "csp-household-change")
    page.get_by_role("button", name="บันทึก", exact=True).click()
    page.locator(".messagelist .success").wait_for()
    seen["change form"] = page.violations()
    household.refresh_from_db()
    assert household.village.name_th == "บ้านโนนสาธิต"
    assert household.last_name == "ย้ายหมู่บ้าน"

    # The audited reveal of a full citizen ID.
    visit(page, f"{base}/admin/programs/household/{household.pk}/citizen-id/", seen)
    page.get_by_role("button", name="ยืนยัน ดูเลขเต็ม").click()
    page.locator(".full-citizen-id").wait_for()
    seen["reveal"] = page.violations()

    # The household import: upload, preview, confirm.
    upload = tmp_path / "households.csv"
    upload.write_bytes(
        household_csv(
            [
                {
                    "ปีงบประมาณ (พ.ศ.)": 2569,
                    "รหัสหมู่บ้าน": "40120711",
                    "บ้านเลขที่": str(n),
                    "คำนำหน้า": "นาง",
                    "ชื่อ": f"นำเข้า{n}",
                    "นามสกุล": "ทดสอบ",
                    "เลขประจำตัวประชาชน": valid_id(61000 + n),
                    "อาชีพ": "ทอผ้าไหม",
                    "สถานะ": "เป้าหมาย",
                }
                for n in range(1, 4)
            ]
        )
    )
    visit(page, base + "/admin/programs/household/import/", seen)
    page.locator("input[type=file]").set_input_files(str(upload))
    # No format to choose: the form reads the file's kind from its content.
    page.locator("input[type=submit]").first.click()
    confirm = page.locator("input[name=confirm]")
    confirm.wait_for()
    screenshot(page, "csp-household-import-preview")
    seen["import preview"] = page.violations()
    confirm.click()
    page.locator(".messagelist .success").wait_for()
    seen["import done"] = page.violations()
    assert Household.objects.filter(fiscal_year=2569).count() == 3

    assert page.violations() == [], seen


def test_the_watch_does_see_a_violation(live_server, programme, watched, settings):
    """With fonts forbidden by the policy, the Thai web font the pages load is a violation the
    watch reports: the test above would notice a regression."""
    import copy

    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["font-src"] = ["'none'"]
    settings.CONTENT_SECURITY_POLICY = policy
    page = watched
    page.goto(live_server.url + "/admin/login/")
    page.wait_for_load_state("networkidle")
    assert any("font-src" in violation for violation in page.violations())


def test_a_person_locked_out_sees_the_thai_page(live_server, programme, watched, screenshot):
    page = watched
    page.goto(live_server.url + "/admin/login/")
    for _ in range(5):
        page.get_by_label("ชื่อผู้ใช้").fill("province_staff")
        page.get_by_label("รหัสผ่าน").fill("not-the-password-00")
        page.get_by_role("button", name="เข้าสู่ระบบ").click()
        page.wait_for_load_state()
    page.get_by_text("ระงับการเข้าสู่ระบบชั่วคราว").first.wait_for()
    assert page.get_by_text("กรุณารอประมาณ 15 นาที").is_visible()
    screenshot(page, "login-locked-out")
    page.get_by_role("link", name="กลับไปหน้าเข้าสู่ระบบ").click()
    page.get_by_label("ชื่อผู้ใช้").fill("province_staff")
    page.get_by_label("รหัสผ่าน").fill(TEST_PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    page.get_by_text("ระงับการเข้าสู่ระบบชั่วคราว").first.wait_for()  # still locked
    assert page.violations() == []
