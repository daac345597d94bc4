"""Household lists as Excel and CSV files, fast and safe.

* Columns come from ``HouseholdResource.export_columns()`` (the one column definition).
* Rows stream from ``values_list(...).iterator()``: no model instances, no per-row queries, no
  list of ids in memory.
* xlsx is written by ``rustpy-xlsxwriter`` (Rust's rust_xlsxwriter) in constant memory: text
  is always a string cell (never a formula, a 13-digit ID never becomes 1.10E+12), numbers stay
  numbers; header row frozen, autofilter, column widths. The writer is always given a *path*:
  handed a Python file object it builds the whole zip in memory first (measured: +20 MiB at
  200,000 rows against +3 MiB to a path). A real file is reopened through ``/proc/self/fd``
  (an unlinked temporary file never gets a name on disk); anything else (``BytesIO``) gets the
  bytes of a file in a private temporary folder.
* CSV is UTF-8 with a BOM (so Excel shows Thai); text beginning with ``= + - @``, tab or CR (or
  their full-width forms) gets a leading ``'`` (OWASP CSV injection) by the one rule of
  ``sammachip.spreadsheet``, which ``resources.unescape_formula`` undoes on import.
"""

import csv
import io
import os
import shutil
import tempfile

import python_calamine
import rustpy_xlsxwriter
import tablib
from django.utils.translation import gettext as _
from import_export.formats import base_formats

from programs.resources import HouseholdResource
from sammachip.spreadsheet import spreadsheet_safe
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


class TooManyRows(Exception):
    pass


def household_rows(queryset, resource):
    """Yield lists of cell values for ``queryset`` in the resource's column order."""
    columns = resource.export_columns()
    paths = []
    slices = []
    for _header, column_paths, _render in columns:
        start = len(paths)
        paths.extend(column_paths)
        slices.append(slice(start, len(paths)))
    renders = [render for _header, _paths, render in columns]
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
    "สถานะ": 12,
    "รายได้ก่อนเข้าร่วม (บาท/เดือน)": 28,
    "รายได้เมื่อประเมินสิ้นปี (บาท/เดือน)": 32,
    "กลุ่มอาชีพ": 22,
    "แก้ไขล่าสุด": 18,
}


# Printed as a clerk expects: A4 landscape, every column on the page's width, the header row on
# every page, gridlines, page numbers in the footer.
PAGE_SETUP = {
    "landscape": True,
    "paper_size": 9,  # A4
    "fit_to_pages": (1, 0),
    "repeat_rows": 0,
    "print_gridlines": True,
    "margins": {"left": 0.4, "right": 0.4, "top": 0.5, "bottom": 0.6},
    "footer": "&Cหน้า &P / &N",
}


def write_xlsx(target, queryset, resource, *, sheet_name="ครัวเรือนเป้าหมาย"):
    """Write the list to ``target`` (a path or a binary file); return the number of rows."""
    total = queryset.count()
    if total + 1 > EXCEL_MAX_ROWS:
        raise TooManyRows(
            _(
                "มี %(n)s แถว เกินขีดจำกัดของ Excel (1,048,575 แถวต่อแผ่นงาน) กรุณากรองให้น้อยลง "
                "เช่น เลือกอำเภอหรือปีงบประมาณ"
            )
            % {"n": f"{total:,}"}
        )
    headers = [header for header, _paths, _render in resource.export_columns()]

    def records():
        for row in household_rows(queryset, resource):
            yield dict(zip(headers, row, strict=True))

    if total == 0:
        _write_header_only(target, headers, sheet_name)
        return 0

    def write(path):
        rustpy_xlsxwriter.write_worksheet(
            records(),
            path,
            sheet_name=sheet_name,
            freeze_row=1,
            autofilter=True,
            bold_headers=True,
            column_widths={h: COLUMN_WIDTHS.get(h, 14) for h in headers},
            page_setup=PAGE_SETUP,
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


def _write_header_only(target, headers, sheet_name):
    """The Rust writer takes its header from the first record; an empty list still gets one."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_name
    sheet.append(headers)
    sheet.freeze_panes = "A2"
    workbook.save(target)


escape_csv_cell = spreadsheet_safe  # the one rule, shared with /stats/csv


def write_csv(stream, queryset, resource):
    """Write UTF-8-with-BOM CSV text to ``stream`` (a text file); return the number of rows."""
    headers = [header for header, _paths, _render in resource.export_columns()]
    stream.write("\ufeff")
    writer = csv.writer(stream)
    writer.writerow(headers)
    count = 0
    for row in household_rows(queryset, resource):
        writer.writerow([escape_csv_cell(cell) for cell in row])
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
