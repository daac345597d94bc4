"""The legacy post parser: any text gives a post or a LegacyFormatError (Thai), never another
exception; posts built in the legacy shape, and the real sample cut about, parse as expected."""

import datetime

from django.conf import settings
from hypothesis import given
from hypothesis import strategies as st
from pythainlp.util import normalize

from articles.legacy import (
    LegacyFormatError,
    LegacyPost,
    parse_address,
    parse_date,
    parse_post,
)

SAMPLE = (settings.BASE_DIR / "fixtures" / "legacy" / "khonkaen-otop-technique.txt").read_text(
    encoding="utf-8"
)
SAMPLE_LINES = SAMPLE.splitlines()
HEADINGS = [
    "ความเป็นมา/แรงบันดาลใจ/เหตุผลที่ทำ",
    "วัตถุประสงค์",
    "วัตถุดิบ (ถ้ามี)",
    "อุปกรณ์",
    "กระบวนการ/ขั้นตอน",
    "ข้อพึงระวัง",
    "หัวข้อที่ไม่รู้จัก",
    "รูปประกอบ",
]
thai_words = st.text(
    alphabet=st.characters(min_codepoint=0x0E01, max_codepoint=0x0E5B) | st.sampled_from(" .,0-9"),
    min_size=1,
    max_size=40,
)
line = st.one_of(
    st.text(max_size=80),
    thai_words,
    st.sampled_from(SAMPLE_LINES),
    st.sampled_from(HEADINGS).map(lambda h: f"{h} ->"),
    st.sampled_from(["image1", "image12", "IMAGE3", "->", " -> ", "โดย :", "ที่อยู่ :"]),
)


def parses_or_refuses(text):
    try:
        post = parse_post(text)
    except LegacyFormatError as error:
        assert str(error)
        return None
    assert isinstance(post, LegacyPost)
    assert post.title
    assert post.published_at.tzinfo is not None
    assert len(post.key) == 40
    return post


@given(st.text())
def test_any_text(text):
    parses_or_refuses(text)


@given(st.lists(line, max_size=40))
def test_lines_in_the_legacy_vocabulary(lines):
    parses_or_refuses("\n".join(lines))


@given(st.data())
def test_the_sample_cut_about(data):
    lines = list(SAMPLE_LINES)
    for _ in range(data.draw(st.integers(0, 6))):
        action = data.draw(st.sampled_from(["drop", "duplicate", "swap", "insert", "crlf"]))
        if not lines:
            break
        at = data.draw(st.integers(0, len(lines) - 1))
        if action == "drop":
            del lines[at]
        elif action == "duplicate":
            lines.insert(at, lines[at])
        elif action == "swap":
            other = data.draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif action == "insert":
            lines.insert(at, data.draw(line))
        else:
            lines[at] += "\r"
    parses_or_refuses("\n".join(lines))


def readable(text):
    """Text that is still there once normalised (a lone tone mark is not), with no arrow."""
    return bool(normalize(text).strip()) and "->" not in text


@st.composite
def legacy_posts(draw):
    """A post in the legacy shape with known parts."""
    category = draw(thai_words.map(str.strip).filter(readable))
    title = draw(thai_words.map(str.strip).filter(readable))
    when = draw(
        st.datetimes(
            min_value=datetime.datetime(2000, 1, 1), max_value=datetime.datetime(2090, 12, 31)
        )
    ).replace(microsecond=0)
    year = when.year + (543 if draw(st.booleans()) else 0)
    stamp = f"{year:04d}-{when.month:02d}-{when.day:02d}-{when:%H:%M:%S}"
    body = draw(thai_words.map(str.strip).filter(readable))
    text = "\n".join(
        [
            category,
            "image1",
            title,
            f"โดย : นายทดสอบ ระบบ ตำแหน่ง : นักวิชาการ วันที่ : {stamp}",
            "ที่อยู่ : 52 หมู่ที่ 11 ต.เพ็กใหญ่ อ.พล จ.ขอนแก่น",
            "วัตถุประสงค์ ->",
            body,
            "รูปประกอบ -> image1 image2",
            "เว็บไซต์สัมมาชีพชุมชนจังหวัดขอนแก่น",
            "ลิขสิทธิ์",
        ]
    )
    return text, category, title, when, body


@given(legacy_posts())
def test_a_post_in_the_legacy_shape_reads_back(example):
    text, category, title, when, body = example
    post = parses_or_refuses(text)
    assert post is not None
    assert post.category == normalize(category).strip()
    assert post.title == normalize(title).strip()
    assert post.published_at.replace(tzinfo=None) == when
    assert post.sections["objectives"] == normalize(body).strip()
    assert post.images == ["image1", "image2"]
    assert post.address.startswith("52 หมู่ที่ 11")


@given(st.text())
def test_dates_parse_or_refuse(text):
    try:
        value = parse_date(text)
    except LegacyFormatError:
        return
    assert value.tzinfo is not None


@given(st.one_of(st.text(), thai_words, st.sampled_from(SAMPLE_LINES), st.none()))
def test_addresses_never_fail(text):
    parts = parse_address(text)
    assert parts.moo is None or 0 <= parts.moo <= 99
