"""Faster searches on a large index (measured at 20,000 articles, ``bench/search.py``).

PostgreSQL: the rows keep their token text in TOAST (``toast_tuple_target``), so a search reads
the few small columns of its matches from a few hundred heap pages instead of thousands (rows
written before this migration move on their next write: run ``rebuild_search_index``); title
matches, for ranking, come from a GIN index on ``title_tsv`` (looked up once per query, never
by reading each match's title), with no planner statistics, like the document index.
SQLite: a covering index of what a search filters and sorts on, so it never reads the wide rows
of the text.
"""

from django.db import migrations


class RunSQLFor(migrations.RunSQL):
    """``RunSQL`` that runs only when the database engine is ``vendor`` (as in 0002)."""

    def __init__(self, vendor, *args, **kwargs):
        self.vendor = vendor
        super().__init__(*args, **kwargs)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)

TABLE = "articles_articlesearchentry"

POSTGRESQL = [
    (
        f"ALTER TABLE {TABLE} SET (toast_tuple_target = 128)",
        f"ALTER TABLE {TABLE} RESET (toast_tuple_target)",
    ),
    (
        f"CREATE INDEX articles_search_title_gin ON {TABLE} USING gin (title_tsv)",
        "DROP INDEX articles_search_title_gin",
    ),
    (
        f"ALTER TABLE {TABLE} ALTER COLUMN title_tsv SET STATISTICS 0",
        f"ALTER TABLE {TABLE} ALTER COLUMN title_tsv SET STATISTICS -1",
    ),
]

SQLITE = [
    (
        f"CREATE INDEX articles_search_filter_idx ON {TABLE}"
        " (article_id, status, published_at, category_id, district_id)",
        "DROP INDEX articles_search_filter_idx",
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_search_entry"),
    ]

    operations = [
        *(RunSQLFor("postgresql", sql, reverse) for sql, reverse in POSTGRESQL),
        *(RunSQLFor("sqlite", sql, reverse) for sql, reverse in SQLITE),
    ]
