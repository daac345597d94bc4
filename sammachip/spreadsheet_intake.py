"""An uploaded spreadsheet is checked before any parser sees it: its size is bounded by the data
it holds, never by what it claims.

A 7 KB xlsx with one cell at ``XFD1048576`` made python-calamine (Rust) allocate 512 GiB and
abort the whole process; a cell at ``T1048576`` cost 946 MB; a 1.5 MB zip of 1.5 GB of
whitespace, 1.58 GB. So ``check_xlsx`` first reads the zip itself, streaming, with bounds:

* the central directory: at most ``zip_entries`` entries (a real xlsx has 9 to about 30), each
  stored or deflated, not encrypted;
* every entry is decompressed here (its real output counted, not the size its header declares,
  and its CRC checked): the total may not exceed ``uncompressed_bytes`` (derived from the row
  cap: ``BYTES_PER_ROW`` a row, 3.5× what our own export writes, plus ``FIXED_PARTS``), and an
  entry over 1 MiB may not be compressed more than ``zip_ratio`` to 1 (real data: about 15:1);
* every XML part is read, streaming: as spreadsheet programs write it (``_CanonicalScanner``,
  byte counts and one regular expression, fast) or else exactly by expat (``_PartScanner``),
  which refuses a DOCTYPE or an entity declaration (an xlsx never has one) and nesting deeper
  than ``MAX_DEPTH``;
* in every worksheet, the declared ``<dimension ref>`` and every cell holding a value (its
  ``r`` reference, or its position when ``r`` is left out, as the reader counts it) stay within
  ``rows`` + 1 rows (the header) and ``columns`` columns, and the cells with a value and the
  shared strings number at most rows × columns. Every sheet, not only the first: which part is
  "the first sheet" is then never a question of two readers agreeing.

Then calamine's memory is bounded by the data present: a range of at most (rows + 1) × columns
cells (20,001 × 64 = 1.28 M cells of 32 bytes, 41 MB) plus the text, at most
``uncompressed_bytes``; measured, the largest file accepted (20,001 × 64 text cells, 67 MB of
sheet XML) peaks at 275 MB of address space for the whole process, Django included. The limits
are settings (``SAMMACHIP_IMPORT_*``, read only by ``import_limits``); a refusal is a
``SpreadsheetRefused`` whose message is Thai and says what to do.
"""

import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from xml.parsers import expat

from django.conf import settings
from django.utils.translation import gettext as _

BYTES_PER_ROW = 4096  # of sheet XML: our own export writes about 1,170 bytes a row
FIXED_PARTS = 2 * 1024 * 1024  # theme, styles, the template's notes sheet: about 30 KB
RATIO_CHECKED_ABOVE = 1024 * 1024  # small parts may compress well without harm
MAX_DEPTH = 64  # a real xlsx nests about 10 deep
CHUNK = 64 * 1024
CENTRAL_DIRECTORY_ENTRY = 1024  # generous bytes per central directory record (name, extras)
EOCD = b"PK\x05\x06"
LOCAL_HEADER = b"PK\x03\x04"
CELL_REF_RE = re.compile(r"([A-Za-z]{1,7})([0-9]{1,12})")
XML_SUFFIXES = (".xml", ".rels", ".vml")


class SpreadsheetRefused(ValueError):
    """The file is not read: ``str(error)`` is the Thai message for the person who sent it."""


@dataclass(frozen=True)
class ImportLimits:
    rows: int  # data rows per file, the header row not counted
    columns: int
    errors_shown: int
    zip_entries: int
    zip_ratio: int

    @property
    def sheet_rows(self):
        return self.rows + 1

    @property
    def cells(self):
        return self.sheet_rows * self.columns

    @property
    def uncompressed_bytes(self):
        return self.sheet_rows * BYTES_PER_ROW + FIXED_PARTS


def import_limits():
    """The one place the limits of an imported file are read (``sammachip/settings.py``)."""
    return ImportLimits(
        rows=settings.SAMMACHIP_IMPORT_MAX_ROWS,
        columns=settings.SAMMACHIP_IMPORT_MAX_COLUMNS,
        errors_shown=settings.SAMMACHIP_IMPORT_ERRORS_SHOWN,
        zip_entries=settings.SAMMACHIP_IMPORT_MAX_ZIP_ENTRIES,
        zip_ratio=settings.SAMMACHIP_IMPORT_MAX_ZIP_RATIO,
    )


# ---- the messages ------------------------------------------------------------------------------


def not_a_workbook():
    return SpreadsheetRefused(
        _(
            "ระบบอ่านไฟล์นี้ไม่ได้ ไฟล์ไม่ใช่ไฟล์ Excel (.xlsx) ที่ถูกต้อง "
            "กรุณาเปิดไฟล์ใน Excel แล้วบันทึกเป็น “Excel Workbook (.xlsx)” ใหม่ "
            "หรือใช้แบบฟอร์มนำเข้าของระบบ ยังไม่ได้บันทึกข้อมูลใด"
        )
    )


def too_many_rows(count, limits):
    """Over the row cap: names the cap, suggests splitting the file by district."""
    return SpreadsheetRefused(
        _(
            "ไฟล์ใหญ่เกินกว่าที่ระบบรับได้: มีข้อมูล %(count)s แถว "
            "ระบบรับได้ไม่เกิน %(cap)s รายการต่อไฟล์ (ไม่นับแถวหัวตาราง) "
            "กรุณาแบ่งไฟล์ เช่น แยกเป็นไฟล์ละอำเภอ แล้วนำเข้าทีละไฟล์ ยังไม่ได้บันทึกข้อมูลใด"
        )
        % {"count": f"{count:,}", "cap": f"{limits.rows:,}"}
    )


def sheet_too_long(row, limits):
    return SpreadsheetRefused(
        _(
            "ไฟล์ใหญ่เกินกว่าที่ระบบรับได้: แผ่นงานมีข้อมูลถึงแถวที่ %(row)s "
            "ระบบรับได้ไม่เกิน %(cap)s รายการต่อไฟล์ (แผ่นงานละไม่เกิน %(sheet_rows)s แถวรวมหัวตาราง) "
            "กรุณาแบ่งไฟล์ เช่น แยกเป็นไฟล์ละอำเภอ ลบแถวว่างและแผ่นงานที่ไม่ใช้ "
            "แล้วนำเข้าทีละไฟล์ ยังไม่ได้บันทึกข้อมูลใด"
        )
        % {"row": f"{row:,}", "cap": f"{limits.rows:,}", "sheet_rows": f"{limits.sheet_rows:,}"}
    )


def too_many_columns(column, limits):
    return SpreadsheetRefused(
        _(
            "ไฟล์ใหญ่เกินกว่าที่ระบบรับได้: มีข้อมูลถึงคอลัมน์ที่ %(column)s "
            "ระบบรับได้ไม่เกิน %(max)s คอลัมน์ กรุณาใช้แบบฟอร์มนำเข้าของระบบ "
            "และลบคอลัมน์ที่ไม่ใช้ออก ยังไม่ได้บันทึกข้อมูลใด"
        )
        % {"column": f"{column:,}", "max": limits.columns}
    )


def too_much_content(limits):
    return SpreadsheetRefused(
        _(
            "ไฟล์ใหญ่เกินกว่าที่ระบบรับได้: เมื่อแตกไฟล์ออกแล้วมีขนาดเกิน %(mb)s MB "
            "หรือถูกบีบอัดผิดปกติ กรุณาคัดลอกเฉพาะรายชื่อ (ไม่เกิน %(cap)s รายการ) "
            "ลงแบบฟอร์มนำเข้าของระบบ หรือแบ่งไฟล์เป็นไฟล์ละอำเภอ ยังไม่ได้บันทึกข้อมูลใด"
        )
        % {"mb": limits.uncompressed_bytes // (1024 * 1024), "cap": f"{limits.rows:,}"}
    )


# ---- which kind of file ------------------------------------------------------------------------

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97–2003 (.xls), and other old Office files
SNIFFED_BYTES = 4096


def sniff_spreadsheet(head, name=""):
    """``"xlsx"`` or ``"csv"`` from a file's first bytes (its content, not its name): a zip is a
    workbook, text is CSV. An old ``.xls``, a PDF or another binary file is refused in Thai, and
    so is a file named ``.xlsx`` that is not a zip (``not_a_workbook``: it was meant as one)."""
    if head.startswith(LOCAL_HEADER) or head.startswith(EOCD):
        return "xlsx"
    if head.startswith(OLE2):
        raise SpreadsheetRefused(
            _(
                "ไฟล์นี้เป็น Excel แบบเก่า (.xls) ที่ระบบอ่านไม่ได้ กรุณาเปิดไฟล์ใน Excel "
                "แล้วเลือก “บันทึกเป็น” ชนิด “Excel Workbook (.xlsx)” แล้วอัปโหลดใหม่ ยังไม่ได้บันทึกข้อมูลใด"
            )
        )
    if name.lower().endswith((".xlsx", ".xlsm")):
        raise not_a_workbook()
    sample = head[:SNIFFED_BYTES]
    if sample.startswith(b"%PDF") or b"\x00" in sample:
        raise SpreadsheetRefused(
            _(
                "ไฟล์นี้ไม่ใช่ไฟล์ Excel (.xlsx) หรือ CSV กรุณาใช้แบบฟอร์มนำเข้าของระบบ "
                "หรือเปิดไฟล์ใน Excel แล้วบันทึกเป็น .xlsx ใหม่ ยังไม่ได้บันทึกข้อมูลใด"
            )
        )
    return "csv"


# ---- the zip -----------------------------------------------------------------------------------


def check_xlsx(data, limits=None):
    """Refuse (``SpreadsheetRefused``) an xlsx given as ``bytes`` unless every bound holds."""
    limits = limits or import_limits()
    archive = _open_zip(data, limits)
    infos = archive.infolist()
    if len(infos) > limits.zip_entries:
        raise too_much_content(limits)
    budget = [limits.uncompressed_bytes]
    strings = _Counter()
    for info in infos:
        # What the directory declares is refused at once; what it hides, as it is inflated.
        if info.file_size > budget[0] or (
            info.file_size > RATIO_CHECKED_ABOVE
            and info.file_size > limits.zip_ratio * max(info.compress_size, 1)
        ):
            raise too_much_content(limits)
        if not info.filename.lower().endswith(XML_SUFFIXES):
            for _chunk in _checked_chunks(data, info, limits, budget):
                pass
            continue
        fast = _CanonicalScanner(limits, strings)
        for chunk in _checked_chunks(data, info, limits, budget):
            if fast is not None:
                try:
                    fast.feed(chunk)
                except _NotCanonical:
                    fast = None  # keep checking sizes; then read it again, exactly
        if fast is not None:
            try:
                fast.close()
                continue
            except _NotCanonical:
                pass
        exact = _PartScanner(limits, strings)
        for chunk in _entry_chunks(data, info):
            exact.feed(chunk)
        exact.close()


def _checked_chunks(data, info, limits, budget):
    """``_entry_chunks`` with the output counted against the archive's budget and the entry's
    compression ratio, then its size and CRC compared with the directory's."""
    produced = 0
    crc = 0
    for chunk in _entry_chunks(data, info):
        produced += len(chunk)
        if produced > info.file_size:  # more than its header declares: a lie, or a bomb
            raise not_a_workbook()
        budget[0] -= len(chunk)
        if budget[0] < 0:
            raise too_much_content(limits)
        if produced > RATIO_CHECKED_ABOVE and produced > limits.zip_ratio * max(
            info.compress_size, 1
        ):
            raise too_much_content(limits)
        crc = zlib.crc32(chunk, crc)
        yield chunk
    if produced != info.file_size or crc != info.CRC:
        raise not_a_workbook()


def _open_zip(data, limits):
    """The zip's directory, after checking its size: Python builds an object per entry, so a
    directory of 300,000 entries would cost memory before any count could be made."""
    if not isinstance(data, bytes | bytearray) or not data.startswith(LOCAL_HEADER):
        raise not_a_workbook()
    end = data.rfind(EOCD, max(0, len(data) - 22 - 65535))
    if end < 0 or len(data) < end + 22:
        raise not_a_workbook()
    entries, directory_size = struct.unpack("<HI", data[end + 10 : end + 16])
    if (
        entries > limits.zip_entries
        or directory_size > limits.zip_entries * CENTRAL_DIRECTORY_ENTRY
    ):
        raise too_much_content(limits)
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise not_a_workbook() from None


def _entry_chunks(data, info):
    """The entry's content in chunks, decompressed here from its raw bytes: the output is
    counted as it comes, whatever size the header declares."""
    if info.flag_bits & 0x1:  # encrypted
        raise not_a_workbook()
    offset = info.header_offset
    header = data[offset : offset + 30]
    if len(header) != 30 or not header.startswith(LOCAL_HEADER):
        raise not_a_workbook()
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    start = offset + 30 + name_length + extra_length
    raw = memoryview(data)[start : start + info.compress_size]
    if len(raw) != info.compress_size:
        raise not_a_workbook()
    if info.compress_type == zipfile.ZIP_STORED:
        for position in range(0, len(raw), CHUNK):
            yield bytes(raw[position : position + CHUNK])
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise not_a_workbook()
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        for position in range(0, len(raw), CHUNK):
            chunk = inflater.decompress(raw[position : position + CHUNK], CHUNK)
            while True:
                if chunk:
                    yield chunk
                if not inflater.unconsumed_tail:
                    break
                chunk = inflater.decompress(inflater.unconsumed_tail, CHUNK)
        tail = inflater.flush()
        if tail:
            yield tail
    except zlib.error:
        raise not_a_workbook() from None


# ---- the XML parts ----------------------------------------------------------------------------


class _Counter:
    value = 0


def _column_number(letters):
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


class _NotCanonical(Exception):
    """The part is not written the way spreadsheet programs write it: read it exactly."""


class _CanonicalScanner:
    """The fast path, for a part written the way Excel, LibreOffice, Google Sheets and our own
    writers write one: UTF-8, no comment, CDATA, DOCTYPE or processing instruction after the
    declaration, no prefixed ``c``/``row`` element, and every ``<c`` tag written exactly
    ``<c r="A1" name="value"…>`` (a reference first; no ``<``, ``>`` or quote in a value). Then
    every ``<`` starts a tag, and counting tags with ``bytes`` methods and one regular expression
    finds every cell calamine will read (a cell not closed at once counts as holding a value):
    about ten times faster than a parser's callbacks. Anything else raises ``_NotCanonical``
    and ``_PartScanner`` reads the part instead."""

    CELL_RE = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"(?: [A-Za-z:]{1,32}="[^"<>]*")*(/?)>')
    PREFIXED_RE = re.compile(rb"<[A-Za-z_][\w.\-]*:(?:c|row|si|dimension)[\s/>]")
    DIMENSION_RE = re.compile(rb'<dimension ref="(?:[A-Za-z]+[0-9]+:)?([A-Za-z]+[0-9]+)"')
    DECLARATION_RE = re.compile(rb"<\?xml[^?<>]*\?>")
    ENCODING_RE = re.compile(rb'encoding\s*=\s*["\']([^"\']*)["\']')
    LONGER_NAME_RE = re.compile(rb"<c[^\s/>]")
    STRING_OPENINGS = (b"<si>", b"<si ", b"<si/", b"<si\t", b"<si\n", b"<si\r")
    LONGEST_TAG = 1024 * 1024

    def __init__(self, limits, strings):
        self.limits = limits
        self.strings = strings
        self.local_strings = 0
        self.cells = 0
        self.carry = b""
        self.started = False
        self.depth = 0

    def feed(self, chunk):
        buffer = self.carry + chunk
        if not self.started:
            if len(buffer) < 64:
                self.carry = buffer
                return
            buffer = self._skip_declaration(buffer)
            self.started = True
        cut = buffer.rfind(b"<")
        if cut < 0:  # text only, no tag in it
            self.carry = b""
            return
        if cut == 0 and len(buffer) > self.LONGEST_TAG:
            raise _NotCanonical
        self._scan(buffer[:cut])
        self.carry = buffer[cut:]

    def close(self):
        if not self.started:
            self.carry = self._skip_declaration(self.carry)
        if self.carry.count(b"<") > 1 or (self.carry and not self.carry.rstrip().endswith(b">")):
            raise _NotCanonical
        self._scan(self.carry)
        self.strings.value += self.local_strings
        if self.strings.value > self.limits.cells:
            raise too_much_content(self.limits)

    def _skip_declaration(self, buffer):
        buffer = buffer.removeprefix(b"\xef\xbb\xbf")
        if not buffer.lstrip().startswith(b"<"):
            raise _NotCanonical  # UTF-16, or not XML at all
        declaration = self.DECLARATION_RE.match(buffer)
        if declaration is None:
            if buffer.startswith(b"<?"):
                raise _NotCanonical
            return buffer
        encoding = self.ENCODING_RE.search(declaration.group(0))
        if encoding and encoding.group(1).lower() not in (b"utf-8", b"utf8"):
            raise _NotCanonical
        return buffer[declaration.end() :]

    def _scan(self, segment):
        if b"<!" in segment or b"<?" in segment or self.PREFIXED_RE.search(segment):
            raise _NotCanonical
        # Nesting, where the segment ends: tags opened, less those closed or self-closed.
        closes = segment.count(b"</")
        self.depth += segment.count(b"<") - 2 * closes - segment.count(b"/>")
        if not 0 <= self.depth <= MAX_DEPTH:
            raise _NotCanonical
        if b"<c" in segment:
            # Every "<c" is a cell tag but for the few longer names (<col>, <cfRule>…).
            openings = segment.count(b"<c") - len(self.LONGER_NAME_RE.findall(segment))
            cells = self.CELL_RE.findall(segment)
            if len(cells) != openings:
                raise _NotCanonical
            valued = [(letters, digits) for letters, digits, closed in cells if not closed]
            if valued:
                self.cells += len(valued)
                if self.cells > self.limits.cells:
                    raise too_much_content(self.limits)
                row = max(map(int, (digits for _letters, digits in valued)))
                letters = max({letters for letters, _digits in valued}, key=lambda x: (len(x), x))
                _check_position(row, _column_number(letters.decode()), self.limits)
        if b"<si" in segment:
            self.local_strings += sum(segment.count(opening) for opening in self.STRING_OPENINGS)
            if self.strings.value + self.local_strings > self.limits.cells:
                raise too_much_content(self.limits)
        dimension = self.DIMENSION_RE.search(segment)
        if dimension:
            match = CELL_REF_RE.fullmatch(dimension.group(1).decode())
            _check_position(int(match.group(2)), _column_number(match.group(1)), self.limits)


def _check_position(row, column, limits):
    if column > limits.columns:
        raise too_many_columns(column, limits)
    if row > limits.sheet_rows:
        raise sheet_too_long(row, limits)


class _PartScanner:
    """Streams one XML part through expat: refuses DOCTYPE, entities and deep nesting; in a
    worksheet, finds the largest row and column of a cell holding a value and the declared
    dimension; counts shared strings."""

    def __init__(self, limits, strings):
        self.limits = limits
        self.strings = strings
        self.stack = []
        self.row = 0  # the current <row>'s number
        self.column = 0  # the column of the last <c> in that row
        self.cell = None  # (row, column) of the open <c>, until it is counted
        self.cells = 0
        self.elements = 0
        self.element_budget = 4 * limits.cells + 100_000
        parser = expat.ParserCreate()
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = self._refuse
        parser.EntityDeclHandler = self._refuse
        parser.ExternalEntityRefHandler = self._refuse
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        self.parser = parser

    def feed(self, chunk):
        try:
            self.parser.Parse(chunk, False)
        except expat.ExpatError:
            raise not_a_workbook() from None

    def close(self):
        try:
            self.parser.Parse(b"", True)
        except expat.ExpatError:
            raise not_a_workbook() from None

    def _refuse(self, *args):
        raise not_a_workbook()

    def _start(self, name, attrs):
        local = name.rpartition(":")[2]
        parent = self.stack[-1] if self.stack else None
        self.stack.append(local)
        self.elements += 1
        if self.elements > self.element_budget:
            raise too_much_content(self.limits)
        if len(self.stack) > MAX_DEPTH:
            raise not_a_workbook()
        if parent == "c":
            if self.cell is not None:  # the first child (<v>, <is>, <f>): the cell has a value
                self._count_cell(*self.cell)
                self.cell = None
        elif local == "c" and parent == "row":
            ref = attrs.get("r")
            if ref:
                row, column = self._parse_ref(ref)
            else:
                row, column = self.row, self.column + 1
            self.column = column
            self.cell = (row, column)
        elif local == "row" and parent == "sheetData":
            number = attrs.get("r")
            if number:
                if not number.isdigit() or len(number) > 12:
                    raise not_a_workbook()
                self.row = int(number)
            else:
                self.row += 1
            self.column = 0
        elif local == "si" and parent == "sst":
            self.strings.value += 1
            if self.strings.value > self.limits.cells:
                raise too_much_content(self.limits)
        elif local == "dimension" and parent == "worksheet":
            ref = attrs.get("ref", "")
            last = ref.rpartition(":")[2]
            if CELL_REF_RE.fullmatch(last):
                _check_position(*self._parse_ref(last), self.limits)

    def _end(self, name):
        if self.stack.pop() == "c":
            self.cell = None

    def _parse_ref(self, ref):
        match = CELL_REF_RE.fullmatch(ref)
        if match is None:
            raise not_a_workbook()
        return int(match.group(2)), _column_number(match.group(1))

    def _count_cell(self, row, column):
        _check_position(row, column, self.limits)
        self.cells += 1
        if self.cells > self.limits.cells:
            raise too_much_content(self.limits)
