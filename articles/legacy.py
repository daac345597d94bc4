"""Parser of posts exported from the legacy provincial sites (pure functions, no database).

The export of one post looks like this (see ``fixtures/legacy/``)::

    <category label>
    image1                                  ← placeholders where the images were
    <title>
    โดย : <name> ตำแหน่ง : <position> วันที่ : 2017-06-21-18:03:44   ← local Asia/Bangkok time
    ที่อยู่ : <address>
    <section heading> ->                    ← every section, the arrow with or without a space
    <text...>
    รูปประกอบ -> image1 image2 image3        ← the images the post had (the files are not exported)
    เว็บไซต์สัมมาชีพชุมชนจังหวัด…              ← the site footer, dropped with all that follows

``parse_post`` returns a ``LegacyPost`` or raises ``LegacyFormatError`` (Thai message).
``parse_address`` reads หมู่ที่ / ตำบล / อำเภอ / จังหวัด out of a free-text address.
"""

import datetime
import hashlib
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from pythainlp.util import normalize

from sammachip import thaidate

LOCAL_TIME = ZoneInfo("Asia/Bangkok")
FOOTER_START = "เว็บไซต์สัมมาชีพชุมชนจังหวัด"
IMAGE_LIST_LABEL = "รูปประกอบ"

# Section headings of the legacy site (spaces removed) → Article fields.
SECTION_LABELS = {
    "ความเป็นมา/แรงบันดาลใจ/เหตุผลที่ทำ": "background",
    "ความเป็นมา": "background",
    "วัตถุประสงค์": "objectives",
    "วัตถุดิบ(ถ้ามี)": "materials",
    "วัตถุดิบ": "materials",
    "อุปกรณ์": "equipment",
    "กระบวนการ/ขั้นตอน": "process",
    "ขั้นตอน": "process",
    "ข้อพึงระวัง": "cautions",
}

PLACEHOLDER = re.compile(r"^image\d+$", re.IGNORECASE)
SECTION = re.compile(r"^(?P<label>[^:]+?)\s*->\s*(?P<rest>.*)$")
BYLINE = re.compile(
    r"^โดย\s*:\s*(?P<name>.*?)\s*ตำแหน่ง\s*:\s*(?P<position>.*?)\s*"
    r"วันที่\s*:\s*(?P<date>\S+)\s*$"
)
ADDRESS = re.compile(r"^ที่อยู่\s*:\s*(?P<address>.*)$")
DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[-T ](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


class LegacyFormatError(ValueError):
    """The text is not a legacy post (message in Thai)."""


@dataclass
class LegacyPost:
    category: str
    title: str
    author_name: str
    author_position: str
    published_at: datetime.datetime
    address: str
    sections: dict  # field → text ('' for a section present but empty)
    images: list = field(default_factory=list)  # names in the รูปประกอบ line
    placeholders: list = field(default_factory=list)  # image lines found in the body
    unknown: dict = field(default_factory=dict)  # heading → text of sections not understood
    skipped: list = field(default_factory=list)  # other lines that could not be placed

    @property
    def key(self):
        """A stable identity of the post: its title and date (the export has no URL)."""
        identity = f"{' '.join(self.title.split())}|{self.published_at.isoformat()}"
        return hashlib.sha256(identity.encode()).hexdigest()[:40]


def _label_key(label):
    return "".join(label.split())


def clean_text(value):
    """Unix newlines, no BOM, Thai normalised (misplaced tone marks, doubled vowels)."""
    value = value.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(normalize(line).rstrip() for line in value.split("\n"))


def parse_date(value):
    """``2017-06-21-18:03:44`` (local time; a year above 2400 is BE) → an aware datetime."""
    match = DATE.match(value.strip())
    if not match:
        raise LegacyFormatError(f"อ่านวันที่ “{value}” ไม่ได้ (ต้องเป็น ปปปป-ดด-วว-ชช:นน:วว)")
    year, month, day, hour, minute, second = (int(part or 0) for part in match.groups())
    try:
        return datetime.datetime(
            thaidate.ce_year(year), month, day, hour, minute, second, tzinfo=LOCAL_TIME
        )
    except ValueError as error:
        raise LegacyFormatError(f"วันที่ “{value}” ไม่มีอยู่จริง") from error


def _section_text(lines):
    """Trim blank lines at both ends and squeeze runs of blank lines to one."""
    out = []
    for line in lines:
        line = line.strip()
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def parse_post(raw):
    """Parse the text of one exported post (see module doc)."""
    text = clean_text(raw)
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if line.strip().startswith(FOOTER_START):
            lines = lines[:index]
            break

    byline_at = next((i for i, line in enumerate(lines) if BYLINE.match(line.strip())), None)
    if byline_at is None:
        raise LegacyFormatError("ไม่พบบรรทัด “โดย : … ตำแหน่ง : … วันที่ : …” ไฟล์นี้ไม่ใช่โพสต์จากเว็บไซต์เดิม")
    byline = BYLINE.match(lines[byline_at].strip())

    placeholders = []
    head = []
    for line in lines[:byline_at]:
        line = line.strip()
        if PLACEHOLDER.match(line):
            placeholders.append(line)
        elif line:
            head.append(line)
    if len(head) < 2:
        raise LegacyFormatError("ไม่พบหมวดหรือชื่อเรื่องก่อนบรรทัด “โดย :”")
    category, title = head[0], head[-1]
    skipped = head[1:-1]

    address = ""
    sections = {}
    unknown = {}
    images = []
    current = None  # (kind, key, lines)
    blocks = []
    for line in lines[byline_at + 1 :]:
        stripped = line.strip()
        address_match = ADDRESS.match(stripped) if current is None else None
        section_match = SECTION.match(stripped)
        if address_match:
            address = address_match.group("address").strip()
        elif section_match:
            label = section_match.group("label").strip()
            rest = section_match.group("rest").strip()
            if _label_key(label) == IMAGE_LIST_LABEL:
                images.extend(rest.split())
                current = None
                continue
            current = (label, [rest] if rest else [])
            blocks.append(current)
        elif current is not None:
            current[1].append(stripped)
        elif PLACEHOLDER.match(stripped):
            placeholders.append(stripped)
        elif stripped:
            skipped.append(stripped)

    for label, body in blocks:
        key = SECTION_LABELS.get(_label_key(label))
        body_text = _section_text(body)
        if key is None:
            unknown[label] = body_text
        elif sections.get(key):
            sections[key] += "\n\n" + body_text  # a heading repeated: keep both texts
        else:
            sections[key] = body_text

    return LegacyPost(
        category=category,
        title=title,
        author_name=byline.group("name").strip(),
        author_position=byline.group("position").strip(),
        published_at=parse_date(byline.group("date")),
        address=address,
        sections=sections,
        images=images,
        placeholders=placeholders,
        unknown=unknown,
        skipped=skipped,
    )


@dataclass
class AddressParts:
    moo: int | None = None
    subdistrict: str = ""
    district: str = ""
    province: str = ""


_WORD = r"([^\s\d.,()]+)"
ADDRESS_PATTERNS = {
    "subdistrict": re.compile(r"(?:ต\.|ตำบล)\s*" + _WORD),
    "district": re.compile(r"(?:สำนักงานพัฒนาชุมชนอำเภอ|อ\.|อำเภอ)\s*" + _WORD),
    "province": re.compile(r"(?:จ\.|จังหวัด)\s*" + _WORD),
}
MOO = re.compile(r"(?:หมู่ที่|หมู่|ม\.)\s*([0-9๐-๙]{1,2})")


def parse_address(address):
    """``52 หมู่ที่ 11 ต.เพ็กใหญ่ อ.พล จ.ขอนแก่น`` → moo 11, เพ็กใหญ่, พล, ขอนแก่น.

    Also reads ``ตำบล…``/``อำเภอ…``/``จังหวัด…`` and an office such as
    ``สำนักงานพัฒนาชุมชนอำเภอพล``. Parts not found are left empty."""
    address = normalize(address or "")
    parts = AddressParts()
    for name, pattern in ADDRESS_PATTERNS.items():
        match = pattern.search(address)
        if match:
            setattr(parts, name, match.group(1))
    moo = MOO.search(address)
    if moo:
        parts.moo = int(thaidate.arabic_digits(moo.group(1)))
    return parts
