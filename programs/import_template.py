"""The import template (``/admin/programs/household/import-template/``): an .xlsx a clerk fills.

* The first sheet holds only the columns an import reads (``HouseholdResource``), headers only:
  no example row (an example once imported as a real household). The stage (สถานะ) and the other
  columns an export shows for reading are not in it.
* Each column has an input message (shown when the cell is selected) and, where the values come
  from a list, a dropdown: คำนำหน้า, อาชีพ, กลุ่มเป้าหมาย and the officer's own villages
  (``รหัส ชื่อหมู่บ้าน ม.N``, read back by ``VillageWidget``), the long lists on a hidden sheet
  รายการ; the year and incomes are checked as numbers.
* The sheet คำอธิบาย explains every column with an example value (นางตัวอย่าง ใจดีสมมุติ): an
  example the importer never reads, and recognises and skips if pasted into the first sheet
  (``HouseholdResource.is_example_row``).
"""

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from programs.models import FISCAL_YEAR_MAX, FISCAL_YEAR_MIN, Household, Occupation, Prefix
from programs.resources import EXAMPLE_CITIZEN_ID, EXAMPLE_NAME
from sammachip import citizen_id
from sammachip.spreadsheet_intake import import_limits
from villages.models import District, Village

DATA_SHEET = "ครัวเรือนเป้าหมาย"
NOTES_SHEET = "คำอธิบาย"
LISTS_SHEET = "รายการ"

# Columns of the template, in order: (resource field, how to fill (notes sheet and input
# message), example value).
COLUMNS = [
    (
        "fiscal_year",
        "จำเป็น · ปี พ.ศ. 4 หลัก เช่น 2569 (ปี ค.ศ. จะถูกปฏิเสธ)",
        2569,
    ),
    (
        "village",
        "จำเป็น · เลือกหมู่บ้านจากรายการ หรือพิมพ์รหัส 8 หลักของกรมการปกครอง เช่น 40120711 ต้องอยู่ในอำเภอของท่าน",
        "40120711",
    ),
    ("house_no", "จำเป็น · บ้านเลขที่ เช่น 52 หรือ 52/1", "52"),
    ("prefix", "เลือกจากรายการ: นาย นาง นางสาว หรือเว้นว่าง", "นาง"),
    ("first_name", "จำเป็น · ชื่อ ไม่ต้องมีคำนำหน้า", EXAMPLE_NAME[0]),
    ("last_name", "จำเป็น", EXAMPLE_NAME[1]),
    (
        "citizen_id",
        "จำเป็น · 13 หลัก พิมพ์มีขีด เว้นวรรค หรือเลขไทยได้ · หนึ่งคนมีได้หนึ่งรายชื่อต่อปีงบประมาณ",
        citizen_id.format_full(EXAMPLE_CITIZEN_ID),
    ),
    ("phone", "มือถือ 10 หลัก หรือโทรศัพท์บ้าน 9 หลัก เว้นว่างได้", "081-234-5678"),
    (
        "target_group",
        "ไม่บังคับ · เลือกจากรายการ: {groups} (ว่าง = ไม่ระบุ) · ไฟล์ที่ไม่มีคอลัมน์นี้ไม่เปลี่ยนกลุ่มเป้าหมายเดิม",
        "",
    ),
    ("occupation", "เลือกอาชีพจากรายการ (รายการอาชีพของระบบ)", None),
    ("income_before", "ตัวเลข ไม่ติดลบ (บาทต่อเดือน) เช่น 3000 หรือ 3,000", 3000),
    (
        "income_after",
        "ตัวเลข ไม่ติดลบ (บาทต่อเดือน) ว่างได้ · กรอกแล้วถือเป็นค่าที่เจ้าหน้าที่บันทึกเอง",
        "",
    ),
]
NOTES_AFTER = [
    (
        "รหัสรายการ",
        "ไม่มีในแบบฟอร์มนี้: ใช้เฉพาะไฟล์ที่ส่งออกจากระบบ (มีค่า = แก้ไขรายการเดิม) "
        "เลขประจำตัวที่ปิดบางส่วน (x) ในไฟล์ส่งออก = ไม่เปลี่ยน",
        "",
    ),
    (
        "สถานะ",
        "ไม่นำเข้า: ระบบคำนวณจากการเข้าอบรม การติดตามผล การรวมกลุ่ม และการตัดสินใจของเจ้าหน้าที่ "
        "(ไฟล์ส่งออกแสดงไว้เพื่ออ่านเท่านั้น)",
        "",
    ),
    (
        "แถวตัวอย่าง",
        "ตัวอย่างในคอลัมน์ C ไม่ถูกนำเข้า หากคัดลอกไปวางในแผ่นงานแรก ระบบจะข้ามแถวนั้นและแจ้งให้ทราบ",
        "",
    ),
]
INPUT_TITLE_MAX = 32  # Excel's limits on an input message
INPUT_TEXT_MAX = 255
TEXT_COLUMNS = {"village", "house_no", "citizen_id", "phone"}


def village_choice(village):
    """How a village reads in the template's dropdown; ``VillageWidget`` reads its code."""
    return f"{village.code} {village.name_th} ม.{village.moo}"


def write_import_template(target, resource, *, user=None):
    """Write the template for ``user`` (whose villages fill the dropdown) to ``target``."""
    fields = resource.fields
    occupations = list(Occupation.objects.order_by("name").values_list("name", flat=True))
    villages = [village_choice(v) for v in _villages(user)]
    prefixes = [value for value in Prefix.values if value]
    groups = [str(label) for value, label in Household.TargetGroup.choices if value]
    last_row = import_limits().rows + 1

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = DATA_SHEET
    columns = [(name, how.format(groups=" / ".join(groups)), ex) for name, how, ex in COLUMNS]
    headers = [str(fields[name].column_name) for name, _how, _example in columns]
    sheet.append(headers)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    sheet.row_dimensions[1].height = 32

    lists = workbook.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    list_ranges = {}
    for column, (name, values) in enumerate(
        (("occupation", occupations), ("village", villages), ("target_group", groups)), start=1
    ):
        letter = get_column_letter(column)
        lists.cell(1, column, str(fields[name].column_name))
        for row, value in enumerate(values, start=2):
            lists.cell(row, column, value)
        if values:
            list_ranges[name] = (
                f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(values) + 1}"
            )

    for index, (name, how, _example) in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cells = f"{letter}2:{letter}{last_row}"
        header = headers[index - 1]
        sheet.column_dimensions[letter].width = _width(name, header, villages)
        if name in TEXT_COLUMNS:
            # Text: Excel must not turn an ID into 1.10E+12 nor drop a phone's leading 0.
            sheet.column_dimensions[letter].number_format = "@"
        validation = _validation(name, list_ranges, prefixes)
        validation.showInputMessage = True
        validation.promptTitle = header[:INPUT_TITLE_MAX]
        validation.prompt = how[:INPUT_TEXT_MAX]
        validation.add(cells)
        sheet.add_data_validation(validation)

    notes = workbook.create_sheet(NOTES_SHEET, 1)
    notes.append(["คอลัมน์", "วิธีกรอก", "ตัวอย่าง (ไม่นำเข้า)"])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    example_occupation = occupations[0] if occupations else ""
    for name, how, example in columns:
        if name == "occupation":
            example = example_occupation
        if name == "village" and villages:
            example = villages[0]
        notes.append([str(fields[name].column_name), how, "" if example is None else example])
    for row in NOTES_AFTER:
        notes.append(list(row))
    notes.append([])
    notes.append(["อาชีพที่ใช้ได้"])
    for occupation in occupations:
        notes.append([occupation])
    for printed in (sheet, notes):  # A4 landscape, one page wide
        printed.page_setup.orientation = "landscape"
        printed.page_setup.paperSize = printed.PAPERSIZE_A4
        printed.sheet_properties.pageSetUpPr.fitToPage = True
        printed.page_setup.fitToWidth = 1
        printed.page_setup.fitToHeight = 0
    notes.column_dimensions["A"].width = 34
    notes.column_dimensions["B"].width = 90
    notes.column_dimensions["C"].width = 30
    for row in notes.iter_rows(min_row=2, max_col=3):
        row[0].alignment = Alignment(vertical="top")
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
        row[2].alignment = Alignment(horizontal="left", vertical="top")
        lines = -(-len(str(row[1].value or "")) // 80)  # spreadsheet programs may not fit it
        if lines > 1:
            notes.row_dimensions[row[1].row].height = 15 * lines
    workbook.save(target)


def _villages(user):
    """The villages ``user`` may import into (their districts; the whole province for
    provincial staff or a command-line caller), in code order."""
    villages = Village.objects.filter(district__in=District.objects.in_province())
    if user is not None:
        villages = villages.for_user(user)
    return villages.order_by("code")


def _validation(name, list_ranges, prefixes):
    """The check of one column: a dropdown for listed values, numbers for the year and incomes,
    none (an input message only) for free text."""
    if name in list_ranges:
        strict = name != "village"  # a village may also be typed as its bare 8-digit code
        return DataValidation(
            type="list",
            formula1=list_ranges[name],
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="stop" if strict else "warning",
            errorTitle="ไม่อยู่ในรายการ",
            error=(
                "กรุณาเลือกจากรายการ"
                if strict
                else "ไม่อยู่ในรายการหมู่บ้านของท่าน: ตรวจรหัสหมู่บ้าน 8 หลักอีกครั้ง"
            ),
        )
    if name == "prefix":
        return DataValidation(
            type="list",
            formula1='"{}"'.format(",".join(prefixes)),
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="ไม่อยู่ในรายการ",
            error="เลือก นาย นาง หรือ นางสาว หรือเว้นว่าง",
        )
    if name == "fiscal_year":
        return DataValidation(
            type="whole",
            operator="between",
            formula1=str(FISCAL_YEAR_MIN),
            formula2=str(FISCAL_YEAR_MAX),
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="ปีงบประมาณ",
            error="ปี พ.ศ. 4 หลัก เช่น 2569",
        )
    if name in ("income_before", "income_after"):
        return DataValidation(
            type="decimal",
            operator="greaterThanOrEqual",
            formula1="0",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="รายได้",
            error="ตัวเลขบาทต่อเดือน ไม่ติดลบ",
        )
    return DataValidation(allow_blank=True)


def _width(name, header, villages):
    if name == "village" and villages:
        return min(40, max(len(v) for v in villages) + 2)
    return max(12, min(32, len(header) + 4))
