"""Citizen IDs inside free text: finding every ID-like token, and masking it.

An ID-like token (``sub_citizen_ids``) is 13 digits of any script (Arabic, Thai ``๔``,
full-width ``４``…) in whole groups, with or without separators between the groups (spaces of any
width, NBSP, zero-width spaces, dots, dashes of any kind, slashes, underscores, ``+``):
``4 2522 61432 97 7``, ``4.2522.61432.97.7``, ``๔-๒๕๒๒-…``. A group of 14 digits is not an ID;
``0812345678 2568`` is not one either. ``replace_ids`` writes ``[13 หลัก]`` in their place (log
lines: ``MaskCitizenIds`` is the console handler's filter); ``mask_citizen_ids`` shows them
masked (the filters an export records).
"""

import logging
import re
import unicodedata

from sammachip import citizen_id
from sammachip.citizen_id import ID_LENGTH

# Between two groups of digits: 1 to 3 of these. ``\s`` is every Unicode space (NBSP, thin,
# ideographic); then the invisible ones, dots, dashes and minus signs, slash, underscore, plus.
SEPARATOR = (
    r"[\s\u00ad\u200b-\u200d\u2060\ufeff"
    r".\u00b7\u2022\u2024\u2027\u2219\u22c5\u30fb\uff0e\uff61\uff65"
    r"\-\u2010-\u2015\u2043\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d"
    r"/\uff0f_\uff3f+\uff0b]"
)
DIGIT_RUN_RE = re.compile(rf"\d+(?:{SEPARATOR}{{1,3}}\d+)*")  # \d: a decimal digit of any script
DIGIT_GROUP_RE = re.compile(r"\d+")
REPLACEMENT = "[13 หลัก]"


def ascii_digits(text):
    """The decimal digits of ``text`` (any script) as ASCII digits, everything else dropped."""
    return "".join(str(unicodedata.decimal(ch)) for ch in text if ch.isdecimal())


def sub_citizen_ids(text, replace, *, strict=False):
    """``text`` with every ID-like token replaced by ``replace(thirteen_ascii_digits)``.

    In each run of digit groups joined by separators, every sequence of whole groups that holds
    exactly 13 digits is a token (left to right, not overlapping). ``strict``: in a run of 13
    digits or more, the digits outside the tokens become ``x`` too (a number typed next to an ID
    could otherwise carry some of its digits)."""

    def rest(part):
        return DIGIT_GROUP_RE.sub(lambda g: "x" * len(g.group(0)), part) if strict else part

    def in_run(match):
        run = match.group(0)
        groups = [(g.start(), g.end()) for g in DIGIT_GROUP_RE.finditer(run)]
        if sum(end - start for start, end in groups) < ID_LENGTH:
            return run
        parts, done, first = [], 0, 0
        while first < len(groups):
            count, last = 0, first
            while last < len(groups):
                count += groups[last][1] - groups[last][0]
                if count >= ID_LENGTH:
                    break
                last += 1
            if count != ID_LENGTH:
                first += 1
                continue
            start, end = groups[first][0], groups[last][1]
            parts += [rest(run[done:start]), replace(ascii_digits(run[start:end]))]
            done, first = end, last + 1
        parts.append(rest(run[done:]))
        return "".join(parts)

    return DIGIT_RUN_RE.sub(in_run, text)


def replace_ids(text):
    """``text`` with every ID-like token as ``[13 หลัก]`` (what a log line shows)."""
    return sub_citizen_ids(text, lambda _number: REPLACEMENT)


class MaskCitizenIds(logging.Filter):
    """The logging filter: no citizen ID in a record's message, traceback or stack."""

    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: let the handler report it as usual
            return True
        record.msg, record.args = replace_ids(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = replace_ids(record.exc_text)
        if record.stack_info:
            record.stack_info = replace_ids(record.stack_info)
        return True


def mask_citizen_ids(text):
    """``text`` with every ID-like token (``sub_citizen_ids``: 13 digits of any script, with
    any separators) shown masked (``1-2345-xxxxx-xx-1``), and any other digit of a run of 13 or
    more (an ID with a stray digit, a number typed next to one) as ``x``; e.g. the filters an
    export records."""
    return sub_citizen_ids(text, citizen_id.mask, strict=True)
