"""Search text: normalising (``normalise``, ``display_text``, ``folded``) and segmentation
(``words``, ``sub_words``, ``pairs``, ``lexemes``). Text and query pass through the same
functions; the rules and their reasons are in ``docs/search.md``."""

import functools
import itertools
import re
import threading
import unicodedata

from pythainlp import (
    thai_above_vowels,
    thai_below_vowels,
    thai_follow_vowels,
    thai_lead_vowels,
    thai_tonemarks,
)
from pythainlp.util import normalize as thai_normalize

from sammachip.thaidate import THAI_DIGITS

MAX_TOKEN_CHARS = 60  # longer runs (a pasted code, a URL) are cut: text and query alike
JOINER = "ๆ"  # starts and joins the two tokens of a pair; never part of a token

# Characters that form tokens: Thai consonants, vowels, tone marks and digits (not ฯ ๆ ๏ ฿;
# ``normalise`` has already made Thai digits Arabic),
# and the letters and digits of other scripts. A Thai and a non-Thai run are two tokens.
_THAI = "\u0e01-\u0e2e\u0e30-\u0e3a\u0e40-\u0e45\u0e47-\u0e4e\u0e50-\u0e59"
TOKEN = re.compile(rf"[{_THAI}]+|[^\W_\u0e00-\u0e7f]+")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Text in which PyThaiNLP's ``normalize`` could change more than whitespace: one of its rules
# has something to act on (zero-width characters, marks in the wrong order, repeated vowels or
# tone marks, a mark after a space or at the start, ...). Most text has none: it skips the
# ~30 regular-expression passes (a quarter of the indexing time). Tested against ``normalize``.
_MARKS = f"{thai_above_vowels}{thai_below_vowels}"
_DANGLING = f"{_MARKS}{thai_tonemarks}\u0e3a\u0e4c\u0e4d\u0e4e"
_NO_REPEAT = f"{thai_follow_vowels}{thai_lead_vowels}{_MARKS}\u0e3a\u0e4c\u0e4d\u0e4e"
_NEEDS_NORMALIZE = re.compile(
    "[\u200b\u200c\u0e4d\u0e45]|\u0e40\u0e40"
    f"|[{thai_tonemarks}\u0e4c][{_MARKS}]|[{thai_follow_vowels}][{thai_tonemarks}]"
    f"|([{_NO_REPEAT}]) *\\1|[{thai_tonemarks}]{{2}}|(?:^|\\s)[{_DANGLING}]"
)

_lock = threading.Lock()
_trie = None


def dictionary():
    """PyThaiNLP's word dictionary as a trie: loaded on first use (~0.7 s), then kept for the
    life of the process and shared by every request and thread (newmm only reads it)."""
    global _trie
    if _trie is None:
        with _lock:
            if _trie is None:
                from pythainlp.tokenize import word_dict_trie

                _trie = word_dict_trie()
    return _trie


def thai_spelling(value):
    """PyThaiNLP ``normalize(value)``, but for whitespace (which separates tokens anyway)."""
    return thai_normalize(value) if _NEEDS_NORMALIZE.search(value) else value


def normalise(value):
    """Text as it is indexed and compared: NFC, no control characters, Thai spelling
    normalised (PyThaiNLP ``normalize``), Thai digits as Arabic ones (``๕๒`` is ``52``:
    ``sammachip.thaidate.THAI_DIGITS``), lower case."""
    value = unicodedata.normalize("NFC", str(value or ""))
    return thai_spelling(CONTROL.sub(" ", value)).translate(THAI_DIGITS).lower()


def folded(value):
    """``value`` as a snippet compares it with the query's terms: Thai digits as Arabic ones,
    lower case, character for character (the same length, so positions carry over); not
    lower-cased when that would change its length."""
    result = value.translate(THAI_DIGITS).lower()
    return result if len(result) == len(value) else value.translate(THAI_DIGITS)


def display_text(value):
    """Normalised text as it is shown in a snippet (spelling normalised, not lower-cased,
    whitespace collapsed)."""
    value = unicodedata.normalize("NFC", str(value or ""))
    return " ".join(thai_spelling(CONTROL.sub(" ", value)).split())


def words(value):
    """The word tokens of normalised text (newmm), letters, digits and marks only."""
    from pythainlp.tokenize import word_tokenize

    if not value:
        return []
    result = []
    for token in word_tokenize(
        value,
        custom_dict=dictionary(),
        engine="newmm",
        keep_whitespace=False,
        join_broken_num=False,
    ):
        result.extend(piece[:MAX_TOKEN_CHARS] for piece in TOKEN.findall(token))
    return result


def _is_thai(char):
    return "\u0e01" <= char <= "\u0e59"


@functools.lru_cache(maxsize=200_000)
def sub_words(token):
    """The dictionary words ``token`` is made of, recursively (the split with the fewest words
    at each level, every piece a dictionary word of two or more characters on a
    character-cluster boundary), or ``(token,)``: ``พระบรมธาตุ`` → ``พระ บรม ธาตุ``."""
    length = len(token)
    if length < 4 or not _is_thai(token[0]):
        return (token,)
    from pythainlp.tokenize.tcc_p import tcc_pos_array

    boundary = tcc_pos_array(token)
    boundary[0] = 1
    trie = dictionary()
    best = [None] * (length + 1)  # best[i]: the pieces covering token[i:], fewest first
    best[length] = ()
    for start in range(length - 2, -1, -1):
        if not boundary[start]:
            continue
        choice = None
        for word in trie.prefixes(token, start):
            end = start + len(word)
            if len(word) < 2 or (start == 0 and end == length):
                continue
            if not boundary[end] or best[end] is None:
                continue
            if choice is None or len(best[end]) + 1 <= len(choice):
                choice = (word, *best[end])  # ties: the longer first word (seen later)
        best[start] = choice
    if not best[0]:
        return (token,)
    return tuple(piece for word in best[0] for piece in sub_words(word))


def fine(tokens):
    return [piece for token in tokens for piece in sub_words(token)]


def pairs(tokens):
    """Consecutive tokens as pair tokens: ``[a, b, c]`` → ``[ๆaๆb, ๆbๆc]``. The leading ``ๆ``
    keeps pairs out of the range a one-token prefix query scans."""
    return [f"{JOINER}{first}{JOINER}{second}" for first, second in itertools.pairwise(tokens)]


def lexemes(segmented):
    """The indexed tokens of some fields, given as their word tokens: every word, sub-word,
    pair of consecutive words and pair of consecutive sub-words, once each, space-separated."""
    found = {}
    for tokens in segmented:
        pieces = fine(tokens)
        for token in (*tokens, *pieces, *pairs(tokens), *pairs(pieces)):
            found[token] = None
    return " ".join(found)
