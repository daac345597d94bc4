"""Exact-ID search without the number travelling.

A citizen ID searched for travels on as ``<masked> #<keyed hash>`` (the hash written with the
letters a-p, so no run of digits), never as the number: not in the address bar, the browser's
history, the links of the result page, nor the filters an export records.
"""

import re

from sammachip import citizen_id

ID_SEARCH_TOKEN_RE = re.compile(r"#([a-p]{64})\s*$")


def id_search_token(number):
    letters = "".join(chr(ord("a") + int(ch, 16)) for ch in citizen_id.keyed_hash(number))
    return f"{citizen_id.mask(number)} #{letters}"


def id_search_hash(search_term):
    """The keyed hash carried by an ``id_search_token``, or ``None``."""
    match = ID_SEARCH_TOKEN_RE.search(search_term or "")
    if not match:
        return None
    return "".join(f"{ord(ch) - ord('a'):x}" for ch in match.group(1))


def search_hash(search_term):
    """The keyed hash to look up for a search box's text: the one a token carries, or the hash
    of the 13-digit number typed; ``None`` when the text is neither."""
    hashed = id_search_hash(search_term)
    if hashed:
        return hashed
    number = citizen_id.searched_number(search_term)
    return citizen_id.keyed_hash(number) if number else None
