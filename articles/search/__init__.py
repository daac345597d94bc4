"""Thai search of articles (``/articles/?q=``): Python segments, the database matches tokens.

``text`` normalises and segments, ``index`` keeps ``ArticleSearchEntry`` in step, ``query``
parses ``?q=`` and runs the search, ``snippets`` marks the matches, ``backends`` holds the SQL
of each database (chosen once per connection). The design, the measurements and the commands:
``docs/search.md``. The names below are the package's public face.
"""

from articles.search.index import (
    entry_values,
    indexed_fields,
    on_article_changed,
    search_entry_update,
    search_index_rebuild,
)
from articles.search.query import (
    MAX_PARTS,
    MAX_QUERY_CHARS,
    MAX_TOKENS_PER_PART,
    Part,
    RankedPaginator,
    SearchQuery,
    articles_in_order,
    counted,
    parse_query,
    ranked_ids,
    search,
)
from articles.search.snippets import SNIPPET_LENGTH, highlight, snippet
from articles.search.suggest import suggestion
from articles.search.text import (
    JOINER,
    MAX_TOKEN_CHARS,
    dictionary,
    display_text,
    fine,
    lexemes,
    normalise,
    pairs,
    sub_words,
    thai_spelling,
    words,
)

__all__ = [
    "JOINER",
    "MAX_PARTS",
    "MAX_QUERY_CHARS",
    "MAX_TOKENS_PER_PART",
    "MAX_TOKEN_CHARS",
    "SNIPPET_LENGTH",
    "Part",
    "RankedPaginator",
    "SearchQuery",
    "articles_in_order",
    "counted",
    "dictionary",
    "display_text",
    "entry_values",
    "fine",
    "highlight",
    "indexed_fields",
    "lexemes",
    "normalise",
    "on_article_changed",
    "pairs",
    "parse_query",
    "ranked_ids",
    "search",
    "search_entry_update",
    "search_index_rebuild",
    "snippet",
    "sub_words",
    "suggestion",
    "thai_spelling",
    "words",
]
