"""The admin's forms as an officer uses them in a browser: the Buddhist-Era calendar beside a
date box (typing still works), its placeholder whole, and numbers typed as written (Thai
digits, thousands separators); axe-core finds nothing on the calendar or a picker while open."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from programs.models import FollowUp
from sammachip import thaidate
from tests.browser.conftest import DESKTOP
from tests.browser.test_accessibility import AXE, RUN_AXE, WCAG21_AA, readable
from tests.factories import TEST_PASSWORD, make_user, make_village
from tests.programs.factories import make_household

pytestmark = pytest.mark.django_db(transaction=True)

# The placeholder's width in the box's own font against the room inside the box.
PLACEHOLDER_FITS = """(box) => {
  const style = getComputedStyle(box);
  const context = document.createElement("canvas").getContext("2d");
  context.font = style.font;
  const room = box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return context.measureText(box.placeholder).width <= room;
}"""


@pytest.fixture
def household(transactional_db):
    call_command("load_geography", province=["40"], stdout=io.StringIO())
    village = make_village(subdistrict="401207", moo=11, name_th="บ้านเพ็กใหญ่สาธิต")
    make_user(username="officer_phon", role="district", districts=["4012"])
    return make_household(
        village=village, fiscal_year=thaidate.current_fiscal_year(), first_name="สมหญิง"
    )


def test_an_officer_picks_a_be_date_and_types_amounts_as_written(
    live_server, household, new_page, screenshot
):
    page = new_page(DESKTOP)
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("ชื่อผู้ใช้").fill("officer_phon")
    page.get_by_label("รหัสผ่าน").fill(TEST_PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    page.goto(f"{live_server.url}/admin/programs/household/{household.pk}/change/")

    box = page.locator("#id_follow_ups-0-visited_on")
    assert box.get_attribute("placeholder") == "วว/ดด/ปปปป (พ.ศ.)"
    assert box.evaluate(PLACEHOLDER_FITS)

    # Typed text is what the calendar opens on.
    box.fill("15/01/2568")
    opener = page.locator("#id_follow_ups-0-visited_on + .thaidate-open")
    assert opener.get_attribute("aria-label") == "เปิดปฏิทิน – วันที่ติดตาม – แถวใหม่ที่ 1"
    opener.click()
    calendar = page.get_by_role("dialog")
    assert calendar.locator("h2").inner_text() == "มกราคม 2568"
    assert calendar.locator(".thaidate-picked").inner_text() == "15"
    page.keyboard.press("Escape")
    assert calendar.count() == 0
    assert box.input_value() == "15/01/2568"

    # A day picked from the calendar is written in the Buddhist Era.
    box.fill("")
    opener.click()
    today = thaidate.format_input_date(timezone.localdate())
    month = thaidate.THAI_MONTHS[int(today[3:5]) - 1]
    assert calendar.locator("h2").inner_text() == f"{month} {today[6:]}"
    screenshot(page, "admin-date-picker")
    calendar.locator(".thaidate-today").click()
    assert box.input_value() == today

    page.locator("#id_follow_ups-0-monthly_income").fill("๓,๕๐๐")
    page.locator("#id_income_before").fill("2,800")
    page.get_by_role("button", name="บันทึก", exact=True).click()
    page.locator(".messagelist .success").wait_for()

    follow_up = FollowUp.objects.get()
    assert follow_up.visited_on == timezone.localdate()
    assert follow_up.monthly_income == Decimal("3500")
    household.refresh_from_db()
    assert household.income_before == Decimal("2800")


def test_the_open_calendar_and_an_open_picker_pass_axe(live_server, household, new_page):
    page = new_page(DESKTOP, bypass_csp=True)  # axe is added by the test
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("ชื่อผู้ใช้").fill("officer_phon")
    page.get_by_label("รหัสผ่าน").fill(TEST_PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    page.goto(f"{live_server.url}/admin/programs/household/{household.pk}/change/")
    page.wait_for_load_state("networkidle")
    page.add_script_tag(path=str(AXE))

    page.locator("#id_follow_ups-0-visited_on").fill("15/01/2568")  # a day shown as picked
    page.locator("#id_follow_ups-0-visited_on + .thaidate-open").click()
    page.get_by_role("dialog").wait_for()
    found = {"calendar": page.evaluate(RUN_AXE, WCAG21_AA)}
    page.keyboard.press("Escape")

    page.locator("#id_village + .select2 .select2-selection").click()
    page.locator(".select2-search__field").fill("เพ็ก")
    page.locator(".select2-results__option", has_text="เพ็กใหญ่").wait_for()
    page.wait_for_timeout(100)  # the names are set on the next frame
    found["picker"] = page.evaluate(RUN_AXE, WCAG21_AA)
    assert page.locator("#id_village + .select2 .select2-selection").get_attribute("aria-controls")
    assert {where: v for where, v in found.items() if v} == {}, readable(found)
