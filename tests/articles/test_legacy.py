"""The legacy-post parser (a pure function: no database)."""

import datetime

import pytest

from articles.legacy import LegacyFormatError, parse_address, parse_post


@pytest.fixture
def post(sample_text):
    return parse_post(sample_text)


def test_reads_the_category(post):
    assert post.category == "เทคนิคส่งเสริมสัมมาชีพ"


def test_reads_the_title(post):
    assert post.title == "เทคนิคการหนุนเสริมสัมมาชีพสู่การเป็น OTOP"


def test_reads_the_author(post):
    assert post.author_name == "นางประภาวดี ร่มเย็น"


def test_reads_the_position(post):
    assert post.author_position == "เจ้าหน้าที่พัฒนาชุมชน"


def test_date_is_bangkok_local_time(post):
    assert post.published_at.astimezone(datetime.UTC) == datetime.datetime(
        2017, 6, 21, 11, 3, 44, tzinfo=datetime.UTC
    )


def test_reads_the_address(post):
    assert post.address == "52 หมู่ที่ 11 ต.เพ็กใหญ่ อ.พล จ.ขอนแก่น"


def test_finds_all_six_sections(post):
    assert set(post.sections) == {
        "background",
        "objectives",
        "materials",
        "equipment",
        "process",
        "cautions",
    }


def test_process_without_space_before_arrow_is_read_and_empty(post):
    assert post.sections["process"] == ""


def test_empty_cautions_section(post):
    assert post.sections["cautions"] == ""


def test_lists_the_images_the_export_did_not_carry(post):
    assert post.images == ["image1", "image2", "image3"]


def test_image_placeholder_lines_are_not_text(post):
    assert all("image1" not in text for text in post.sections.values())


def test_footer_is_dropped(post):
    assert all("กรมการพัฒนาชุมชน กระทรวงมหาดไทย" not in text for text in post.sections.values())


def test_footer_contact_lines_are_dropped(post):
    assert all("Email" not in text for text in post.sections.values())


def test_misplaced_tone_mark_is_mended(post):
    assert "สร้างขวัญกำลังใจ" in post.sections["materials"]


def test_misplaced_tone_mark_is_gone(post):
    assert "สรา้ง" not in post.sections["materials"]


def test_nothing_unreadable_in_the_sample(post):
    assert post.unknown == {}


def test_crlf_gives_the_same_post(sample_text, post):
    assert parse_post(sample_text.replace("\n", "\r\n")) == post


def test_same_post_same_key(sample_text):
    assert parse_post(sample_text).key == parse_post(sample_text.replace("\n", "\r\n")).key


def test_unknown_heading_is_reported(sample_text):
    text = sample_text.replace("ข้อพึงระวัง ->", "เคล็ดลับ ->\nใช้น้ำสะอาด")
    assert parse_post(text).unknown == {"เคล็ดลับ": "ใช้น้ำสะอาด"}


def test_a_file_without_byline_is_refused():
    with pytest.raises(LegacyFormatError):
        parse_post("สวัสดี\nนี่ไม่ใช่โพสต์\n")


def test_an_impossible_date_is_refused(sample_text):
    with pytest.raises(LegacyFormatError):
        parse_post(sample_text.replace("2017-06-21", "2017-02-30"))


def test_address_subdistrict():
    assert parse_address("52 หมู่ที่ 11 ต.เพ็กใหญ่ อ.พล จ.ขอนแก่น").subdistrict == "เพ็กใหญ่"


def test_address_district():
    assert parse_address("52 หมู่ที่ 11 ต.เพ็กใหญ่ อ.พล จ.ขอนแก่น").district == "พล"


def test_address_moo():
    assert parse_address("52 หมู่ที่ 11 ต.เพ็กใหญ่ อ.พล จ.ขอนแก่น").moo == 11


def test_address_long_forms():
    parts = parse_address("ตำบลในเมือง อำเภอเมืองขอนแก่น จังหวัดขอนแก่น")
    assert (parts.subdistrict, parts.district) == ("ในเมือง", "เมืองขอนแก่น")


def test_address_district_office():
    assert parse_address("สำนักงานพัฒนาชุมชนอำเภอชุมแพ").district == "ชุมแพ"
