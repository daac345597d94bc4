"""What a person sees: the Thai home page on a phone and a desktop; an officer in the admin."""

import io

import pytest
from django.core.management import call_command

from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import TEST_PASSWORD, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def khon_kaen(transactional_db):
    call_command("load_geography", province=["40"], stdout=io.StringIO())


def thai_font_in_use(page):
    page.evaluate("document.fonts.ready")
    return page.evaluate("document.fonts.check('16px Sarabun', 'สัมมาชีพ')")


@pytest.mark.parametrize(("name", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_home_page_renders_thai(live_server, khon_kaen, new_page, screenshot, name, viewport):
    page = new_page(viewport)
    response = page.goto(live_server.url + "/")
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == "th"
    assert page.get_by_role("heading", level=1).inner_text().startswith("อาชีพสุจริต")
    assert thai_font_in_use(page)
    # Nothing wider than the screen: the page is usable on a phone without sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(page, f"home-{name}")


def test_phone_menu_opens(live_server, khon_kaen, new_page):
    page = new_page(PHONE)
    page.goto(live_server.url + "/")
    link = page.get_by_role("link", name="สำหรับเจ้าหน้าที่")
    assert not link.is_visible()
    page.get_by_role("button", name="เปิดเมนู").click()
    link.wait_for(state="visible")


def test_officer_logs_in_and_adds_a_village(live_server, khon_kaen, new_page, screenshot):
    make_user(username="officer_phon", role="district", districts=["4012"])
    page = new_page(DESKTOP)
    page.goto(live_server.url + "/admin/")
    page.get_by_label("ชื่อผู้ใช้").fill("officer_phon")
    page.get_by_label("รหัสผ่าน").fill(TEST_PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    page.get_by_role("link", name="หมู่บ้าน", exact=True).first.click()
    page.get_by_role("link", name="เพิ่ม หมู่บ้าน").click()

    # The subdistrict autocomplete offers อ.พล only.
    page.locator(".select2-selection").first.click()
    page.locator(".select2-search__field").fill("เพ็ก")
    option = page.locator(".select2-results__option", has_text="เพ็กใหญ่")
    option.wait_for()
    page.locator(".select2-search__field").fill("ในเมือง")
    page.locator(".select2-results__option", has_text="ไม่พบ").wait_for()
    page.locator(".select2-search__field").fill("เพ็ก")
    option.click()

    page.get_by_label("หมู่ที่").fill("11")
    page.get_by_label("ชื่อหมู่บ้าน").fill("บ้านเพ็กใหญ่สาธิต")
    screenshot(page, "admin-village-add")
    page.get_by_role("button", name="บันทึก", exact=True).click()
    page.get_by_text("40120711").first.wait_for()
    screenshot(page, "admin-village-list")
