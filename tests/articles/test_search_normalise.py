"""``articles.search`` skips PyThaiNLP's ``normalize`` on text it cannot change: the shortcut
must give the same tokens as ``normalize`` on any text (Hypothesis searches for a counterexample
among strings of Thai consonants, vowels, tone marks and signs, spaces, newlines and
zero-width characters)."""

from hypothesis import given, settings
from hypothesis import strategies as st
from pythainlp.util import normalize

from articles import search
from tests.fuzz.profiles import examples

THAI = [chr(code) for code in range(0x0E01, 0x0E5C) if chr(code).isprintable()]
ALPHABET = [*THAI, " ", "  ", "\n", "\u200b", "\u200c", "a", "1"]


@settings(max_examples=examples(3000), deadline=None)
@given(st.lists(st.sampled_from(ALPHABET), max_size=12).map("".join))
def test_shortcut_gives_the_tokens_of_normalize(value):
    assert search.thai_spelling(value).split() == normalize(value).split()


def test_misplaced_tone_mark_is_mended():
    assert search.thai_spelling("สรา้งขวัญ") == "สร้างขวัญ"


def test_clean_text_is_left_alone():
    assert search.thai_spelling("ข้าวเหนียว ข่าวสาร") == "ข้าวเหนียว ข่าวสาร"
