""" "Did you mean": a near-miss query (``สัมมาชิพ``) mended from the index's own vocabulary
(``สัมมาชีพ``), offered when a search finds nothing.

The vocabulary is the set of word and sub-word tokens of the published articles' index entries
(the pairs left out), with the number of articles each occurs in. It is read once per public
content version and kept in the process (``sammachip.cache.content_version``: any change of an
article bumps it), grouped by length, so a suggestion compares the query's words only with
tokens of about their length.

Each part of the query (a run without spaces) is tried whole first: a part that is not a token
becomes the nearest token within its edit distance (one edit for up to four characters, two
beyond). Failing that, each of its words that is not a token becomes its nearest token. Ties go
to the token found in more articles. The suggestion is offered only when it differs from the
query.
"""

import threading
from collections import Counter, defaultdict

from articles.search.text import JOINER

_lock = threading.Lock()
_cached = {"version": None, "vocabulary": None}


def _read_vocabulary():
    from articles.models import ArticleSearchEntry

    counts = Counter()
    for document in ArticleSearchEntry.objects.published().values_list("document", flat=True):
        counts.update(token for token in document.split() if not token.startswith(JOINER))
    by_length = defaultdict(list)
    for token, n in counts.items():
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


def nearest(word, by_length):
    """The token nearest ``word`` within ``_limit(word)`` edits (more articles first), or None."""
    limit = _limit(word)
    best = None  # (distance, -articles, token)
    for length in range(len(word) - limit, len(word) + limit + 1):
        for token, n in by_length.get(length, ()):
            distance = edit_distance(word, token, limit)
            if distance <= limit and (best is None or (distance, -n, token) < best):
                best = (distance, -n, token)
    return best[2] if best else None


def _mended(part, counts, by_length):
    if part.text in counts:
        return part.text
    whole = nearest(part.text, by_length)
    if whole is not None:
        return whole
    return "".join(
        word if word in counts or len(word) < 2 else (nearest(word, by_length) or word)
        for word in part.words
    )


def suggestion(query):
    """A mended query text for ``query`` (a ``SearchQuery``), or '' when there is none."""
    if not query.searchable:
        return ""
    counts, by_length = vocabulary()
    if not counts:
        return ""
    mended = " ".join(_mended(part, counts, by_length) for part in query.parts)
    return mended if mended != " ".join(part.text for part in query.parts) else ""
