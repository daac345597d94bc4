"""Done when (issue 13): the importer is fed generated malicious workbooks (huge dimensions, far
cells, zip bombs, many entries, deep XML, DOCTYPE and entities, UTF-16, wrong types, files that
are not xlsx, CSV over the limits). Each is read in a child process under an address-space
limit of 512 MiB (``resource.RLIMIT_AS``; tracemalloc cannot see the Rust reader's allocations,
and calamine aborts the process at the limit): the child survives every file (exit 0) and every
malicious one is refused with a Thai message. Then through the admin: the same Thai message,
nothing saved, no upload left waiting."""

import re

import pytest

from programs.models import Household, PendingImport
from sammachip.spreadsheet_intake import SNIFFED_BYTES, SpreadsheetRefused, sniff_spreadsheet
from tests.fuzz import workbooks
from tests.programs.test_excel import admin_import

pytestmark = pytest.mark.django_db

THAI = re.compile(r"[\u0e00-\u0e7f]")
# The only Latin words a refusal may hold: the names of the formats the officer saves as.
LATIN_ALLOWED = {"Excel", "Workbook", "xlsx", "CSV", "UTF", "Comma", "delimited", "MB"}
TOO_LARGE = "ไฟล์ใหญ่เกินกว่าที่ระบบรับได้"
SIZE_CASES = {
    "far-cell.xlsx",
    "far-row.xlsx",
    "huge-dimension.xlsx",
    "rows-without-references.xlsx",
    "zip-bomb.xlsx",
    "shared-strings-bomb.xlsx",
    "many-entries.xlsx",
    "utf16-sheet.xlsx",
    "prefixed-far-cell.xlsx",
    "too-many-rows.csv",
    "too-many-columns.csv",
}


@pytest.fixture(scope="module")
def read(tmp_path_factory, django_db_blocker):
    folder = tmp_path_factory.mktemp("workbooks")
    cases = {**workbooks.malicious_workbooks(folder), **workbooks.malicious_csvs(folder)}
    workbooks.wrong_types_workbook(folder / "wrong-types.xlsx")
    code, report = workbooks.read_in_child(folder)
    return {"folder": folder, "cases": cases, "code": code, "report": report}


def test_the_child_survives_every_file_within_the_limit(read):
    assert read["code"] == 0
    assert read["report"]["peak"] < workbooks.ADDRESS_SPACE_LIMIT
    assert set(read["report"]["results"]) == {*read["cases"], "wrong-types.xlsx"}


def test_every_malicious_file_is_refused_in_thai(read):
    assert read["code"] == 0
    for name, what in read["cases"].items():
        outcome = read["report"]["results"][name]
        assert "refused" in outcome, (name, what, outcome)
        message = outcome["refused"]
        assert THAI.search(message)
        assert set(re.findall(r"[A-Za-z]+", message)) <= LATIN_ALLOWED, (name, message)
        assert "ยังไม่ได้บันทึกข้อมูลใด" in message
        if name in SIZE_CASES:
            assert message.startswith(TOO_LARGE), (name, message)


def test_wrong_types_pass_the_intake_and_are_named_row_by_row(read, phon_client, programme):
    assert read["report"]["results"]["wrong-types.xlsx"] == {"rows": 1}
    content = (read["folder"] / "wrong-types.xlsx").read_bytes()
    response = admin_import(phon_client, content, name="wrong-types.xlsx")
    html = response.content.decode()
    assert "ข้อมูลแถวที่ 1 (แถว 2 ในไฟล์ Excel)" in html
    assert "ปีงบประมาณ (พ.ศ.): " in html
    assert "เลขประจำตัวประชาชน: " in html
    assert "Traceback" not in html
    assert response.context.get("confirm_form") is None
    assert not Household.objects.filter(first_name="ฟัซ").exists()


def test_through_the_admin_nothing_is_saved(read, phon_client, programme):
    assert read["code"] == 0  # only once the child has shown the intake survives them all
    before = Household.objects.count()
    for name in read["cases"]:
        content = (read["folder"] / name).read_bytes()
        response = admin_import(phon_client, content, name=name)
        if response.status_code == 302:  # big enough for a background job: its page says why
            response = phon_client.get(response["Location"])
            assert "ยืนยันนำเข้า" not in response.content.decode(), name
        assert response.status_code == 200, name
        # The upload form reads the file's kind from its first bytes and refuses some (an old
        # .xls) in its own words before any reader; the others are the reader's refusal.
        try:
            sniff_spreadsheet(content[:SNIFFED_BYTES], name=name)
            expected = read["report"]["results"][name]["refused"]
        except SpreadsheetRefused as refusal:
            expected = str(refusal)
        assert expected in response.content.decode(), name
        assert response.context.get("confirm_form") is None
    assert Household.objects.count() == before
    assert not PendingImport.objects.exists()
