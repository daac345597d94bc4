"""PostgreSQL: a GIN index on the tokens verbatim (migrations 0002/0003) and a ``tsquery`` of
quoted lexemes, ``&``, ``|`` and ``:*`` prefixes (why: ``docs/search.md``)."""

from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

from articles.search.backends import SearchBackend
from articles.search.query import alternatives

# The tsvector of the indexed tokens, exactly as migration 0002 indexes it.
DOCUMENT_VECTOR = "array_to_tsvector(string_to_array(document, ' '))"


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
        "(" + " | ".join(f"({conjunction(o)})" for o in alternatives(part)) + ")"
        for part in query.parts
    )


class PostgreSQLSearchBackend(SearchBackend):
    vendor = "postgresql"

    def matches(self, query, column):
        # The expression of the GIN index on document (the tokens as they are). Title
        # matches are looked up in the GIN index of title_tsv, once per query (a hashed
        # subplan), never by reading each match's title. The tsquery is read as written.
        tsquery = pg_tsquery(query)
        if column == "document":
            return RawSQL(f"{DOCUMENT_VECTOR} @@ %s::tsquery", [tsquery], BooleanField())
        return RawSQL(
            '"articles_articlesearchentry".article_id IN '
            "(SELECT article_id FROM articles_articlesearchentry WHERE title_tsv @@ %s::tsquery)",
            [tsquery],
            BooleanField(),
        )
