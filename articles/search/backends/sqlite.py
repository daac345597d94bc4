"""SQLite (the embedded default): an FTS5 table whose ``unicode61`` tokenizer keeps Thai marks,
kept in step by triggers (migration 0002), queried with ``MATCH``; optimised after a rebuild."""

from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

from articles.search.backends import SearchBackend
from articles.search.query import alternatives


def fts_match(query):
    """FTS5 query text (no column filter): parts with AND, each part's alternatives with OR."""

    def token(text, prefix):
        return '"' + text.replace('"', '""') + '"' + ("*" if prefix else "")

    def conjunction(looked_up):
        last = len(looked_up) - 1
        return " AND ".join(token(text, i == last) for i, text in enumerate(looked_up))

    return " AND ".join(
        "(" + " OR ".join(f"({conjunction(o)})" for o in alternatives(part)) + ")"
        for part in query.parts
    )


class SQLiteSearchBackend(SearchBackend):
    vendor = "sqlite"

    def matches(self, query, column):
        return RawSQL(
            '"articles_articlesearchentry".article_id IN '
            "(SELECT rowid FROM articles_search_fts WHERE articles_search_fts MATCH %s)",
            [f"{column} : ({fts_match(query)})"],
            BooleanField(),
        )

    def shared_with_other_processes(self):
        return not self.connection.is_in_memory_db()

    def index_rebuilt(self):
        with self.connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO articles_search_fts(articles_search_fts) VALUES ('optimize')"
            )
