"""The user's query and the search the list view runs: ``parse_query`` (``?q=`` → parts, each
segmented like the indexed text), ``search``/``ranked_ids`` (the matching entries, ranked; the
SQL comes from the database's backend), ``RankedPaginator`` (the page and the count in one
query) and ``articles_in_order`` (the page's articles)."""

from dataclasses import dataclass, field

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, Window
from django.utils.translation import gettext_lazy as _

from articles import text as article_text
from articles.search.backends import get_backend
from articles.search.text import CONTROL, fine, normalise, pairs, words

MAX_QUERY_CHARS = 100  # longer queries are cut (a 5,000-character paste costs nothing)
MAX_PARTS = 6
MAX_TOKENS_PER_PART = 12


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
    cleaned = " ".join(CONTROL.sub(" ", str(raw or "")).split())
    if len(cleaned) > MAX_QUERY_CHARS:
        cleaned = article_text.truncate_graphemes(cleaned, MAX_QUERY_CHARS, ellipsis="").strip()
    parts = []
    for chunk in normalise(cleaned).split():
        tokens = tuple(words(chunk)[:MAX_TOKENS_PER_PART])
        if tokens:
            parts.append(Part(chunk, tokens, tuple(fine(tokens)[:MAX_TOKENS_PER_PART])))
    return SearchQuery(text=cleaned, parts=tuple(parts[:MAX_PARTS]))


def alternatives(part):
    """The lexeme lists of a part (its words; its sub-words when they differ): the tokens for
    one token, else its consecutive pairs; the last one is a prefix (the backends' input)."""
    options = []
    for tokens in (part.words, part.fine):
        looked_up = [tokens[0]] if len(tokens) == 1 else pairs(tokens)
        if looked_up not in options:
            options.append(looked_up)
    return options


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
    backend = get_backend(entries.db)
    return (
        entries.filter(backend.matches(query, "document"))
        .annotate(title_hit=backend.matches(query, "title"))
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
