"""QA walk B's field-app defects, as a district officer on a 390 px phone clicks them."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from programs.models import FollowUp
from tests.browser.conftest import PHONE
from tests.factories import TEST_PASSWORD, make_user, make_village
from tests.programs.factories import make_household

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def household(db):
    call_command("load_geography", province=["40"], stdout=io.StringIO())
    village = make_village(subdistrict="401207", moo=11, name_th="บ้านเพ็กใหญ่สาธิต")
    make_user(username="officer_phon", role="district", districts=["4012"])
    return make_household(village=village, fiscal_year=2569, status="trained", first_name="บุญมา")


def sign_in(page, live_server, path):
    page.goto(live_server.url + "/admin/login/?next=" + path)
    page.get_by_label("ชื่อผู้ใช้").fill("officer_phon")
    page.get_by_label("รหัสผ่าน").fill(TEST_PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    page.wait_for_url("**" + path)


def test_an_online_save_says_sent_leaves_the_form_and_asks_before_a_second(
    live_server, new_page, household, screenshot
):
    path = f"/field/visit/{household.pk}/"
    page = new_page(PHONE)
    sign_in(page, live_server, path)
    page.get_by_label("วันที่ติดตาม").fill("15/09/2569")
    page.get_by_label("รายได้จากอาชีพเดือนนี้ (บาท)").fill("3500")
    page.get_by_role("button", name="บันทึกการติดตาม").click()
    saved = page.locator("#visit-saved")
    expect(saved).to_contain_text("ส่งแล้ว: การติดตาม")
    expect(saved).to_contain_text("บุญมา")
    expect(saved).not_to_contain_text("จะส่งเมื่อมีสัญญาณ")
    expect(page.locator("#visit-form")).to_be_hidden()
    expect(saved.get_by_role("link", name="กลับไปรายชื่อ")).to_be_visible()
    screenshot(page, "field-visit-sent-390")
    assert FollowUp.objects.count() == 1

    # The same household, the same day again: asked first; declining saves nothing.
    page.goto(live_server.url + path)
    page.get_by_label("วันที่ติดตาม").fill("15/09/2569")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="บันทึกการติดตาม").click()
    page.wait_for_function("() => !document.querySelector('#visit-form').dataset.busy")
    assert asked == ["มีบันทึกการติดตามของวันที่ 15/09/2569 แล้ว บันทึกอีกครั้งหรือไม่"]
    expect(page.locator("#visit-form")).to_be_visible()
    assert FollowUp.objects.count() == 1


def test_the_browser_checks_income_and_date_and_the_outbox_counts_only_what_can_be_sent(
    live_server, new_page, household, screenshot
):
    from programs.models import DistrictReport

    path = f"/field/visit/{household.pk}/"
    page = new_page(PHONE)
    sign_in(page, live_server, path)
    date_box = page.get_by_label("วันที่ติดตาม")
    income_box = page.get_by_label("รายได้จากอาชีพเดือนนี้ (บาท)")
    save = page.get_by_role("button", name="บันทึกการติดตาม")
    date_box.fill("15/09/2569")
    income_box.fill("สามพันบาท")
    save.click()
    assert income_box.evaluate("box => box.validationMessage") == "รายได้ต้องเป็นตัวเลข (บาทต่อเดือน)"
    date_box.fill("08/12/2599")
    income_box.fill("๓,๕๐๐")
    save.click()
    said = date_box.evaluate("box => box.validationMessage")
    assert said.startswith("วันที่ติดตามต้องไม่เป็นวันในอนาคต (8 ธันวาคม 2599 ยังมาไม่ถึง วันนี้คือ ")
    assert income_box.evaluate("box => box.validationMessage") == ""
    assert (
        page.evaluate(
            "() => new Promise((ok) => { const r = indexedDB.open('sammachip-field', 1);"
            " r.onsuccess = () => { const g = r.result.transaction('outbox').objectStore('outbox')"
            ".count(); g.onsuccess = () => ok(g.result); }; })"
        )
        == 0
    )

    # A refused visit: nothing pending, so no "ส่งตอนนี้"; signing out says it cannot be sent.
    DistrictReport.objects.create(district_id="4012", fiscal_year=2569, status="submitted")
    date_box.fill("15/09/2569")
    save.click()
    expect(page.locator("#outbox-items li.state-refused")).to_have_count(1)
    expect(page.get_by_role("button", name="ส่งตอนนี้")).to_be_hidden()
    screenshot(page, "field-visit-refused-390")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="ออกจากระบบ").click()
    for _ in range(50):  # the question comes once the outbox is read
        if asked:
            break
        page.wait_for_timeout(100)
    expect(page.locator("#outbox-items li")).to_have_count(1)
    assert len(asked) == 1
    assert "มี 1 รายการที่ส่งไม่ได้" in asked[0]
    assert "ยังไม่ได้ส่ง" not in asked[0]
    assert not FollowUp.objects.exists()


CACHED = """async (paths) => {
  let got = [];
  for (const name of await caches.keys()) {
    const keys = await (await caches.open(name)).keys();
    got = got.concat(keys.map((r) => new URL(r.url).pathname));
  }
  return paths.every((p) => got.includes(p));
}"""


def test_offline_a_page_never_kept_says_so_instead_of_showing_the_worklist(
    live_server, new_page, household, screenshot
):
    page = new_page(PHONE)
    sign_in(page, live_server, "/field/")
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()
    page.wait_for_function(CACHED, arg=["/field/", f"/field/visit/{household.pk}/"])
    page.context.set_offline(True)

    page.goto(live_server.url + "/field/?q=xyz")
    expect(page.locator("#offline-notice")).to_have_text("ออฟไลน์: ยังค้นหาไม่ได้ จะค้นหาได้เมื่อมีสัญญาณ")
    expect(page.get_by_text("บุญมา")).to_have_count(0)
    page.goto(live_server.url + "/field/visit/999/")
    expect(page.locator("#offline-notice")).to_contain_text("หน้านี้ยังไม่ได้เก็บไว้ในเครื่อง")
    screenshot(page, "field-offline-notice-390")
    page.get_by_role("link", name="ดูรายชื่อที่เก็บไว้ในเครื่อง").click()
    page.wait_for_url("**/field/")
    expect(page.get_by_text("บุญมา")).to_be_visible()
    expect(page.locator("#offline-banner")).to_be_visible()
    screenshot(page, "field-offline-worklist-390")
