"""Plain text of article sections → blocks a template renders (escaped), and Thai-safe truncation.

Editors type plain text (the legacy posts are plain text too): no HTML is ever stored or rendered
from it. ``blocks()`` recognises numbered lines (``1.``, ``2)``, ``๓.``) and bullets (``-``, ``•``)
as lists; a line that follows an item without a blank line is part of that item (a wrapped line);
a blank line between two numbered items does not end the list.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from sammachip.thaidate import THAI_DIGITS

NUMBERED = re.compile(r"^\s*([0-9๐-๙]{1,3})\s*[.)](?:\s+(.*))?$")
BULLET = re.compile(r"^\s*[-•*·]\s+(.*)$")


@dataclass
class Block:
    kind: str  # "p", "ol" or "ul"
    lines: list = field(default_factory=list)  # "p": its lines
    items: list = field(default_factory=list)  # lists: each item a list of lines
    start: int = 1


@dataclass
class Section:
    field: str
    heading: str
    blocks: list


def _numbered(line):
    match = NUMBERED.match(line)
    if not match:
        return None
    return int(match.group(1).translate(THAI_DIGITS)), (match.group(2) or "").strip()


def blocks(value):
    """Split a section's text into paragraphs and lists (see module doc)."""
    result = []
    current = None  # the block being filled
    after_blank = False
    for raw in (value or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip()
        if not line:
            after_blank = True
            continue
        numbered = _numbered(line)
        bullet = None if numbered else BULLET.match(line)
        if numbered:
            number, item = numbered
            continues = (
                current is not None
                and current.kind == "ol"
                and number == current.start + len(current.items)
            )
            if not continues:
                current = Block("ol", start=number)
                result.append(current)
            current.items.append([item] if item else [])
        elif bullet:
            if current is None or current.kind != "ul":
                current = Block("ul")
                result.append(current)
            current.items.append([bullet.group(1).strip()])
        elif current is not None and current.kind in ("ol", "ul") and not after_blank:
            current.items[-1].append(line)  # a wrapped line stays in its item
        elif current is not None and current.kind == "p" and not after_blank:
            current.lines.append(line)
        else:
            current = Block("p", lines=[line])
            result.append(current)
        after_blank = False
    return result


def attaches(char, previous):
    """Whether ``char`` belongs to the cluster of the character before it (``previous``)."""
    return (
        unicodedata.category(char) in ("Mn", "Mc", "Me")
        or char in "\u0e33\u0eb3\u200d"
        or previous == "\u200d"
    )


def graphemes(value):
    """Split text into user-perceived characters: a base character with the combining marks
    (Thai vowels above/below, tone marks), SARA AM and joiners that follow it."""
    clusters = []
    previous = ""
    for char in value:
        if clusters and attaches(char, previous):
            clusters[-1] += char
        else:
            clusters.append(char)
        previous = char
    return clusters


def truncate_graphemes(value, length, ellipsis="…"):
    """At most ``length`` user-perceived characters, ending in ``ellipsis`` when cut; never
    splits a tone mark or vowel from its consonant. Reads only as far as it needs (a card's
    summary of a long section is cut after ~160 characters, not after splitting it all)."""
    value = value or ""
    if len(value) <= length:  # a cluster is at least one character
        return value
    keep = max(length - len(ellipsis), 0)
    count, cut, previous = 0, 0, ""
    for index, char in enumerate(value):
        if index == 0 or not attaches(char, previous):
            count += 1  # a cluster starts here
            if count == keep + 1:
                cut = index
            if count > length:
                return value[:cut].rstrip() + ellipsis
        previous = char
    return value
