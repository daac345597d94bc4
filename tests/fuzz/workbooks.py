"""Malicious workbooks for the import's intake, written byte by byte (a raw zip writer: a bomb's
deflate stream is one compressed block repeated, so 1.5 GB of whitespace costs 1.5 MB and no
time), and the child process that reads them under an address-space limit.

The child (``python -m tests.fuzz.workbooks FOLDER``) sets ``RLIMIT_AS`` before it imports
anything, then reads every file of FOLDER through the admin's input formats and prints one JSON
line: what each file became (refused, with the message, or a dataset of N rows) and the
process's peak address space. tracemalloc cannot see the Rust reader's allocations; a limit on
the address space stops them all (calamine aborts the process when it hits it).
"""

import json
import os
import resource
import struct
import subprocess
import sys
import zlib
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[2]
# Python + Django + calamine take about 95 MB of address space; the largest file the intake
# accepts (20,001 × 64 cells, 67 MB of sheet XML) peaks at 275 MB. Before the checks, one cell at
# T1048576 took 946 MB and one at XFD1048576 asked for 512 GiB.
ADDRESS_SPACE_LIMIT = 512 * 1024 * 1024
MIB = 1024 * 1024

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels"'
    ' ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml"'
    ' ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml"'
    ' ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"'
    ' Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="ครัวเรือนเป้าหมาย" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"'
    ' Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)
SHEET_OPEN = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def column_letters(number):
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def text_cell(ref, value):
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def rows_xml(rows):
    """``<row>`` elements for lists of values (text cells), numbered from 1."""
    parts = []
    for number, values in enumerate(rows, start=1):
        cells = "".join(
            text_cell(f"{column_letters(column)}{number}", value)
            for column, value in enumerate(values, start=1)
            if value not in ("", None)
        )
        parts.append(f'<row r="{number}">{cells}</row>')
    return "".join(parts)


def household_rows():
    """The template's header and one good row (village 40120711 of the test geography)."""
    from programs.resources import HouseholdResource

    headers = HouseholdResource().get_export_headers()
    row = {
        "ปีงบประมาณ (พ.ศ.)": "2569",
        "รหัสหมู่บ้าน": "40120711",
        "บ้านเลขที่": "1",
        "ชื่อ": "ฟัซ",
        "นามสกุล": "ทดสอบ",
        "เลขประจำตัวประชาชน": "1101700230708",
    }
    return [headers, [row.get(header, "") for header in headers]]


# ---- a zip, byte by byte -------------------------------------------------------------------------


def deflated(data):
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


def entry(name, data):
    """A deflated entry: (name, raw stream, method, CRC, uncompressed size)."""
    data = data.encode() if isinstance(data, str) else data
    return (name, deflated(data), 8, zlib.crc32(data), len(data))


def write_zip(path, entries):
    """A zip of ``entries`` as given: the sizes and CRC the headers declare are the entry's
    own, true or not."""
    directory = []
    with open(path, "wb") as out:
        for name, raw, method, crc, size in entries:
            encoded = name.encode()
            offset = out.tell()
            out.write(
                struct.pack(
                    "<4s5H3I2H",
                    b"PK\x03\x04",
                    20,
                    0,
                    method,
                    0,
                    0,
                    crc,
                    len(raw),
                    size,
                    len(encoded),
                    0,
                )
            )
            out.write(encoded)
            out.write(raw)
            directory.append(
                struct.pack(
                    "<4s6H3I5H2I",
                    b"PK\x01\x02",
                    20,
                    20,
                    0,
                    method,
                    0,
                    0,
                    crc,
                    len(raw),
                    size,
                    len(encoded),
                    0,
                    0,
                    0,
                    0,
                    0,
                    offset,
                )
                + encoded
            )
        start = out.tell()
        for record in directory:
            out.write(record)
        size = out.tell() - start
        count = min(len(directory), 0xFFFF)
        out.write(struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, count, count, size, start, 0))


def workbook(path, sheet, *, extra=()):
    """An xlsx whose first (and only) sheet is ``sheet`` (XML text or an entry tuple)."""
    sheet_entry = sheet if isinstance(sheet, tuple) else entry("xl/worksheets/sheet1.xml", sheet)
    write_zip(
        path,
        [
            entry("[Content_Types].xml", CONTENT_TYPES),
            entry("_rels/.rels", ROOT_RELS),
            entry("xl/workbook.xml", WORKBOOK),
            entry("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
            sheet_entry,
            *extra,
        ],
    )


def sheet_xml(body, dimension="A1:T2"):
    return f'{SHEET_OPEN}<dimension ref="{dimension}"/><sheetData>{body}</sheetData></worksheet>'


def whitespace_bomb(megabytes, *, declared=None):
    """sheet1.xml of ``megabytes`` MiB of spaces between two rows, as a deflate stream of one
    block repeated (a full flush resets the compressor: every block compresses the same). The
    CRC is not computed (the checks stop long before it would be compared)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    head = (SHEET_OPEN + "<sheetData>" + rows_xml(household_rows())).encode()
    tail = b"</sheetData></worksheet>"
    start = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(b" " * MIB) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = compressor.compress(tail) + compressor.flush()
    size = len(head) + megabytes * MIB + len(tail)
    raw = start + block * megabytes + end
    return ("xl/worksheets/sheet1.xml", raw, 8, 0, size if declared is None else declared)


def malicious_workbooks(folder):
    """Write every case into ``folder``; return {file name: what it tries}."""
    folder = Path(folder)
    good = rows_xml(household_rows())
    cases = {}

    def add(name, what, sheet=None, **kwargs):
        workbook(folder / name, sheet, **kwargs)
        cases[name] = what

    add(
        "far-cell.xlsx",
        "one cell at XFD1048576 (calamine: 512 GiB, abort)",
        sheet_xml(good + '<row r="1048576">' + text_cell("XFD1048576", "x") + "</row>"),
    )
    add(
        "far-row.xlsx",
        "one cell at T1048576 (calamine: 946 MB)",
        sheet_xml(good + '<row r="1048576">' + text_cell("T1048576", "x") + "</row>"),
    )
    add(
        "huge-dimension.xlsx",
        "a declared dimension of the whole grid",
        sheet_xml(good, dimension="A1:XFD1048576"),
    )
    add(
        "rows-without-references.xlsx",
        "30,000 rows and cells without r (positions counted, not read)",
        sheet_xml(good + '<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 30_000),
    )
    add("zip-bomb.xlsx", "1.5 GB of whitespace in sheet1.xml (1.5 MB)", whitespace_bomb(1536))
    add(
        "lying-zip-bomb.xlsx",
        "the same bomb, its header declaring 4 KB (refused as broken)",
        whitespace_bomb(1536, declared=4096),
    )
    add(
        "shared-strings-bomb.xlsx",
        "1.3 million shared strings",
        sheet_xml(good),
        extra=[
            entry(
                "xl/sharedStrings.xml",
                "<sst>" + "".join(f"<si><t>{n}</t></si>" for n in range(1_300_000)) + "</sst>",
            )
        ],
    )
    deep = "<r>" * 100_000 + "<t>x</t>" + "</r>" * 100_000
    add(
        "deep-nesting.xlsx",
        "100,000 nested elements in a cell",
        sheet_xml(good + f'<row r="3"><c r="A3" t="inlineStr"><is>{deep}</is></c></row>'),
    )
    laughs = "".join(f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">' for n in range(1, 10))
    body = sheet_xml(good).split("?>", 1)[1]  # the sheet after its XML declaration
    add(
        "billion-laughs.xlsx",
        "a DOCTYPE with nested entities",
        f'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY lol0 "lol">{laughs}]>'
        + body.replace("<t>ฟัซ</t>", "<t>&lol9;</t>"),
    )
    add(
        "external-entity.xlsx",
        "an external entity",
        '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        + body.replace("<t>ฟัซ</t>", "<t>&x;</t>"),
    )
    write_zip(
        folder / "many-entries.xlsx",
        [entry(f"xl/media/image{n}.png", b"") for n in range(5_000)],
    )
    cases["many-entries.xlsx"] = "5,000 entries"
    add(
        "utf16-sheet.xlsx",
        "a sheet in UTF-16 with a far cell (byte patterns do not see it)",
        entry(
            "xl/worksheets/sheet1.xml",
            sheet_xml(good + '<row r="1048576">' + text_cell("XFD1048576", "x") + "</row>")
            .replace('encoding="UTF-8"', 'encoding="UTF-16"')
            .encode("utf-16"),
        ),
    )
    add(
        "prefixed-far-cell.xlsx",
        "a far cell under a namespace prefix, after a comment",
        sheet_xml(good).replace(
            "</sheetData>",
            '<!-- --><x:row xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'r="1048576"><x:c r="XFD1048576" t="inlineStr"><x:is><x:t>x</x:t></x:is></x:c>'
            "</x:row></sheetData>",
        ),
    )
    (folder / "not-a-zip.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(4096))
    cases["not-a-zip.xlsx"] = "an old .xls (OLE) named .xlsx"
    write_zip(folder / "zip-not-xlsx.xlsx", [entry("readme.txt", "hello")])
    cases["zip-not-xlsx.xlsx"] = "a zip without a workbook"
    (folder / "truncated.xlsx").write_bytes((folder / "far-cell.xlsx").read_bytes()[:900])
    cases["truncated.xlsx"] = "half a file"
    return cases


def wrong_types_workbook(path):
    """Accepted by the intake: every column of the wrong type (the import names each)."""
    headers, row = household_rows()
    values = {
        "ปีงบประมาณ (พ.ศ.)": '<c r="{ref}" t="b"><v>1</v></c>',
        "รหัสหมู่บ้าน": '<c r="{ref}" t="e"><v>#DIV/0!</v></c>',
        "เลขประจำตัวประชาชน": '<c r="{ref}"><v>1e300</v></c>',
        "รายได้ก่อนเข้าร่วม (บาท/เดือน)": '<c r="{ref}" t="inlineStr"><is><t>NaN</t></is></c>',
        "โทรศัพท์": '<c r="{ref}"><v>-0.5</v></c>',
    }
    cells = []
    for column, header in enumerate(headers, start=1):
        ref = f"{column_letters(column)}2"
        if header in values:
            cells.append(values[header].format(ref=ref))
        elif row[column - 1]:
            cells.append(text_cell(ref, row[column - 1]))
    header_row = rows_xml([headers])
    workbook(path, sheet_xml(header_row + '<row r="2">' + "".join(cells) + "</row>"))


def malicious_csvs(folder):
    folder = Path(folder)
    headers, row = household_rows()
    line = ",".join(row) + "\n"
    (folder / "too-many-rows.csv").write_text(",".join(headers) + "\n" + line * 20_001)
    (folder / "too-many-columns.csv").write_text(",".join(headers + ["x"] * 100) + "\n" + line)
    (folder / "huge-field.csv").write_text(",".join(headers) + "\n" + "x" * 300_000 + "\n")
    return {
        "too-many-rows.csv": "20,001 rows",
        "too-many-columns.csv": "120 columns",
        "huge-field.csv": "a field of 300,000 characters",
    }


# ---- the child ----------------------------------------------------------------------------------


def read_in_child(folder, timeout=120):
    """Run this module as a child on ``folder``; return (exit code, parsed report or None)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "sammachip.settings_test"}
    process = subprocess.run(
        [sys.executable, "-m", "tests.fuzz.workbooks", str(folder)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=timeout,
        check=False,
    )
    report = None
    if process.returncode == 0 and process.stdout.strip():
        report = json.loads(process.stdout.decode().strip().splitlines()[-1])
    return process.returncode, report


def _peak_address_space():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmPeak:"):
                return int(line.split()[1]) * 1024
    return None


def _child(folder):
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_LIMIT, ADDRESS_SPACE_LIMIT))
    import django

    django.setup()
    from programs import spreadsheets

    csv_format = (
        getattr(spreadsheets, "CheckedCSV", None)
        or __import__("import_export.formats.base_formats", fromlist=["CSV"]).CSV
    )  # the stock reader, to show what the checks changed
    formats = {".xlsx": spreadsheets.CalamineXLSX(), ".csv": csv_format()}
    results = {}
    for path in sorted(Path(folder).iterdir()):
        data = path.read_bytes()
        try:
            dataset = formats[path.suffix].create_dataset(data)
        except Exception as error:  # a refusal, or reported so the parent's assertion names it
            refused = type(error).__name__ == "SpreadsheetRefused"
            results[path.name] = {"refused" if refused else "crashed": str(error)[:500]}
        else:
            results[path.name] = {"rows": len(dataset)}
        del data
    print(json.dumps({"results": results, "peak": _peak_address_space()}, ensure_ascii=False))


if __name__ == "__main__":
    _child(sys.argv[1])
