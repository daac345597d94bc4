"""The household import as a clerk does it (issue 18, items 1–3, 14): from the household list's
button, download the template, fill it, upload it without choosing a format, see every value
before confirming, confirm."""

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command

from programs.models import Household
from programs.resources import HouseholdResource
from tests.browser.conftest import DESKTOP
from tests.factories import TEST_PASSWORD, make_user, make_village
from tests.programs.factories import make_household, make_occupation, valid_id

pytestmark = pytest.mark.django_db(transaction=True)


def test_officer_imports_a_list_seeing_every_value_first(
    live_server, new_page, screenshot, tmp_path
):
    call_command("load_geography", province=["40"], stdout=io.StringIO())
    village = make_village(subdistrict="401207", moo=11, name_th="บ้านเพ็กใหญ่สาธิต")
    make_village(subdistrict="400101", moo=2, name_th="บ้านเมืองลับเฉพาะ")
    make_occupation("ทอผ้าไหม")
    stored = make_household(
        village=village, fiscal_year=2569, first_name="เดิมอยู่", last_name="แล้ว", house_no="5"
    )
    make_user(username="officer_phon", role="district", districts=["4012"])

    page = new_page(DESKTOP)
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("ชื่อผู้ใช้").fill("officer_phon")
    page.get_by_label("รหัสผ่าน").fill(TEST_PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    page.goto(live_server.url + "/admin/programs/household/")

    # The template, from a visible button on the list.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="ดาวน์โหลดแบบฟอร์มนำเข้า").click()
    assert download_info.value.suggested_filename.endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    assert "สถานะ" not in headers
    assert sheet.max_row == 1  # no example row to import by mistake
    rows = [
        {
            "ปีงบประมาณ (พ.ศ.)": 2570,
            "รหัสหมู่บ้าน": "40120711 บ้านเพ็กใหญ่สาธิต ม.11",  # as the dropdown writes it
            "บ้านเลขที่": f"{n}/2",
            "คำนำหน้า": "นาง",
            "ชื่อ": f"ใหม่ลำดับ{n}",
            "นามสกุล": "ดูก่อนยืนยัน",
            "เลขประจำตัวประชาชน": valid_id(71000 + n),
            "โทรศัพท์": "0812345678",
            "อาชีพ": "ทอผ้าไหม",
            "รายได้ก่อนเข้าร่วม (บาท/เดือน)": 3500 + n,
        }
        for n in range(1, 4)
    ]
    for row in rows:
        sheet.append([row.get(header, "") for header in headers])
    filled = tmp_path / "รายชื่อ.xlsx"
    book.save(filled)

    # The import, from its button; only the file is asked for.
    page.get_by_role("link", name="นำเข้าจากไฟล์ Excel").click()
    assert page.locator("select[name=format]").count() == 0
    page.set_input_files("input[name=import_file]", str(filled))
    page.get_by_role("button", name="ตรวจสอบไฟล์").click()

    table = page.locator("table.household-preview")
    table.wait_for()
    screenshot(page, "admin-household-import-preview")
    cells = table.locator("tbody tr").first.locator("td").all_inner_texts()
    # Every column has its value (รหัสรายการ is empty for a new row, and กลุ่มเป้าหมาย,
    # รายได้เมื่อประเมิน were left empty in the file).
    header_texts = table.locator("thead th").all_inner_texts()
    shown = dict(zip(header_texts, cells, strict=True))
    assert shown["ชื่อ"] == "ใหม่ลำดับ1"
    assert shown["นามสกุล"] == "ดูก่อนยืนยัน"
    assert shown["บ้านเลขที่"] == "1/2"
    assert shown["รหัสหมู่บ้าน"] == "40120711 บ้านเพ็กใหญ่สาธิต ม.11"
    assert shown["ปีงบประมาณ (พ.ศ.)"] == "2570"
    assert shown["อาชีพ"] == "ทอผ้าไหม"
    assert shown["รายได้ก่อนเข้าร่วม (บาท/เดือน)"] == "3,501"
    assert shown["เลขประจำตัวประชาชน"].endswith(valid_id(71001)[-1])
    assert "xxxxx" in shown["เลขประจำตัวประชาชน"]  # masked for a district officer
    assert table.locator("tbody tr").count() == 3
    # Nothing wider than the screen: the table scrolls in its own box.
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
    assert not Household.objects.filter(last_name="ดูก่อนยืนยัน").exists()

    page.get_by_role("button", name="ยืนยันนำเข้า").click()
    page.wait_for_url("**/admin/programs/household/")
    assert Household.objects.filter(last_name="ดูก่อนยืนยัน").count() == 3
    assert Household.objects.get(pk=stored.pk).first_name == "เดิมอยู่"

    # Re-import of the exported list with one change: shown as old → new, still within 1366 px.
    with page.expect_download() as download_info:
        page.locator("button.export-xlsx").click()
    book = openpyxl.load_workbook(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    sheet = book.worksheets[0]
    names = [cell.value for cell in sheet[1]]
    # The printed columns come first: the ID column is found by its header.
    id_column = names.index(str(HouseholdResource().fields["id"].column_name)) + 1
    row = next(
        r for r in range(2, sheet.max_row + 1) if sheet.cell(r, id_column).value == stored.pk
    )
    sheet.cell(row, names.index("บ้านเลขที่") + 1).value = "88/8"
    edited = tmp_path / "แก้ไข.xlsx"
    book.save(edited)
    page.goto(live_server.url + "/admin/programs/household/import/")
    page.set_input_files("input[name=import_file]", str(edited))
    page.get_by_role("button", name="ตรวจสอบไฟล์").click()
    changed = page.locator("table.household-preview td.changed")
    changed.wait_for()
    assert changed.locator("del").inner_text() == "5"
    assert changed.locator("ins").inner_text() == "88/8"
    screenshot(page, "admin-household-import-preview-update")
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
