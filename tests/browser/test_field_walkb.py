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
    live_server, new_page, household
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
