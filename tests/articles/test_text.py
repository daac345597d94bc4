"""Section text → blocks, and truncation on Thai grapheme clusters."""

from django.template.defaultfilters import truncatechars

from articles.legacy import parse_post
from articles.text import blocks, graphemes, truncate_graphemes


def test_sample_objectives_are_one_ordered_list(sample_text):
    result = blocks(parse_post(sample_text).sections["objectives"])
    assert [block.kind for block in result] == ["ol"]


def test_sample_objectives_have_eight_items(sample_text):
    result = blocks(parse_post(sample_text).sections["objectives"])
    assert len(result[0].items) == 8


def test_wrapped_line_stays_in_its_item(sample_text):
    item6 = blocks(parse_post(sample_text).sections["objectives"])[0].items[5]
    assert item6[-1].startswith("ก่อนการอบรม ระหว่างการอบรม")


def test_paragraph_text_is_a_paragraph():
    assert [b.kind for b in blocks("ข้อความธรรมดา\nบรรทัดสอง")] == ["p"]


def test_blank_line_then_text_ends_the_list():
    assert [b.kind for b in blocks("1. หนึ่ง\n2. สอง\n\nสรุปท้าย")] == ["ol", "p"]


def test_list_restarting_at_one_is_a_new_list():
    assert len(blocks("1. ก\n2. ข\n\n1. ค")) == 2


def test_thai_digits_number_a_list():
    assert blocks("๑. หนึ่ง\n๒. สอง")[0].items == [["หนึ่ง"], ["สอง"]]


def test_decimal_number_is_not_a_list_item():
    assert blocks("1.5 กิโลกรัม")[0].kind == "p"


def test_bullets_make_an_unordered_list():
    assert blocks("- ไม้ไผ่\n- เชือก")[0].kind == "ul"


def test_a_thai_syllable_with_tone_mark_is_one_cluster():
    assert graphemes("สร้าง") == ["ส", "ร้", "า", "ง"]


def test_sara_am_joins_its_consonant():
    assert graphemes("ทำ") == ["ทำ"]


def test_truncation_keeps_vowel_and_tone_mark_with_their_consonant():
    assert truncate_graphemes("ที่ดิน", 2) == "ที่…"


def test_django_truncatechars_splits_a_vowel_from_its_consonant():
    # The Thai-unaware result the helper exists to avoid: sara ii (ccc 0) counts as a character.
    assert truncatechars("ที่ดิน", 2) == "ท…"


def test_sara_am_is_not_counted_twice():
    assert truncate_graphemes("น้ำใจดีมาก", 3) == "น้ำใ…"


def test_short_text_is_unchanged():
    assert truncate_graphemes("น้ำ", 3) == "น้ำ"


def test_cut_text_has_the_requested_visible_length():
    assert len(graphemes(truncate_graphemes("ที่ทำการผู้ใหญ่บ้านหนองน้ำใส", 10))) == 10
