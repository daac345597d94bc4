"""Search results as a reader sees them: ``highlight`` (a title) and ``snippet`` (the best
section), built from the normalised text, escaped, the matched text in ``<mark>``, never cut
inside a character cluster, starting and ending on whole words."""

from django.utils.html import escape
from django.utils.safestring import mark_safe

from articles import text as article_text
from articles.search.text import dictionary, display_text, folded

SNIPPET_LENGTH = 220  # characters (about 170 as a reader counts Thai)
SNIPPET_BEFORE = 60
EDGE_CHARS = 24  # characters segmented to find the first or last word of a snippet


def _term_levels(query):
    """What to look for in the text, best level first: each part as typed (and its words
    joined); then its words (one character only when it is the whole part); then its
    sub-words. A snippet marks the terms of the best level found in the text."""
    levels = [[], [], []]
    for part in query.parts:
        levels[0] += [part.text, "".join(part.words)]
        levels[1] += [w for w in part.words if len(w) > 1 or len(part.words) == 1]
        levels[2] += [w for w in part.fine if len(w) > 1]
    return [list(dict.fromkeys(term for term in level if term)) for level in levels]


def _attaches(value, position):
    """Whether the character at ``position`` belongs to the cluster before it
    (``articles.text.graphemes``' rule, for one position)."""
    if position <= 0 or position >= len(value):
        return False
    return article_text.attaches(value[position], value[position - 1])


def _cluster_start(value, position):
    """``position`` moved back to the start of its character cluster."""
    while _attaches(value, position):
        position -= 1
    return position


def _cluster_end(value, position):
    """``position`` moved forward past the marks of the cluster before it."""
    while _attaches(value, position):
        position += 1
    return position


def _spans(value, terms):
    """Non-overlapping ``(start, end)`` of the terms in ``value`` (case-insensitive), widened
    to whole character clusters; the earlier and longer first. Thai digits in the text match
    the query's Arabic ones (``๕๒`` is marked for ``52``), the text keeps its own."""
    compared = folded(value)
    found = []
    for term in sorted(terms, key=len, reverse=True):
        position = compared.find(term)
        while position != -1:
            start = _cluster_start(value, position)
            end = _cluster_end(value, position + len(term))
            if all(end <= a or start >= b for a, b in found):
                found.append((start, end))
            position = compared.find(term, end)
    return _joined(sorted(found))


def _joined(spans):
    """Spans that touch (one ends where the next begins: the words of a compound, such as
    ``สัมมาชีพ`` + ``ชุมชน``) as one, so a compound reads as one mark, not two with a gap."""
    joined = []
    for start, end in spans:
        if joined and joined[-1][1] == start:
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined


def _best_spans(values, query):
    """``(index of the value, spans)`` of the best level of terms found in any of ``values``,
    or ``(None, [])``."""
    for terms in _term_levels(query):
        for index, value in enumerate(values):
            spans = _spans(value, terms) if terms and value else []
            if spans:
                return index, spans
    return None, []


def _marked(value, spans):
    out, position = [], 0
    for start, end in spans:
        out.append(escape(value[position:start]))
        out.append(f"<mark>{escape(value[start:end])}</mark>")
        position = end
    out.append(escape(value[position:]))
    return "".join(out)  # every piece of the text went through escape()


def highlight(value, query):
    """``value`` (e.g. a title) normalised and escaped, the query's terms in ``<mark>``."""
    value = display_text(value)
    spans = _best_spans([value], query)[1]
    return mark_safe(_marked(value, spans))


def _edge_word_length(value, last=False):
    """Characters of the first (or last) word of ``value``, for cutting a snippet at a word;
    0 when ``value`` is a single word."""
    from pythainlp.tokenize import word_tokenize

    value = value[-EDGE_CHARS:] if last else value[:EDGE_CHARS]  # a word is shorter than this
    tokens = word_tokenize(value, custom_dict=dictionary(), engine="newmm")
    if len(tokens) < 2:
        return 0
    return len(tokens[-1] if last else tokens[0])


def snippet(article, query, length=SNIPPET_LENGTH):
    """About ``length`` characters of the section with the best match (see
    ``_term_levels``), from a little before the first match, escaped, matches in ``<mark>``;
    the article's summary when no section has one (the match was in the title, the author or
    the place)."""
    from articles.models import SECTION_FIELDS

    sections = [display_text(getattr(article, name)) for name in SECTION_FIELDS]
    index, spans = _best_spans(sections, query)
    if index is None:
        return escape(article.summary(length))
    value = sections[index]
    begin = _cluster_start(value, max(0, spans[0][0] - SNIPPET_BEFORE))
    end = max(_cluster_end(value, min(len(value), begin + length)), spans[0][1])
    if begin > 0:  # start at a word: after a space, else after the first (cut) word
        space = value.find(" ", begin, spans[0][0])
        begin = space + 1 if space != -1 else begin + _edge_word_length(value[begin : spans[0][0]])
    if end < len(value):  # end at a word: before a space near the end, else before the cut word
        space = value.rfind(" ", spans[0][1], end)
        if space != -1 and end - space < SNIPPET_BEFORE:
            end = space
        else:
            end -= _edge_word_length(value[spans[0][1] : end], last=True)
    inside = [(a - begin, b - begin) for a, b in spans if begin <= a < b <= end]
    prefix = "… " if begin > 0 else ""
    suffix = " …" if end < len(value) else ""
    return mark_safe(f"{escape(prefix)}{_marked(value[begin:end], inside)}{escape(suffix)}")
