"""The household import as a clerk meets it (issue 18, items 1, 2, 3, 9, 14): a preview of every
value before confirming, the template's example never imported, the file's kind read from its
content, problems named by the column's Thai header, the template's dropdowns."""

import csv
import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from programs import spreadsheets
from programs.import_preview import PREVIEW_ROWS, column_label, import_preview
from programs.models import Household
from programs.resources import EXAMPLE_CITIZEN_ID, HouseholdResource
from sammachip import citizen_id
from tests.programs.factories import make_household
from tests.programs.test_excel import (
    admin_confirm,
    admin_import,
    export,
    filled_template,
    good_row,
    import_rows,
    workbook,
)

pytestmark = pytest.mark.django_db
IMPORT = "/admin/programs/household/import/"
TEMPLATE = "/admin/programs/household/import-template/"


def preview_table(html):
    """The preview table's body, where each row's values are shown."""
    match = re.search(r'<table class="import-preview household-preview">(.*?)</table>', html, re.S)
    assert match, "no preview table"
    return match.group(1)


# ---- item 1: the preview shows every value ----------------------------------------------------


def test_the_preview_shows_every_value_of_a_new_row(phon_client, programme):
    row = good_row(
        1,
        **{
            "ชื่อ": "สมใจ",
            "นามสกุล": "ทดลองดู",
            "บ้านเลขที่": "77/3",
            "รายได้ก่อนเข้าร่วม (บาท/เดือน)": 3500,
        },
    )
    preview = admin_import(phon_client, filled_template([row]))
    assert preview.context["confirm_form"] is not None
    table = preview_table(preview.content.decode())
    for value in ("สมใจ", "ทดลองดู", "77/3", "นาย", "2569", "ทอผ้าไหม", "3,500", "0812345678"):
        assert value in table, value
    # The village by its code and its name, as the system understood the code.
    assert "40120711 บ้านพลสาธิต ม.11" in table
    assert "ใหม่" in table


def test_the_preview_masks_the_citizen_id_of_an_officer(phon_client, programme):
    number = valid = citizen_id.normalize(good_row(1)["เลขประจำตัวประชาชน"])
    html = admin_import(phon_client, filled_template([good_row(1)])).content.decode()
    assert citizen_id.mask(valid) in preview_table(html)
    assert number not in html
    assert citizen_id.format_full(number) not in html


def test_the_preview_shows_the_whole_id_to_whom_may_see_it(province_client, programme):
    number = citizen_id.normalize(good_row(1)["เลขประจำตัวประชาชน"])
    html = admin_import(province_client, filled_template([good_row(1)])).content.decode()
    assert citizen_id.format_full(number) in preview_table(html)


def test_an_updated_row_shows_old_and_new_values(phon_client, programme):
    book = workbook(export(phon_client, {"_format": "xlsx"}))
    sheet = book.worksheets[0]
    names = [cell.value for cell in sheet[1]]
    old_house_no = sheet.cell(2, names.index("บ้านเลขที่") + 1).value
    sheet.cell(2, names.index("บ้านเลขที่") + 1).value = "99/9"
    out = io.BytesIO()
    book.save(out)
    preview = admin_import(phon_client, out.getvalue())
    table = preview_table(preview.content.decode())
    assert f"<del>{old_house_no}</del>" in table
    assert "<ins>99/9</ins>" in table
    assert "แก้ไข" in table
    assert Household.objects.filter(house_no="99/9").count() == 0  # a preview saves nothing


def test_problems_are_on_their_cells_named_by_the_thai_header(phon_client, programme):
    rows = [good_row(1), good_row(2, **{"โทรศัพท์": "12345", "เลขประจำตัวประชาชน": "1101700230709"})]
    html = admin_import(phon_client, filled_template(rows)).content.decode()
    table = preview_table(html)
    assert re.search(
        r'class=" has-problem">12345<div class="cell-problem">เบอร์โทรศัพท์ไม่ถูกต้อง', table
    )
    assert "เลขตรวจสอบหลักสุดท้ายไม่ตรง" in table
    # Row 1, valid, is shown too: the clerk sees the file, not only its faults.
    assert "นำเข้า1" in table
    # The bad ID is masked like any other.
    assert "1101700230709" not in html
    # Never a field key where a problem is named.
    assert "citizen_id" not in html.split('<div id="content"')[1]
    assert "phone:" not in html


def test_first_rows_and_every_row_with_a_problem_are_shown_the_rest_counted(
    phon_officer, programme
):
    rows = [good_row(n) for n in range(1, PREVIEW_ROWS + 11)]
    rows[PREVIEW_ROWS + 5]["ชื่อ"] = ""  # a problem after the first rows
    result = import_rows(phon_officer, rows)
    preview = import_preview(result)
    numbers = [row["number"] for row in preview["rows"]]
    assert numbers == [*range(1, PREVIEW_ROWS + 1), PREVIEW_ROWS + 6]
    assert preview["not_shown"] == 9
    problem = preview["rows"][-1]
    assert problem["kind"] == "invalid"
    first_name = preview["columns"].index("ชื่อ")
    assert problem["cells"][first_name]["problems"] == ["ต้องกรอกชื่อ"]
    assert all(cell["value"] != "" for cell in preview["rows"][0]["cells"][1:7])


def test_the_preview_is_plain_data_a_job_can_store(phon_officer, programme):
    import json

    result = import_rows(phon_officer, [good_row(1), good_row(2, **{"ชื่อ": ""})])
    assert json.loads(json.dumps(import_preview(result)))["counts"]["problems"] == 1


# ---- item 2: the example row is never imported ---------------------------------------------------


def test_the_template_has_no_example_row_to_import(phon_client, programme):
    book = openpyxl.load_workbook(io.BytesIO(b"".join(phon_client.get(TEMPLATE).streaming_content)))
    data = book.worksheets[0]
    assert data.max_row == 1  # headers only
    notes = book["คำอธิบาย"]
    examples = [row[2] for row in notes.iter_rows(min_row=2, values_only=True)]
    assert "ตัวอย่าง" in examples  # the example lives on the notes sheet


def old_template_example():
    return good_row(
        0,
        **{
            "ปีงบประมาณ (พ.ศ.)": 2568,
            "บ้านเลขที่": "52",
            "คำนำหน้า": "นาง",
            "ชื่อ": "ตัวอย่าง",
            "นามสกุล": "ใจดีสมมุติ",
            "เลขประจำตัวประชาชน": "1-1017-00230-70-8",
        },
    )


def test_the_example_row_cannot_be_imported(phon_client, programme):
    content = filled_template([old_template_example(), good_row(1)])
    preview = admin_import(phon_client, content)
    html = preview.content.decode()
    assert "แถว 2 ในไฟล์ Excel เป็นแถวตัวอย่างจากแบบฟอร์ม" in html
    response = admin_confirm(phon_client, preview)
    assert response.status_code == 302
    assert not Household.objects.filter(first_name="ตัวอย่าง").exists()
    assert Household.objects.filter(first_name="นำเข้า1").exists()


def test_the_example_is_recognised_by_its_id_whatever_the_name(phon_officer, programme):
    example = good_row(1, **{"เลขประจำตัวประชาชน": citizen_id.format_full(EXAMPLE_CITIZEN_ID)})
    result = import_rows(phon_officer, [example], dry_run=False)
    assert not result.has_validation_errors()
    assert not Household.objects.filter(first_name="นำเข้า1").exists()
    assert import_preview(result)["example_rows"] == [2]


# ---- item 3: visible tools, the file's kind from its content -----------------------------


def test_the_household_list_shows_import_and_export_in_words(phon_client, programme):
    html = phon_client.get("/admin/programs/household/").content.decode()
    assert f'href="{IMPORT}"' in html
    assert "นำเข้าจากไฟล์ Excel" in html
    assert f'href="{TEMPLATE}"' in html
    assert "ส่งออก Excel" in html
    assert html.count(f'href="{IMPORT}"') == 1  # the library's own "Import" link is not doubled


def test_the_import_form_asks_only_for_the_file(phon_client, programme):
    html = phon_client.get(IMPORT).content.decode()
    assert re.search(r'<input type="hidden" name="format"', html)
    assert '<select name="format"' not in html


def upload(client, content, name, **extra):
    return client.post(
        IMPORT, {"import_file": SimpleUploadedFile(name, content), "resource": "0", **extra}
    )


def test_an_xlsx_is_read_whatever_its_name_and_the_format_posted(phon_client, programme):
    content = filled_template([good_row(1)])
    for name, fmt in (("list.csv", {"format": "1"}), ("list", {}), ("list.xlsx", {"format": "9"})):
        response = upload(phon_client, content, name, **fmt)
        assert response.context["confirm_form"] is not None, name
        assert response.context["confirm_form"].initial["format"] == "0"


def test_a_csv_is_read_without_choosing_a_format(phon_client, programme):
    row = good_row(1)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(list(row))
    writer.writerow(list(row.values()))
    response = upload(phon_client, out.getvalue().encode("utf-8-sig"), "list.txt")
    assert response.context["confirm_form"] is not None
    assert response.context["confirm_form"].initial["format"] == "1"


def test_an_old_xls_is_refused_in_thai(phon_client, programme):
    response = upload(phon_client, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "list.xls")
    html = response.content.decode()
    assert "Excel แบบเก่า (.xls)" in html
    assert response.context.get("confirm_form") is None


# ---- item 9: fields named by their Thai header ---------------------------------------------------


@pytest.mark.parametrize(
    ("key", "label"),
    [
        ("citizen_id", "เลขประจำตัวประชาชน"),
        ("phone", "โทรศัพท์"),
        ("village", "รหัสหมู่บ้าน"),
        ("trainer_team", "ทีมวิทยากร"),
    ],
)
def test_a_problem_names_the_column_in_thai(key, label):
    assert column_label(key).startswith(label)


def test_an_unknown_key_is_never_shown():
    assert column_label("no_such_field") == "ข้อมูลของแถว"


# ---- item 14: the template ---------------------------------------------------------------


def template_book(client):
    return openpyxl.load_workbook(io.BytesIO(b"".join(client.get(TEMPLATE).streaming_content)))


def validation_of(sheet, header):
    headers = [cell.value for cell in sheet[1]]
    letter = openpyxl.utils.get_column_letter(headers.index(header) + 1)
    [validation] = [
        dv for dv in sheet.data_validations.dataValidation if str(dv.sqref).startswith(letter + "2")
    ]
    return validation


def listed(book, formula):
    sheet_name, cells = formula.rsplit("!", 1)
    sheet = book[sheet_name.strip("'")]
    return [cell.value for row in sheet[cells.replace("$", "")] for cell in row]


def test_the_template_has_dropdowns_and_input_messages(phon_client, programme):
    book = template_book(phon_client)
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    assert "สถานะ" not in headers
    for header in headers:
        validation = validation_of(sheet, header)
        assert validation.showInputMessage and validation.prompt, header
    assert validation_of(sheet, "คำนำหน้า").formula1 == '"นาย,นาง,นางสาว"'
    occupations = listed(book, validation_of(sheet, "อาชีพ").formula1)
    assert "ทอผ้าไหม" in occupations
    assert book["รายการ"].sheet_state == "hidden"


def test_the_template_offers_only_the_officers_own_villages(phon_client, programme):
    book = template_book(phon_client)
    villages = listed(book, validation_of(book.worksheets[0], "รหัสหมู่บ้าน").formula1)
    assert "40120711 บ้านพลสาธิต ม.11" in villages
    assert not [v for v in villages if v.startswith("4001")]


def test_a_village_chosen_from_the_dropdown_imports(phon_officer, programme):
    row = good_row(1, **{"รหัสหมู่บ้าน": "40120711 บ้านพลสาธิต ม.11"})
    result = import_rows(phon_officer, [row], dry_run=False)
    assert not result.has_validation_errors()
    assert Household.objects.get(first_name="นำเข้า1").village.code == "40120711"


def test_the_filled_template_imports(phon_officer, programme):
    dataset = spreadsheets.CalamineXLSX().create_dataset(filled_template([good_row(1)]))
    result = HouseholdResource(user=phon_officer).import_data(dataset, dry_run=True)
    assert not result.has_validation_errors()
    assert not result.has_errors()


def test_values_are_kept_only_for_the_rows_shown(phon_officer, programme):
    """Cheap for a 10,000-row file: rows after the first ones keep nothing for the preview."""
    result = import_rows(phon_officer, [good_row(n) for n in range(1, PREVIEW_ROWS + 6)])
    kept = [row for row in result.rows if getattr(row, "preview", None)]
    assert len(kept) == PREVIEW_ROWS


def test_an_updated_row_after_the_first_rows_is_shown_with_its_change(
    monkeypatch, phon_client, phon_officer, programme
):
    from programs import import_preview as preview_module

    for n in range(3):
        make_household(village=programme["phon"]["village"], first_name=f"ลำดับ{n}")
    book = workbook(export(phon_client, {"_format": "xlsx"}))
    sheet = book.worksheets[0]
    names = [cell.value for cell in sheet[1]]
    sheet.cell(4, names.index("บ้านเลขที่") + 1).value = "44/4"  # the third data row
    out = io.BytesIO()
    book.save(out)
    monkeypatch.setattr(preview_module, "PREVIEW_ROWS", 2)
    dataset = spreadsheets.CalamineXLSX().create_dataset(out.getvalue())
    result = HouseholdResource(user=phon_officer).import_data(dataset, dry_run=True)
    preview = import_preview(result)
    assert [row["number"] for row in preview["rows"]] == [1, 2, 3]
    third = preview["rows"][2]
    assert third["kind"] == "update"
    house_no = preview["columns"].index("บ้านเลขที่")
    assert third["cells"][house_no]["value"] == "44/4"
    assert third["cells"][house_no]["old"]
    assert preview["not_shown"] == len(dataset) - 3
