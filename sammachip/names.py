"""Names as people type them into a search box: with the title the lists show before them
(``นายสมศักดิ์``, ``นางสาวสมศรี``), which is not part of the stored first name."""

import re

# Longest first: นางสาว before นาง.
TITLES = ("นางสาว", "นาย", "นาง")
_TITLED = re.compile(rf"^(?:{'|'.join(TITLES)})(?=[ก-ฮ])")


def without_title(word):
    """``นายสมศักดิ์`` → ``สมศักดิ์``; a word that only looks titled (``นายิกา``: a vowel follows)
    or is a title alone is kept as it is."""
    return _TITLED.sub("", word, count=1)


def search_words(text):
    """The words of a search, each without a leading title (``นาย สมศักดิ์`` keeps ``นาย``
    alone out: a bare title matches everybody)."""
    return [without_title(word) for word in text.split() if word not in TITLES]
