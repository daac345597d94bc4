""" "Did you mean": a near-miss query (``สัมมาชิพ``) mended from the index's own vocabulary
(``สัมมาชีพ``), offered when a search finds nothing.

The vocabulary is the set of word and sub-word tokens of the published articles' index entries
(the pairs left out), with the number of articles each occurs in. It is read once per public
content version and kept in the process (``sammachip.cache.content_version``: any change of an
article bumps it), grouped by length, so a suggestion compares the query's words only with
tokens of about their length.

Each part of the query (a run without spaces) is tried whole first: a part that is a token, a
word of PyThaiNLP's dictionary or contains a digit stays as typed; any other becomes the nearest
token within its edit distance (one edit for up to four characters, two beyond). Failing that,
its words are mended from left to right: a run of two or three words that is no word but a near
miss of a token becomes that token (``สัมมา`` + ``ชิพ`` → ``สัมมาชีพ``); a dictionary word, a
token or a number stays (``ผัก`` is never "mended" to ``ผลัก``, ``20`` never to ``2``); any other
word becomes its nearest token. Ties go to the token found in more articles; numbers are never
offered. The suggestion is offered only when it differs from the query and itself finds
published articles (one query on the index, run only then).
"""

import threading
from collections import Counter, defaultdict

from articles.search.query import parse_query, search
from articles.search.text import JOINER, dictionary

_lock = threading.Lock()
_cached = {"version": None, "vocabulary": None}


def _read_vocabulary():
    from articles.models import ArticleSearchEntry

    counts = Counter()
    for document in ArticleSearchEntry.objects.published().values_list("document", flat=True):
        counts.update(token for token in document.split() if not token.startswith(JOINER))
    by_length = defaultdict(list)  # the candidates: numbers are never offered
    for token, n in counts.items():
        if not _has_digit(token):
            by_length[len(token)].append((token, n))
    return counts, dict(by_length)


def vocabulary():
    """``(counts, by_length)``: ``{token: articles}`` and ``{length: [(token, articles)]}`` of
    the published articles, for the current public content version."""
    from sammachip.cache import content_version

    version = content_version()
    with _lock:
        if _cached["version"] != version:
            _cached["vocabulary"] = _read_vocabulary()
            _cached["version"] = version
        return _cached["vocabulary"]


def edit_distance(a, b, limit):
    """Levenshtein distance of ``a`` and ``b``, or ``limit + 1`` once it must exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        current = [i]
        for j, other in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char != other))
            )
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def _limit(word):
    return 1 if len(word) <= 4 else 2


def _pieces(word, limit):
    """``word`` cut into ``limit + 1`` pieces: a token within ``limit`` edits of ``word`` holds
    at least one of them unchanged (each edit touches one piece at most), a cheap test
    before the edit distance."""
    size, extra = divmod(len(word), limit + 1)
    pieces, start = [], 0
    for index in range(limit + 1):
        end = start + size + (index < extra)
        pieces.append(word[start:end])
        start = end
    return [piece for piece in pieces if piece] or [word]


def nearest(word, by_length, limit=None):
    """The token nearest ``word`` within ``limit`` edits (default ``_limit(word)``; more
    articles first), or None."""
    limit = _limit(word) if limit is None else limit
    pieces = _pieces(word, limit)
    best = None  # (distance, -articles, token)
    for length in range(len(word) - limit, len(word) + limit + 1):
        for token, n in by_length.get(length, ()):
            if not any(piece in token for piece in pieces):
                continue
            distance = edit_distance(word, token, limit)
            if distance <= limit and (best is None or (distance, -n, token) < best):
                best = (distance, -n, token)
    return best[2] if best else None


def _keep(word, counts):
    """Whether ``word`` stays as typed: a token of the articles, a word of PyThaiNLP's
    dictionary (a real word is not a typo, even when no article has it), a number, or one
    character."""
    return word in counts or word in dictionary() or _has_digit(word) or len(word) < 2


def _has_digit(text):
    return any(char.isdigit() for char in text)


def _run_limit(words, text):
    """The edits allowed to mend ``text``, the run of ``words``: one when every word is a
    dictionary word (``สัมมา`` + ``ชิพ`` for ``สัมมาชีพ``: one typo that happens to split into
    real words; two typos landing on real words are rarer than a right spelling, such as
    ``ปลูก`` + ``ผัก``, two edits from ``ปลูกฝัง``), else ``_limit``."""
    return 1 if all(word in dictionary() for word in words) else _limit(text)


def _mended_words(part, counts, by_length):
    """The part's words, mended from left to right: a run of two or three words that
    together are no word but are a near miss of a token (``สัมมา`` + ``ชิพ``, both dictionary
    words, are ``สัมมาชีพ`` typed wrong) becomes that token; a word that is kept (``_keep``)
    stays; any other word becomes its nearest token, if any. (The run of all the words is
    the whole part, already tried.)"""
    tokens, out, i = part.words, [], 0
    while i < len(tokens):
        for size in (3, 2):
            run = "".join(tokens[i : i + size])
            if i + size > len(tokens) or size == len(tokens) or _keep(run, counts):
                continue
            token = nearest(run, by_length, _run_limit(tokens[i : i + size], run))
            if token is not None:
                out.append(token)
                i += size
                break
        else:
            word = tokens[i]
            out.append(word if _keep(word, counts) else (nearest(word, by_length) or word))
            i += 1
    return "".join(out)


def _mended(part, counts, by_length):
    if _keep(part.text, counts):
        return part.text
    whole = nearest(part.text, by_length, _run_limit(part.words, part.text))
    return whole or _mended_words(part, counts, by_length)


def suggestion(query, *, category=None, district=None):
    """A mended query text for ``query`` (a ``SearchQuery``) that finds published articles
    (in ``category`` and ``district`` when given, as the suggestion's link keeps them), or ''
    when there is none. Costs one query on the index, only when a part was mended."""
    if not query.searchable:
        return ""
    counts, by_length = vocabulary()
    if not counts:
        return ""
    mended = " ".join(_mended(part, counts, by_length) for part in query.parts)
    if mended == " ".join(part.text for part in query.parts):
        return ""
    found = search(parse_query(mended), category=category, district=district).exists()
    return mended if found else ""
