"""Hardening round 2, the household export (issue 13, items 10, 11, 17 and 18): bad parameters
answer like the changelist, the export log never keeps a full citizen ID however it was
written, the export is a CSRF-checked POST (a GET writes nothing), and full-width formula signs
are escaped in every CSV like their ASCII forms."""

import csv
import io
import re
import unicodedata
from urllib.parse import urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programs import spreadsheets
from programs.models import ExportLog, Household
from programs.resources import HouseholdResource, unescape_formula
from sammachip import citizen_id
from sammachip.citizen_id.text import ascii_digits, mask_citizen_ids
from sammachip.spreadsheet import spreadsheet_safe, spreadsheet_unescaped
from tests.fuzz.profiles import examples
from tests.programs.factories import make_household, make_occupation
from villages.models import District

pytestmark = pytest.mark.django_db

HOUSEHOLDS = "/admin/programs/household/"
EXPORT = HOUSEHOLDS + "export/"
HYPOTHESIS = settings(
    max_examples=examples(60),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def post_export(client, query=None, **body):
    """The export as the changelist's button sends it: filters in the query string, the format
    in the body."""
    url = EXPORT + ("?" + urlencode(query or {}) if query else "")
    return client.post(url, {"_format": "csv", **body})


def csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def exports(programme):
    make_occupation("ทอผ้าไหม")
    return programme


# ---- item 10: bad parameters ------------------------------------------------------------------


@pytest.mark.parametrize("page", ["99999", "0", "-1", "x"])
def test_an_out_of_range_page_exports_the_whole_filtered_list(province_client, exports, page):
    """Item 10: ``?p=99999`` (or ``p=0``) made the export answer 500; a page means nothing to
    an export, which writes every row of the filtered list."""
    response = post_export(province_client, {"p": page})
    assert response.status_code == 200
    assert len(csv_rows(response)) == 1 + Household.objects.count()
    assert ExportLog.objects.get().row_count == Household.objects.count()


@pytest.mark.parametrize(
    "query",
    [{"occupation__id__exact": "abc"}, {"village__id__exact": "x"}, {"fiscal_year__gt": "y"}],
)
def test_a_bad_lookup_redirects_like_the_changelist(province_client, exports, query):
    """Item 10: ``?occupation__id__exact=abc`` made the export answer 500; like the changelist
    it now redirects to the list with ``?e=1``, and nothing is exported or recorded."""
    changelist = province_client.get(HOUSEHOLDS, query)
    response = post_export(province_client, query)
    assert response.status_code == 302
    assert response["Location"] == changelist["Location"] == HOUSEHOLDS + "?e=1"
    assert not ExportLog.objects.exists()


# ---- item 11: no full ID in the export log ----------------------------------------------------

DIGIT_SCRIPTS = [
    "0123456789",
    "๐๑๒๓๔๕๖๗๘๙",  # Thai
    "０１２３４５６７８９",  # full-width
    "٠١٢٣٤٥٦٧٨٩",  # Arabic-Indic
]
SEPARATORS = [
    " ",
    "-",
    ".",
    "\u00a0",  # NBSP
    "\u202f",  # narrow NBSP
    "\u200b",  # zero-width space
    "\u3000",  # ideographic space
    "\u2010",  # hyphen
    "\u2013",  # en dash
    "\u2212",  # minus sign
    "\uff0d",  # full-width hyphen-minus
    "\u30fb",  # katakana middle dot
    "/",
    "_",
    " - ",
    "..",
]
GROUPINGS = [(1, 4, 5, 2, 1), (13,), (1,) * 13, (3, 3, 3, 4), (6, 7)]

valid_ids = st.tuples(
    st.sampled_from("12345678"), st.text(alphabet="0123456789", min_size=11, max_size=11)
).map(lambda parts: citizen_id.with_check_digit("".join(parts)))


@st.composite
def written_ids(draw):
    """A valid ID as a person may type it: any digit script (even mixed), any grouping, any
    separators between the groups."""
    number = draw(valid_ids)
    grouping = draw(st.sampled_from(GROUPINGS))
    digits = [DIGIT_SCRIPTS[draw(st.sampled_from(range(4)))][int(d)] for d in number]
    groups, start = [], 0
    for size in grouping:
        groups.append("".join(digits[start : start + size]))
        start += size
    text = groups[0]
    for group in groups[1:]:
        text += draw(st.sampled_from(SEPARATORS)) + group
    return number, text


def assert_masked(text, number):
    assert number not in ascii_digits(text), text
    assert number not in text


@HYPOTHESIS
@given(
    written_ids(),
    st.sampled_from(["", "ค้นหา ", "q=", "2568 "]),
    st.sampled_from(["", " ", ".", " x"]),
)
def test_every_writing_of_an_id_is_masked(written, before, after):
    """Item 11: an ID written with dots, NBSP, Thai or full-width digits, dashes of any kind (a
    valid-checksum ID generated here) is shown masked, never in full, wherever it stands."""
    number, text = written
    masked = mask_citizen_ids(before + text + after)
    assert_masked(masked, number)
    assert len(ascii_digits(masked)) <= 6 + len(ascii_digits(before))  # a mask shows 6 digits
    if not ascii_digits(before):
        assert citizen_id.mask(number) in masked


@HYPOTHESIS
@given(written=written_ids())
def test_the_export_log_never_keeps_a_full_id(province_client, exports, written):
    """Item 11: an export with ``q=4 2522 61432 97 7`` (dots, NBSP, Thai digits, …) recorded the
    number unmasked in ``ExportLog.filters``."""
    number, text = written
    ExportLog.objects.all().delete()
    response = post_export(province_client, {"q": text, "status__exact": "target"})
    assert response.status_code == 200
    log = ExportLog.objects.get()
    assert_masked(log.filters, number)
    assert "status__exact=target" in log.filters


@pytest.mark.parametrize(
    "writing",
    [
        "{0} {1} {2} {3} {4}",
        "{0}.{1}.{2}.{3}.{4}",
        "{0}\u00a0{1}\u00a0{2}\u00a0{3}\u00a0{4}",
        "{0}-{1}-{2}-{3}-{4}",
        "{0}{1}{2}{3}{4}",
    ],
)
@pytest.mark.parametrize("thai", [False, True])
def test_an_export_searching_a_stored_id_finds_it_and_logs_it_masked(
    province_client, exports, writing, thai
):
    """Item 11: the search still finds the household by its full ID; the log shows the mask."""
    household = exports["phon"]["household"]
    n = household.citizen_id
    text = writing.format(n[0], n[1:5], n[5:10], n[10:12], n[12])
    if thai:
        text = text.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    response = post_export(province_client, {"q": text})
    rows = csv_rows(response)
    row_id = rows[0].index("รหัสรายการ")
    assert [row[row_id] for row in rows[1:]] == [str(household.pk)]
    log = ExportLog.objects.get()
    assert_masked(log.filters, n)
    assert household.citizen_id_masked in log.filters


def test_a_number_longer_than_an_id_is_not_kept_either():
    """Item 11: an ID with a stray digit typed on is not kept in full in the record."""
    assert mask_citizen_ids("q=14252261432977") == "q=" + "x" * 14


# ---- item 17: a CSRF-checked POST -------------------------------------------------------------


def test_a_get_writes_nothing_and_offers_the_buttons_in_thai(province_client, exports):
    """Item 17: the export was a GET that wrote an export-log row (a link, a prefetch or an
    image tag could export); a GET now answers 405 with a Thai page offering the POST buttons."""
    response = province_client.get(EXPORT, {"_format": "csv", "status__exact": "target"})
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert not ExportLog.objects.exists()
    html = response.content.decode()
    assert "ส่งออก" in html
    assert 'method="post"' in html
    assert f'action="{EXPORT}?status__exact=target"' in html
    assert "csrfmiddlewaretoken" in html


def test_a_get_with_a_full_id_is_sent_to_the_masked_search_first(province_client, exports):
    """Item 17: the page a GET answers never carries a full ID in its buttons or links."""
    household = exports["phon"]["household"]
    response = province_client.get(EXPORT, {"q": household.citizen_id}, follow=True)
    assert response.status_code == 405
    assert household.citizen_id not in response.redirect_chain[-1][0]
    assert household.citizen_id not in response.content.decode()
    assert household.citizen_id_masked in response.content.decode()
    assert not ExportLog.objects.exists()


def test_a_post_without_the_csrf_token_is_refused(province_staff, exports):
    """Item 17: a cross-site form cannot make an export."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(province_staff)
    assert post_export(client).status_code == 403
    assert not ExportLog.objects.exists()


def test_the_changelist_buttons_post_the_filters_with_the_token(province_staff, exports):
    """Item 17: the list's buttons are forms that POST (with the CSRF token) the list's filters
    and search; the export answers the file and records it once."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(province_staff)
    page = client.get(HOUSEHOLDS, {"status__exact": "target", "q": "ครัวเรือนphon"})
    html = page.content.decode()
    forms = re.findall(r'<form[^>]*action="([^"]*/export/[^"]*)"[^>]*>(.*?)</form>', html, re.S)
    formats = {re.search(r'name="_format" value="(\w+)"', body).group(1) for _a, body in forms}
    assert formats == {"xlsx", "csv"}
    action, body = next(form for form in forms if 'value="csv"' in form[1])
    assert 'method="post"' in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', body))
    assert fields["_format"] == "csv"
    response = client.post(action.replace("&amp;", "&"), {**fields, "csrfmiddlewaretoken": token})
    assert response.status_code == 200
    header, *rows = csv_rows(response)
    assert [row[header.index("ชื่อ")] for row in rows] == ["ครัวเรือนphon"]
    log = ExportLog.objects.get()
    assert "status__exact=target" in log.filters
    assert log.file_format == "csv"


def test_the_full_id_button_is_a_post_too(province_client, exports):
    """Item 17: the full-ID export (the most sensitive one) is a form as well."""
    html = province_client.get(HOUSEHOLDS).content.decode()
    assert '<input type="hidden" name="_full_ids" value="1">' in html
    assert "_full_ids" not in "".join(re.findall(r'href="([^"]*)"', html))
    response = post_export(province_client, _format="xlsx", _full_ids="1")
    assert response.status_code == 200
    assert ExportLog.objects.get().full_ids


# ---- item 18: full-width formula signs --------------------------------------------------------

FULL_WIDTH = ["＝1+1", "＋1", "﹦1", "－1", "＠x", "﹢1", "﹣1", "﹫x", "⁼1", "₊1"]


@pytest.mark.parametrize("text", [*FULL_WIDTH, "=1+1", "+1", "-1", "@x", "\t=1", "\r=1"])
def test_full_width_formula_signs_are_escaped_like_ascii(text):
    """Item 18: ``＝1+1``, ``＋1``, ``﹦1`` reached the CSV unescaped; after NFKC they are
    formulas."""
    assert spreadsheet_safe(text) == "'" + text
    assert spreadsheet_unescaped("'" + text) == text  # a re-import reads the text back
    assert unescape_formula("'" + text) == text


@pytest.mark.parametrize("value", ["ทอผ้า", "1=1", "'=x", "", "(1)", 5, -5, None])
def test_other_text_and_numbers_are_left_alone(value):
    """Item 18: only what starts like a formula is touched; a negative number stays a number."""
    assert spreadsheet_safe(value) == value


SIGNS = "=+-@\t\r＝＋－＠﹦﹢﹣﹫⁼⁺⁻₌₊₋"


@HYPOTHESIS
@given(
    st.one_of(
        st.text(max_size=8), st.tuples(st.sampled_from(SIGNS), st.text(max_size=6)).map("".join)
    )
)
def test_spreadsheet_safe_text_never_starts_like_a_formula(text):
    """Item 18: whatever the text, the cell's first character, as typed or after NFKC, is never
    a formula sign."""
    safe = spreadsheet_safe(text)
    first = safe[:1]
    assert first not in ("=", "+", "-", "@", "\t", "\r")
    assert not unicodedata.normalize("NFKC", first).startswith(("=", "+", "-", "@", "\t", "\r"))
    assert safe in (text, "'" + text)


def test_the_household_csv_escapes_full_width_signs(province_client, exports):
    """Item 18: in a real export, a name typed with a full-width ``＝`` gets the apostrophe."""
    village = exports["phon"]["village"]
    make_household(village=village, first_name="＝HYPERLINK(1)", last_name="＋ลบ")
    rows = csv_rows(post_export(province_client))
    header = rows[0]
    row = next(r for r in rows if "HYPERLINK" in r[header.index("ชื่อ")])
    assert row[header.index("ชื่อ")] == "'＝HYPERLINK(1)"
    assert row[header.index("นามสกุล")] == "'＋ลบ"


def test_the_writer_and_the_stats_csv_share_the_one_rule():
    """Item 18: the household CSV's and ``/stats/csv``'s escaping is one function."""
    from sammachip.portal import views

    assert spreadsheets.escape_csv_cell is spreadsheet_safe
    assert views.spreadsheet_safe is spreadsheet_safe
    assert not hasattr(views, "_csv_text")


@pytest.mark.parametrize("name", ["\t=1+1", "\r=1", "＝1+1", "﹦1"])
def test_the_stats_csv_escapes_tab_cr_and_full_width(client, two_districts, name):
    """Item 18: ``/stats/csv`` missed tab and CR (and full-width signs) at the start of a text."""
    make_household(village=two_districts["phon"], fiscal_year=2568)
    District.objects.filter(code="4012").update(name_th=name)
    response = client.get("/stats/csv?fiscal_year=2568")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    row = next(r for r in rows if len(r) > 1 and r[1] == "4012")
    assert row[2] == "'" + name


def test_the_import_reads_an_escaped_full_width_name_back(phon_officer, exports):
    """Item 18: a re-import of an export does not keep the apostrophe the export added."""
    widget = HouseholdResource.fields["first_name"].widget
    assert widget.clean("'＝HYPERLINK(1)") == "＝HYPERLINK(1)"


def test_an_id_written_with_dots_and_ending_in_zero_keeps_its_last_digit():
    """Item 11: ``1.0000.00000.05.0`` is 13 digits; only a float's own ``….0`` is dropped."""
    from sammachip import citizen_id

    assert citizen_id.normalize("1.0000.00000.05.0") == "1000000000050"
    assert citizen_id.normalize("1000000000050.0") == "1000000000050"
    assert citizen_id.normalize(1000000000050.0) == "1000000000050"


def test_a_refused_csrf_token_is_a_thai_page(province_staff):
    """Item 17: the export now depends on the CSRF token; a stale one gets a Thai page, not
    Django's English "CSRF verification failed"."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(province_staff)
    response = client.post("/admin/programs/household/export/", {"_format": "csv"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "แบบฟอร์มหมดอายุ" in html
    assert "CSRF verification failed" not in html
