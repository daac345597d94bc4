"""Thai search of articles: ``/articles/?q=``.

Thai is written without spaces between words, so a database's own full-text parser sees a whole
run of Thai as one "word" and finds nothing inside it. Here Python does the linguistics and the
database only matches tokens:

1. **Normalise** (``normalise``): Unicode NFC, control characters (NUL included) dropped,
   PyThaiNLP ``normalize`` (misplaced tone marks and vowels put in order, zero-width spaces and
   doubled marks removed: a text typed as ``สรา้ง`` is stored and searched as ``สร้าง``), then
   lower case. Text and query pass through the same function.
2. **Segment** (``words``): PyThaiNLP's ``newmm`` word tokenizer with its default dictionary;
   of each token only the letters, digits and marks are kept (punctuation and spaces drop out,
   a Thai run and a Latin run become two tokens). The dictionary is loaded once per process
   (``dictionary()``), never per request.
3. **Sub-words** (``sub_words``): newmm keeps a dictionary compound as one token
   (``พระบรมธาตุ``, ``กำลังใจ``, ``ข้าวเหนียว``). Each token is also split into the dictionary
   words it is made of, recursively (the split with the fewest words at each level, every
   piece a dictionary word of two or more characters on a character-cluster boundary):
   ``พระบรมธาตุ`` → ``พระ บรม ธาตุ``, ``กำลังใจ`` → ``กำ ลัง ใจ``. A token with no such split
   stays whole. Cached per distinct token. Chosen over character clusters
   (``subword_tokenize(engine="tcc")``), which turn every query into a substring search on
   cluster boundaries and triple the tokens, and over ``ssg`` syllables (needs
   python-crfsuite, not installed). Measured on 20,000 generated articles (``bench/search.py``)
   the hits follow ``LIKE '%q%'`` except where LIKE is wrong (``ข่าว`` in ``หัวเข่า`` +
   ``วัน``).
4. **Index** (``search_entry_update``): per article, the *set* of its tokens — the words
   (step 2) and the sub-words (step 3) — and of its *pairs*: two tokens that follow each other
   in the word stream or in the sub-word stream of one field, written with ``ๆ`` before and
   between them (``ๆข้าวๆเหนียว``; ``ๆ`` is never part of a token, so a pair is never mistaken
   for a word, ``ข้าว`` is never read as the start of the pair ``ๆข้าๆว่า``, and a one-token
   prefix query does not scan the pairs). Positions are not stored: a query never needs them.
   Tokens are cut at 60 characters. The indexed fields: title, author, district name,
   occupation name, address and every section; the title also on its own, for ranking.

**The matching rule.** The query is normalised and cut into *parts* at spaces, each part
segmented the same way into words and into sub-words. An article matches when **every part**
matches. A part of one token matches an article with a token that **starts with** it (the
token itself or a longer one: a prefix). A part of several tokens matches when **each pair of
consecutive tokens** of the part is a pair of the article, the **last** pair as a prefix (its
second token may be the start of a longer one). A part is tried with its words and with its
sub-words; either may match. So ``นาดูน`` (``นา ดู น``: the pairs ``ๆนาๆดู``, ``ๆดูๆน…``) is
found inside ``งานนมัสการพระบรมธาตุนาดูน``, ``ขวัญ`` inside ``สร้างขวัญกำลังใจ`` (a token of
its own), ``ธาตุ`` inside ``พระบรมธาตุ`` (a sub-word), ``ข้าว`` inside ``ข้าวเหนียว``; and
since tokens are compared character for character, tone marks included, ``ข้าว`` (rice) never
finds a text that has only ``ข่าว`` (news), nor the reverse. Queries of one or two
characters work (``นา``, ``ข``): they are prefixes like any other. Limits: pairs make a
sequence of three or more tokens match when each overlapping pair occurs, even in different
places (rare in practice); a prefix may continue with a vowel or tone mark of its last
consonant (``ก`` finds ``กิน``: the user typed a start). Only articles that are
``published()`` at the moment of the query are searched: drafts are indexed, filtered out.

**Ranking**: articles whose title matches the whole query first, then the newest.

**Engines.** The search reads only the index table, ``ArticleSearchEntry``, which keeps copies
of status, dates, category and district; the page then loads its twelve articles. PostgreSQL:
a GIN index on ``array_to_tsvector(string_to_array(document, ' '))`` — the tokens verbatim;
``to_tsvector('simple', …)`` would also keep Thai marks (checked in ``C`` and ``C.UTF-8``
databases) but its parser costs ~0.8 ms an article for nothing — and a ``tsquery`` of quoted
lexemes, ``&``, ``|`` and ``:*`` prefixes: no phrase operator, so the index answers without
rechecking rows; the indexed expression carries no planner statistics, so even a word in 90 %
of the articles is read from the index (with statistics the planner chose a sequential scan
that rebuilds every row's tsvector: seconds). SQLite: an FTS5 table with the ``unicode61``
tokenizer configured to keep marks (``categories 'L* N* M*'``, ``remove_diacritics 0``) and a
covering index of the filter columns. Never ``pg_trgm`` (similarity
confuses ข้าว with ข่าว and needs a non-C ``LC_CTYPE`` to see Thai at all) nor ``icontains``
(an ``UPPER(col) LIKE '%q%'`` scan of every body). A page is one query on the index table:
the twelve ids of the page with the number of matches (``COUNT(*) OVER ()``,
``RankedPaginator``); then the twelve articles.

**Snippets** are built here from the normalised text of the article: escaped, the matched
text in ``<mark>``, never cut inside a character cluster.
"""

import functools
import itertools
import logging
import re
import threading
import time
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connection, transaction
from django.db.models import BooleanField, Count, Window
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from pythainlp import (
    thai_above_vowels,
    thai_below_vowels,
    thai_follow_vowels,
    thai_lead_vowels,
    thai_tonemarks,
)
from pythainlp.util import normalize as thai_normalize

from articles import text as article_text

logger = logging.getLogger(__name__)

MAX_QUERY_CHARS = 100  # longer queries are cut (a 5,000-character paste costs nothing)
MAX_PARTS = 6
MAX_TOKENS_PER_PART = 12
MAX_TOKEN_CHARS = 60  # longer runs (a pasted code, a URL) are cut: text and query alike
JOINER = "ๆ"  # starts and joins the two tokens of a pair; never part of a token
SNIPPET_LENGTH = 220  # characters (about 170 as a reader counts Thai)
SNIPPET_BEFORE = 60
EDGE_CHARS = 24  # characters segmented to find the first or last word of a snippet

# Characters that form tokens: Thai consonants, vowels, tone marks and digits (not ฯ ๆ ๏ ฿),
# and the letters and digits of other scripts. A Thai and a non-Thai run are two tokens.
_THAI = "\u0e01-\u0e2e\u0e30-\u0e3a\u0e40-\u0e45\u0e47-\u0e4e\u0e50-\u0e59"
TOKEN = re.compile(rf"[{_THAI}]+|[^\W_\u0e00-\u0e7f]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

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


# ---- analysis ---------------------------------------------------------------------------------

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
    normalised (PyThaiNLP ``normalize``), lower case."""
    value = unicodedata.normalize("NFC", str(value or ""))
    return thai_spelling(_CONTROL.sub(" ", value)).lower()


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
    """The dictionary words ``token`` is made of, recursively (see the module doc), or
    ``(token,)``."""
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


def indexed_fields(article):
    """The article's searchable text, title first (``district`` and ``occupation`` loaded)."""
    from articles.models import SECTION_FIELDS

    return [
        article.title,
        article.author_name,
        article.district.name_th if article.district_id else "",
        article.occupation.name if article.occupation_id else "",
        article.address,
        *(getattr(article, name) for name in SECTION_FIELDS),
    ]


def entry_values(article):
    """The column values of the article's search entry."""
    segmented = [words(normalise(value)) for value in indexed_fields(article)]
    return {
        "status": article.status,
        "published_at": article.published_at,
        "category_id": article.category_id,
        "district_id": article.district_id,
        "title": lexemes(segmented[:1]),
        "document": lexemes(segmented),
    }


# ---- the index: one service -------------------------------------------------------------------


def _articles():
    from articles.models import Article

    return Article.objects.select_related("district", "occupation")


def search_entry_update(*, article_id):
    """The one service that writes the index: make the entry of article ``article_id`` match
    the article (a deleted article: its entry removed)."""
    from articles.models import ArticleSearchEntry

    article = _articles().filter(pk=article_id).first()
    if article is None:
        ArticleSearchEntry.objects.filter(article_id=article_id).delete()
        return
    _upsert([(article.pk, entry_values(article))])


def on_article_changed(sender, article_id, action, **kwargs):
    """The receiver of ``articles.services.article_changed`` (connected in ``apps.py``): every
    change of an article, its deletion included, passes here after the commit."""
    if action in ("image_saved", "image_deleted"):
        return  # images carry no indexed text
    try:
        search_entry_update(article_id=article_id)
    except Exception:
        # The article's change is committed: never turn it into an error page. The entry is
        # stale until the next change or ``rebuild_search_index``.
        logger.exception("search index: article %s not updated", article_id)


def _upsert(batch):
    """Write ``[(article_id, entry values)]`` in one statement (insert or update: safe when
    two processes write the same entry)."""
    from articles.models import ArticleSearchEntry

    ArticleSearchEntry.objects.bulk_create(
        [ArticleSearchEntry(article_id=pk, **values) for pk, values in batch],
        update_conflicts=True,
        unique_fields=["article"],
        update_fields=[
            "status",
            "published_at",
            "category",
            "district",
            "title",
            "document",
            "indexed_at",
        ],
    )


def _analyse(articles):
    return [(article.pk, entry_values(article)) for article in articles]


def _analyse_ids(ids):
    """Worker process: read and segment one batch (its own database connection)."""
    return _analyse(_articles().filter(pk__in=ids).order_by("pk"))


def search_index_rebuild(*, batch_size=500, workers=1, progress=None):
    """Rebuild every article's search entry in batches; returns ``(articles, seconds)``.

    With ``workers`` > 1 the segmentation runs in that many processes (it is the slow part:
    newmm does ~300,000 characters a second per core); this process writes."""
    from django.db import connections

    from articles.models import Article, ArticleSearchEntry

    started = time.perf_counter()
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    batches = [ids[i : i + batch_size] for i in range(0, len(ids), batch_size)]
    ArticleSearchEntry.objects.exclude(article_id__in=Article.objects.values("pk")).delete()
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        workers = 1  # other processes cannot see an in-memory database
    if workers > 1 and len(batches) > 1:
        import multiprocessing

        dictionary()  # loaded once here, shared with the children (fork)
        connections.close_all()  # the children must not share this process's connection
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            analysed = pool.imap(_analyse_ids, batches)
            done = _write(analysed, progress)
    else:
        dictionary()
        done = _write(map(_analyse_ids, batches), progress)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO articles_search_fts(articles_search_fts) VALUES ('optimize')"
            )
    return done, time.perf_counter() - started


def _write(analysed, progress):
    done = 0
    for batch in analysed:
        with transaction.atomic():
            _upsert(batch)
        done += len(batch)
        if progress:
            progress(done)
    return done


# PostgreSQL: the tsvector of the indexed tokens, exactly as migration 0002 indexes it.
DOCUMENT_VECTOR = "array_to_tsvector(string_to_array(document, ' '))"


# ---- queries ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    text: str  # the normalised part as typed
    words: tuple
    fine: tuple


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""  # the query as shown back in the box (cut, cleaned)
    parts: tuple = field(default=())

    def __bool__(self):
        return bool(self.text)

    @property
    def searchable(self):
        return bool(self.parts)

    def shorter_words(self):
        """Shorter queries to suggest when nothing matched: the words of the query."""
        seen = []
        for part in self.parts:
            for word in (*part.words, *part.fine):
                if word not in seen and word != self.text.lower() and len(word) > 1:
                    seen.append(word)
        return seen[:6]


def parse_query(raw):
    """The ``SearchQuery`` of ``?q=`` text: NUL and control characters out, at most
    ``MAX_QUERY_CHARS`` characters (cut on a character-cluster boundary), normalised,
    split at spaces into parts, each segmented like the indexed text."""
    cleaned = " ".join(_CONTROL.sub(" ", str(raw or "")).split())
    if len(cleaned) > MAX_QUERY_CHARS:
        cleaned = article_text.truncate_graphemes(cleaned, MAX_QUERY_CHARS, ellipsis="").strip()
    parts = []
    for chunk in normalise(cleaned).split():
        tokens = tuple(words(chunk)[:MAX_TOKENS_PER_PART])
        if tokens:
            parts.append(Part(chunk, tokens, tuple(fine(tokens)[:MAX_TOKENS_PER_PART])))
    return SearchQuery(text=cleaned, parts=tuple(parts[:MAX_PARTS]))


def _alternatives(part):
    """The lexeme lists of a part (its words; its sub-words when they differ): the tokens for
    one token, else its consecutive pairs; the last one is a prefix."""
    options = []
    for tokens in (part.words, part.fine):
        looked_up = [tokens[0]] if len(tokens) == 1 else pairs(tokens)
        if looked_up not in options:
            options.append(looked_up)
    return options


def pg_tsquery(query):
    """``tsquery`` text: parts with ``&``, each part's alternatives with ``|``, each lexeme
    quoted (read verbatim), the last of an alternative with ``:*`` (a prefix)."""

    def lexeme(token, prefix):
        quoted = "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"
        return quoted + (":*" if prefix else "")

    def conjunction(looked_up):
        last = len(looked_up) - 1
        return " & ".join(lexeme(token, i == last) for i, token in enumerate(looked_up))

    return " & ".join(
        "(" + " | ".join(f"({conjunction(o)})" for o in _alternatives(part)) + ")"
        for part in query.parts
    )


def fts_match(query):
    """FTS5 query text (no column filter): parts with AND, each part's alternatives with OR."""

    def token(text, prefix):
        return '"' + text.replace('"', '""') + '"' + ("*" if prefix else "")

    def conjunction(looked_up):
        last = len(looked_up) - 1
        return " AND ".join(token(text, i == last) for i, text in enumerate(looked_up))

    return " AND ".join(
        "(" + " OR ".join(f"({conjunction(o)})" for o in _alternatives(part)) + ")"
        for part in query.parts
    )


def _matches(query, column):
    """A condition on ``ArticleSearchEntry``: its ``column`` ("title" or "document") matches."""
    table = '"articles_articlesearchentry"'
    if connection.vendor == "postgresql":
        # The expression of the GIN index on document (the tokens as they are). Title
        # matches are looked up in the GIN index of title_tsv, once per query (a hashed
        # subplan), never by reading each match's title. The tsquery is read as written.
        tsquery = pg_tsquery(query)
        if column == "document":
            return RawSQL(f"{DOCUMENT_VECTOR} @@ %s::tsquery", [tsquery], BooleanField())
        return RawSQL(
            f"{table}.article_id IN "
            "(SELECT article_id FROM articles_articlesearchentry WHERE title_tsv @@ %s::tsquery)",
            [tsquery],
            BooleanField(),
        )
    return RawSQL(
        f"{table}.article_id IN "
        "(SELECT rowid FROM articles_search_fts WHERE articles_search_fts MATCH %s)",
        [f"{column} : ({fts_match(query)})"],
        BooleanField(),
    )


def search(query, *, category=None, district=None, now=None):
    """The index entries of the public articles matching ``query`` (in ``category`` and
    ``district`` when given), ranked: title matches first, then the newest. Reads the index
    table only."""
    from articles.models import ArticleSearchEntry

    entries = ArticleSearchEntry.objects.published(now=now)
    if not query.searchable:
        return entries.none()
    if category is not None:
        entries = entries.filter(category=category)
    if district is not None:
        entries = entries.filter(district=district)
    return (
        entries.filter(_matches(query, "document"))
        .annotate(title_hit=_matches(query, "title"))
        .order_by("-title_hit", "-published_at", "-article_id")
    )


def ranked_ids(query, **filters):
    """The article ids of ``search(query, **filters)`` in rank order: what the list view's
    paginator counts and slices."""
    return search(query, **filters).values_list("article_id", flat=True)


def counted(ids):
    """``ranked_ids`` as ``(article_id, number of matches)`` rows: the page query."""
    return ids.annotate(total=Window(Count("*"))).values_list("article_id", "total")


class RankedPaginator(Paginator):
    """Paginates ``ranked_ids`` and counts the matches in the same query as the page
    (``COUNT(*) OVER ()``): one pass over the matches instead of two."""

    def page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(_("เลขหน้าไม่ถูกต้อง")) from error
        if number < 1:
            raise EmptyPage(_("เลขหน้าไม่ถูกต้อง"))
        bottom = (number - 1) * self.per_page
        rows = list(counted(self.object_list)[bottom : bottom + self.per_page])
        if rows:
            self.__dict__["count"] = rows[0][1]  # Paginator.count is a cached property
        elif number > 1 or not self.allow_empty_first_page:
            raise EmptyPage(_("ไม่มีหน้านี้"))
        else:
            self.__dict__["count"] = 0
        return self._get_page([article_id for article_id, _total in rows], number, self)


def articles_in_order(ids, *, categories=(), districts=()):
    """The articles of one page of ``ranked_ids``, in that order, with what a result shows
    (category and district; no images); ``published()`` is checked again on the articles.
    Given the categories and districts already in memory (the list's menus), they are attached
    instead of joined (the join and its instances were a third of a search's time)."""
    from articles.models import Article

    ids = list(ids)
    by_category = {category.pk: category for category in categories}
    by_district = {district.pk: district for district in districts}
    articles = Article.objects.published()
    if not (by_category and by_district):
        articles = articles.select_related("category", "district")
    found = {article.pk: article for article in articles.filter(pk__in=ids)}
    for article in found.values() if by_category and by_district else ():
        # A category or district missing from the menus stays lazy (one query when read).
        if article.category_id in by_category:
            article.category = by_category[article.category_id]
        if article.district_id in by_district:
            article.district = by_district[article.district_id]
    return [found[pk] for pk in ids if pk in found]


# ---- snippets ---------------------------------------------------------------------------------


def display_text(value):
    """Normalised text as it is shown in a snippet (spelling normalised, not lower-cased,
    whitespace collapsed)."""
    value = unicodedata.normalize("NFC", str(value or ""))
    return " ".join(thai_spelling(_CONTROL.sub(" ", value)).split())


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
    to whole character clusters; the earlier and longer first."""
    folded = value.lower()
    if len(folded) != len(value):
        folded = value
    found = []
    for term in sorted(terms, key=len, reverse=True):
        position = folded.find(term)
        while position != -1:
            start = _cluster_start(value, position)
            end = _cluster_end(value, position + len(term))
            if all(end <= a or start >= b for a, b in found):
                found.append((start, end))
            position = folded.find(term, end)
    return sorted(found)


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


# ---- rate limit -------------------------------------------------------------------------------


def search_allowed(request):
    """At most ``SAMMACHIP_SEARCH_RATE_LIMIT`` searches a minute per client (default 30),
    counted in the shared cache (so every app server counts together). The client is
    ``sammachip.security.client_ip``: the address the trusted proxy saw, never a forged one."""
    limit = int(getattr(settings, "SAMMACHIP_SEARCH_RATE_LIMIT", 30) or 0)
    if limit <= 0:
        return True
    from sammachip.security import client_ip

    key = f"search-rate:{client_ip(request) or 'unknown'}:{int(time.time() // 60)}"
    cache.add(key, 0, timeout=90)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=90)
        count = 1
    return count <= limit
