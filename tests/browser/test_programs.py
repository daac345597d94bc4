"""The อ.พล officer enters a trainer team and its 20 households in the admin, in a browser."""

import io

import pytest
from django.core.management import call_command

from programs.models import Household, TrainerTeam
from tests.browser.conftest import DESKTOP
from tests.factories import TEST_PASSWORD, make_user, make_village
from tests.programs.factories import make_occupation, make_sage, valid_id

pytestmark = pytest.mark.django_db(transaction=True)


def pick(page, field_id, text):
    """Choose ``text`` in a select2 autocomplete (the admin's autocomplete_fields)."""
    page.locator(f"#{field_id} + .select2 .select2-selection").click()
    page.locator(".select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def test_officer_enters_a_team_with_twenty_households(live_server, new_page, screenshot):
    call_command("load_geography", province=["40"], stdout=io.StringIO())
    village = make_village(subdistrict="401207", moo=11, name_th="บ้านเพ็กใหญ่สาธิต")
    make_village(subdistrict="400101", moo=2, name_th="บ้านเมืองลับเฉพาะ")
    make_sage(village=village, first_name="คำปุน", last_name="ปราชญ์สาธิต")
    make_occupation("ทอผ้าไหม")
    make_user(username="officer_phon", role="district", districts=["4012"])

    page = new_page(DESKTOP)
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("ชื่อผู้ใช้").fill("officer_phon")
    page.get_by_label("รหัสผ่าน").fill(TEST_PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    page.goto(live_server.url + "/admin/programs/trainerteam/add/")

    # The village autocomplete knows nothing of อ.เมือง.
    page.locator("#id_village + .select2 .select2-selection").click()
    page.locator(".select2-search__field").fill("เมืองลับ")
    page.locator(".select2-results__option", has_text="ไม่พบ").wait_for()
    page.keyboard.press("Escape")

    pick(page, "id_village", "เพ็กใหญ่สาธิต")
    page.locator("#id_fiscal_year").fill("2568")
    pick(page, "id_sage", "คำปุน")
    pick(page, "id_occupation", "ทอผ้าไหม")
    for i in range(4):
        page.locator(f"#id_members-{i}-first_name").fill(f"สมาชิก{i + 1}")
        page.locator(f"#id_members-{i}-last_name").fill("ทีมสาธิต")
    for i in range(20):
        page.locator(f"#id_households-{i}-first_name").fill(f"ครัวเรือน{i + 1}")
        page.locator(f"#id_households-{i}-last_name").fill("ทดลองดี")
        page.locator(f"#id_households-{i}-house_no").fill(str(10 + i))
        page.locator(f"#id_households-{i}-citizen_id").fill(valid_id(70000 + i))
    screenshot(page, "admin-team-add")
    page.get_by_role("button", name="บันทึก", exact=True).click()
    page.locator(".messagelist .success").wait_for()
    screenshot(page, "admin-team-saved")

    team = TrainerTeam.objects.get()
    assert team.members.count() == 4
    assert Household.objects.filter(trainer_team=team, district_id="4012").count() == 20
    assert page.locator(".messagelist .warning").count() == 0
