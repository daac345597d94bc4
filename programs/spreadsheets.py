"""Household lists as Excel and CSV files, fast and safe.

* Columns come from ``HouseholdResource.export_columns()`` (the one column definition), the
  ones a clerk checks on paper first (``PRINTED``).
* Rows stream from ``values_list(...).iterator()``: no model instances, no per-row queries, no
  list of ids in memory.
* xlsx is written by ``rustpy-xlsxwriter`` (Rust's rust_xlsxwriter) in constant memory: text
  is always a string cell (never a formula, a 13-digit ID never becomes 1.10E+12), numbers stay
  numbers; dates are date cells shown in the Buddhist Era, baht has thousands separators (the
  formats of ``sammachip.spreadsheet``); header row and name frozen, autofilter, column widths.
  Printed, only the ``PRINTED`` columns, at a readable size, the name on every page. A second
  sheet, ``ข้อมูลการส่งออก``, says who exported what, when, with which filter. The writer is
  always given a *path*: handed a Python file object it builds the whole zip in memory first
  (measured: +20 MiB at 200,000 rows against +3 MiB to a path). A real file is reopened through
  ``/proc/self/fd`` (an unlinked temporary file never gets a name on disk); anything else
  (``BytesIO``) gets the bytes of a file in a private temporary folder.
* CSV is UTF-8 with a BOM (so Excel shows Thai), numbers without ``.0``, dates as BE text;
  text beginning with ``= + - @``, tab or CR (or their full-width forms) gets a leading ``'``
  (OWASP CSV injection) by the one rule of ``sammachip.spreadsheet``, which
  ``resources.unescape_formula`` undoes on import.
"""

import csv
import datetime
import io
import os
import shutil
import tempfile
from dataclasses import dataclass, field

import python_calamine
import rustpy_xlsxwriter
import tablib
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export.formats import base_formats

from programs.resources import HouseholdResource
from programs.widgets import BEDateWidget, IncomeWidget
from sammachip import thaidate
from sammachip.spreadsheet import (
    EXCEL_BE_DATETIME,
    EXCEL_COUNT,
    EXCEL_MONEY,
    csv_number,
    spreadsheet_safe,
)
from sammachip.spreadsheet_intake import (
    SpreadsheetRefused,
    check_xlsx,
    import_limits,
    not_a_workbook,
    too_many_columns,
    too_many_rows,
)

EXCEL_MAX_ROWS = 1_048_576  # a worksheet's limit, the header row included
CHUNK = 2000
SHEET_NAME = "ครัวเรือนเป้าหมาย"
INFO_SHEET_NAME = "ข้อมูลการส่งออก"


class TooManyRows(Exception):
    pass


# What a clerk checks on paper, first and in this order: the name (repeated at the left of
# every printed page), the house, the village, the stage and the incomes. Only these are printed
# (the print area), at a readable size; the other columns follow on screen. The set of columns
# is still the resource's (the import reads by header, in any order).
PRINTED = [
    "คำนำหน้า",
    "ชื่อ",
    "นามสกุล",
    "บ้านเลขที่",
    "หมู่ที่",
    "ชื่อหมู่บ้าน",
    "สถานะ",
    "รายได้ก่อนเข้าร่วม (บาท/เดือน)",
    "รายได้เมื่อประเมินสิ้นปี (บาท/เดือน)",
]
NAME_COLUMNS = 3  # คำนำหน้า ชื่อ นามสกุล: frozen on screen, repeated on paper


@dataclass(frozen=True)
class Column:
    header: str
    paths: tuple
    render: object  # the resource widget's render: text and numbers as the import reads them
    number_format: str | None = None  # the xlsx cell's format (dates in BE, baht)
    excel: object = None  # the xlsx cell's value when it differs from ``render`` (a real date)


def export_columns(resource):
    """The resource's columns (``export_columns()``), the printed ones first, each with its
    xlsx number format: every date a date cell shown in the Buddhist Era, baht with thousands
    separators."""
    columns = []
    for header, paths, render in resource.export_columns():
        widget = getattr(render, "__self__", None)
        if isinstance(widget, BEDateWidget):
            columns.append(Column(header, paths, render, EXCEL_BE_DATETIME, _excel_date))
        elif isinstance(widget, IncomeWidget):
            columns.append(Column(header, paths, render, EXCEL_MONEY))
        else:
            columns.append(Column(header, paths, render))
    printed = [c for name in PRINTED for c in columns if c.header == name]
    return printed + [c for c in columns if c.header not in PRINTED]


def _excel_date(value, obj=None, **kwargs):
    """A date or a local (Asia/Bangkok), naive date-time: Excel cells have no time zone."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None, microsecond=0)
    return value


def household_rows(queryset, resource, *, excel=False, columns=None):
    """Yield lists of cell values for ``queryset`` in ``export_columns`` order (with
    ``excel``, dates as dates, not text)."""
    columns = columns or export_columns(resource)
    paths = []
    slices = []
    for column in columns:
        start = len(paths)
        paths.extend(column.paths)
        slices.append(slice(start, len(paths)))
    renders = [(column.excel or column.render) if excel else column.render for column in columns]
    for values in queryset.order_by("pk").values_list(*paths).iterator(chunk_size=CHUNK):
        yield [
            render(*values[part]) if (part.stop - part.start) > 1 else render(values[part][0])
            for render, part in zip(renders, slices, strict=True)
        ]


COLUMN_WIDTHS = {
    "รหัสรายการ": 10,
    "ปีงบประมาณ (พ.ศ.)": 17,
    "อำเภอ": 16,
    "ตำบล": 16,
    "รหัสหมู่บ้าน": 12,
    "หมู่ที่": 7,
    "ชื่อหมู่บ้าน": 20,
    "บ้านเลขที่": 10,
    "คำนำหน้า": 9,
    "ชื่อ": 16,
    "นามสกุล": 18,
    "เลขประจำตัวประชาชน": 20,
    "โทรศัพท์": 13,
    "กลุ่มเป้าหมาย": 26,
    "อาชีพ": 22,
    "ปราชญ์ชุมชนของทีม": 24,
    "สถานะ": 13,
    "รายได้ก่อนเข้าร่วม (บาท/เดือน)": 15,
    "รายได้เมื่อประเมินสิ้นปี (บาท/เดือน)": 15,
    "กลุ่มอาชีพ": 22,
    "แก้ไขล่าสุด": 18,
}


def page_setup(rows):
    """Printed as a clerk reads it: A4 landscape, the printed columns only (about 11 pt, not
    the 5 pt of 21 columns squeezed on one page width), the header row and the name columns on
    every page, gridlines, page numbers in the footer."""
    return {
        "landscape": True,
        "paper_size": 9,  # A4
        "print_area": (0, 0, max(rows, 1), len(PRINTED) - 1),
        "fit_to_pages": (1, 0),
        "repeat_rows": 0,
        "repeat_columns": (0, NAME_COLUMNS - 1),
        "print_gridlines": True,
        "margins": {"left": 0.4, "right": 0.4, "top": 0.5, "bottom": 0.6},
        "footer": "&Cหน้า &P / &N",
    }


@dataclass(frozen=True)
class ExportInfo:
    """What the second sheet says about an export, and what the file is named after.

    ``filter_words``: the filter as the clerk chose it (``อำเภอพล``, ``ปีงบประมาณ 2569``);
    ``district`` (name, code) and ``fiscal_year`` name the file when the list is one district
    or one year."""

    filter_words: tuple = ()
    district: tuple | None = None
    fiscal_year: int | None = None
    exported_at: datetime.datetime = field(default_factory=timezone.now)

    def filter_text(self):
        """The filter in words on one line (``อำเภอพล, ปีงบประมาณ 2569``), '' for none: what
        the info sheet says and the export log keeps (``ExportLog.filter_words``)."""
        return ", ".join(str(words) for words in self.filter_words)

    def filename(self, file_format):
        """``(thai, ascii)`` names: ``ครัวเรือน-อำเภอพล-ปี2569-2569-12-02.xlsx`` and, for the
        browsers that cannot take it, ``households-4012-fy2569-2569-12-02.xlsx``."""
        day = timezone.localtime(self.exported_at).date()
        stamp = f"{thaidate.be_year(day.year)}-{day.month:02d}-{day.day:02d}"
        thai, ascii_ = ["ครัวเรือน"], ["households"]
        if self.district:
            thai.append(f"อำเภอ{self.district[0]}")
            ascii_.append(str(self.district[1]))
        if self.fiscal_year:
            thai.append(f"ปี{self.fiscal_year}")
            ascii_.append(f"fy{self.fiscal_year}")
        thai.append(stamp)
        ascii_.append(stamp)
        return "-".join(thai) + f".{file_format}", "-".join(ascii_) + f".{file_format}"


def info_rows(info, *, rows, user, full_ids):
    """``[(label, value, number format)]`` of the ``ข้อมูลการส่งออก`` sheet."""
    if user is None:
        who = _("คำสั่งระบบ (ไม่ระบุผู้ใช้)")
        scope = _("ทุกอำเภอ")
    else:
        who = str(user)
        if user.sees_all_districts:
            scope = _("ทุกอำเภอ")
        else:
            names = user.districts.order_by("name_th").values_list("name_th", flat=True)
            scope = ", ".join(f"อำเภอ{name}" for name in names) or "—"
    ids = (
        _("เลขเต็ม 13 หลัก: ข้อมูลส่วนบุคคล (พ.ร.บ.คุ้มครองข้อมูลส่วนบุคคล พ.ศ. 2562) เก็บรักษาให้ปลอดภัย")
        if full_ids
        else _("ปิดบางส่วน (เช่น 1-2345-xxxxx-xx-1)")
    )
    when = _excel_date(info.exported_at)
    return [
        (_("ผู้ส่งออก"), who, None),
        (_("วันเวลาที่ส่งออก"), when, EXCEL_BE_DATETIME),
        (_("เงื่อนไขการกรอง"), info.filter_text() or _("ไม่มี (ทุกรายการที่มีสิทธิ์เห็น)"), None),
        (_("อำเภอที่มีสิทธิ์"), scope, None),
        (_("จำนวนแถว"), rows, EXCEL_COUNT),
        (_("เลขประจำตัวประชาชน"), ids, None),
        (
            _("การพิมพ์"),
            _("พิมพ์เฉพาะชื่อ-สกุล บ้านเลขที่ หมู่บ้าน สถานะ และรายได้ (ชื่อพิมพ์ซ้ำทุกหน้า) คอลัมน์อื่นดูบนจอ"),
            None,  # the last row: text, no row format (see write_xlsx)
        ),
    ]


def write_xlsx(target, queryset, resource, *, info=None, user=None, sheet_name=SHEET_NAME):
    """Write the list and its ``ข้อมูลการส่งออก`` sheet to ``target`` (a path or a binary
    file); return the number of rows."""
    info = info or ExportInfo()
    total = queryset.count()
    if total + 1 > EXCEL_MAX_ROWS:
        raise TooManyRows(
            _(
                "มี %(n)s แถว เกินขีดจำกัดของ Excel (1,048,575 แถวต่อแผ่นงาน) กรุณากรองให้น้อยลง "
                "เช่น เลือกอำเภอหรือปีงบประมาณ"
            )
            % {"n": f"{total:,}"}
        )
    columns = export_columns(resource)
    headers = [column.header for column in columns]
    about = info_rows(info, rows=total, user=user, full_ids=resource.full_ids)

    def records():
        for row in household_rows(queryset, resource, excel=True, columns=columns):
            yield dict(zip(headers, row, strict=True))

    if total == 0:
        _write_with_openpyxl(target, columns, about, sheet_name)
        return 0

    label, value = _("รายการ"), _("ข้อมูล")
    # The date and the count carry their formats by row (one column holds text, a date and a
    # number; the writer would keep the first date's format for the rest of the column). The
    # last row is text without a row format: a format there makes the writer repeat the row.
    info_formats = {
        index: rustpy_xlsxwriter.Format().set_num_format(number_format).set_align("left")
        for index, (_label, _value, number_format) in enumerate(about, start=1)
        if number_format
    }
    header_format = rustpy_xlsxwriter.Format().set_bold().set_text_wrap().set_align("top")

    def write(path):
        rustpy_xlsxwriter.write_worksheets(
            [
                (sheet_name, records()),
                (INFO_SHEET_NAME, [{label: row[0], value: row[1]} for row in about]),
            ],
            path,
            freeze_panes={sheet_name: {"row": 1, "col": NAME_COLUMNS}},
            autofilter={sheet_name: True},
            header_format={
                sheet_name: header_format,
                INFO_SHEET_NAME: rustpy_xlsxwriter.Format().set_bold(),
            },
            column_widths={
                sheet_name: {h: COLUMN_WIDTHS.get(h, 14) for h in headers},
                INFO_SHEET_NAME: {label: 22, value: 100},
            },
            column_formats={
                sheet_name: {
                    c.header: rustpy_xlsxwriter.Format().set_num_format(c.number_format)
                    for c in columns
                    if c.number_format
                }
            },
            row_heights={sheet_name: {0: 32}},
            row_formats={INFO_SHEET_NAME: info_formats},
            page_setup={
                sheet_name: page_setup(total),
                INFO_SHEET_NAME: {"landscape": True, "paper_size": 9, "fit_to_pages": (1, 1)},
            },
        )

    if isinstance(target, str | os.PathLike):
        write(target)
        return total
    reopened = _reopenable_path(target)
    if reopened:  # the file itself, by name: an unlinked temporary file stays nameless on disk
        target.flush()
        write(reopened)
        target.seek(0, os.SEEK_END)
        return total
    with tempfile.TemporaryDirectory(prefix="sammachip-export-") as folder:
        path = os.path.join(folder, "export.xlsx")
        write(path)
        with open(path, "rb") as written:
            shutil.copyfileobj(written, target, length=1024 * 1024)
    return total


def _reopenable_path(target):
    """``/proc/self/fd/N`` of a real, empty file object on Linux (the admin's unlinked
    ``TemporaryFile``, the command's output file), else None: a temporary file with names and
    citizen IDs would otherwise need a name on disk, left behind if the worker is killed."""
    try:
        descriptor = target.fileno()
    except (AttributeError, OSError, io.UnsupportedOperation):
        return None
    path = f"/proc/self/fd/{descriptor}"
    if not os.path.exists(path) or target.tell() != 0:
        return None
    return path


def _write_with_openpyxl(target, columns, about, sheet_name):
    """An empty list: the Rust writer takes its header from the first record, so the header
    row, the page setup and the info sheet are written by openpyxl (a few cells)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_name
    sheet.append([column.header for column in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, column in enumerate(columns, start=1):
        letter = sheet.cell(1, index).column_letter
        sheet.column_dimensions[letter].width = COLUMN_WIDTHS.get(column.header, 14)
    sheet.freeze_panes = sheet.cell(2, NAME_COLUMNS + 1).coordinate
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = 9
    sheet.print_title_rows = "1:1"
    sheet.print_area = f"A1:{sheet.cell(1, len(PRINTED)).column_letter}1"
    info = workbook.create_sheet(INFO_SHEET_NAME)
    info.append([_("รายการ"), _("ข้อมูล")])
    for label, value, number_format in about:
        info.append([label, value])
        if number_format:
            info.cell(info.max_row, 2).number_format = number_format
    info.column_dimensions["A"].width = 22
    info.column_dimensions["B"].width = 90
    workbook.save(target)


escape_csv_cell = spreadsheet_safe  # the one rule, shared with /stats/csv


def write_csv(stream, queryset, resource):
    """Write UTF-8-with-BOM CSV text to ``stream`` (a text file); return the number of rows.
    Columns in the xlsx order; dates as BE text, numbers as a person writes them (no ``.0``)."""
    columns = export_columns(resource)
    stream.write("\ufeff")
    writer = csv.writer(stream)
    writer.writerow([column.header for column in columns])
    count = 0
    for row in household_rows(queryset, resource, columns=columns):
        writer.writerow([escape_csv_cell(csv_number(cell)) for cell in row])
        count += 1
    return count


def write_csv_bytes(target, queryset, resource):
    """``write_csv`` into a binary file, streamed (never the whole text in memory)."""
    stream = io.TextIOWrapper(target, encoding="utf-8", newline="", write_through=True)
    try:
        return write_csv(stream, queryset, resource)
    finally:
        stream.flush()
        stream.detach()  # the caller keeps (and closes) target


def default_resource(*, user=None, full_ids=False):
    return HouseholdResource(user=user, full_ids=full_ids)


def write_import_template(target, resource, *, user=None):
    """The import template (``programs.import_template``)."""
    from programs.import_template import write_import_template as write

    write(target, resource, user=user)


class CalamineXLSX(base_formats.XLSX):
    """xlsx import read by python-calamine (Rust) instead of openpyxl: same dataset, faster.

    Checked first by ``sammachip.spreadsheet_intake.check_xlsx`` (zip, sizes, far cells):
    calamine sizes its range by the farthest cell, and a refusal inside Rust is an abort of the
    whole process, not an exception. Whole numbers arrive as floats (``1101700230708.0``) and are
    kept as ``int``; dates arrive as ``datetime``; the widgets in ``programs.resources`` accept
    both. Only the first sheet is read (the template's second sheet holds the notes)."""

    def create_dataset(self, in_stream):
        limits = import_limits()
        check_xlsx(in_stream, limits)
        try:
            workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(in_stream))
            rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
        except Exception:  # calamine's own errors (a broken part): the file, in words
            raise not_a_workbook() from None
        while rows and all(cell in ("", None) for cell in rows[-1]):
            rows.pop()
        dataset = tablib.Dataset()
        if not rows:
            return dataset
        headers = [str(cell).strip() if cell is not None else "" for cell in rows[0]]
        width = len(headers)
        dataset.headers = headers
        for row in rows[1:]:
            # A whole number arrives as a float (2569.0): kept whole, as the preview shows it.
            cells = [
                int(cell) if isinstance(cell, float) and cell.is_integer() else cell
                for cell in row[:width]
            ] + [""] * (width - len(row))
            if all(cell in ("", None) for cell in cells):
                continue
            dataset.append(cells)
        if len(dataset) > limits.rows:
            raise too_many_rows(len(dataset), limits)
        return dataset


class CheckedCSV(base_formats.CSV):
    """CSV import with the same limits as xlsx (rows, columns), read row by row by ``csv``:
    the first row is the header, blank rows are skipped, short rows padded."""

    def create_dataset(self, in_stream):
        if isinstance(in_stream, bytes):
            in_stream = in_stream.decode(self.encoding or "utf-8-sig")
        limits = import_limits()
        dataset = tablib.Dataset()
        width = None
        count = 0
        try:
            for row in csv.reader(io.StringIO(in_stream.removeprefix("\ufeff"))):
                if len(row) > limits.columns:
                    raise too_many_columns(len(row), limits)
                if width is None:
                    dataset.headers = [cell.strip() for cell in row]
                    width = len(row)
                    continue
                if not any(cell.strip() for cell in row):
                    continue
                count += 1
                if count <= limits.rows:  # counted to the end, for the message
                    dataset.append(row[:width] + [""] * (width - len(row)))
        except csv.Error:
            raise SpreadsheetRefused(
                _(
                    "ระบบอ่านไฟล์ CSV นี้ไม่ได้ กรุณาเปิดไฟล์ใน Excel แล้วบันทึกเป็น "
                    "“CSV UTF-8 (Comma delimited)” ใหม่ หรือใช้แบบฟอร์มนำเข้า (.xlsx) ของระบบ "
                    "ยังไม่ได้บันทึกข้อมูลใด"
                )
            ) from None
        if count > limits.rows:
            raise too_many_rows(count, limits)
        return dataset
