"""The search index of articles (``articles.search``): one row per article with its tokens and
copies of the columns a search filters and sorts on (small columns first: SQLite reads them
without touching the text), indexed per database engine.

PostgreSQL: a GIN index on ``array_to_tsvector(string_to_array(document, ' '))`` — the
tokens as they are, no text parser (``to_tsvector('simple', …)`` keeps Thai marks too, but its
parser costs ~0.8 ms an article and is not needed) — used by the query through the same
expression, with no planner statistics on it (see below); a generated ``title_tsv`` column for
ranking. SQLite: an FTS5 table over the same
two text columns, kept in step by triggers. The engine-specific statements run only on their
engine (``RunSQLFor``); the Django model knows the plain columns only.
"""

import django.db.models.deletion
from django.db import migrations, models


class RunSQLFor(migrations.RunSQL):
    """``RunSQL`` that runs only when the database engine is ``vendor``."""

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
        f"CREATE INDEX articles_search_document_gin ON {TABLE}"
        " USING gin (array_to_tsvector(string_to_array(document, ' ')))",
        "DROP INDEX articles_search_document_gin",
    ),
    # No statistics on the indexed expression: the planner then estimates any match as rare
    # and always reads the GIN index. With statistics it takes a very common word (found in
    # 90 % of the articles) to a sequential scan that builds the tsvector of every row:
    # seconds instead of milliseconds. Reading the index is right at every frequency here.
    (
        "ALTER INDEX articles_search_document_gin ALTER COLUMN 1 SET STATISTICS 0",
        migrations.RunSQL.noop,
    ),
    (
        f"ALTER TABLE {TABLE} ADD COLUMN title_tsv tsvector"
        " GENERATED ALWAYS AS (array_to_tsvector(string_to_array(title, ' '))) STORED",
        f"ALTER TABLE {TABLE} DROP COLUMN title_tsv",
    ),
]

# The text is tokenized already (tokens separated by spaces; a pair of tokens joined by ๆ is
# one token). unicode61's default categories ("L* N* Co") treat Thai vowel and tone marks (Mn)
# as separators, which would make ข้าว and ข่าว the same tokens; "M*" keeps them, and
# remove_diacritics 0 folds nothing. detail=column: matches need no positions.
SQLITE = [
    (
        "CREATE VIRTUAL TABLE articles_search_fts USING fts5("
        f"title, document, content='{TABLE}', content_rowid='article_id', "
        "tokenize=\"unicode61 remove_diacritics 0 categories 'L* N* M*'\", "
        "detail=column, prefix='1 2')",
        "DROP TABLE articles_search_fts",
    ),
    (
        f"CREATE TRIGGER articles_search_fts_insert AFTER INSERT ON {TABLE} BEGIN"
        " INSERT INTO articles_search_fts(rowid, title, document)"
        " VALUES (new.article_id, new.title, new.document); END",
        "DROP TRIGGER articles_search_fts_insert",
    ),
    (
        f"CREATE TRIGGER articles_search_fts_delete AFTER DELETE ON {TABLE} BEGIN"
        " INSERT INTO articles_search_fts(articles_search_fts, rowid, title, document)"
        " VALUES ('delete', old.article_id, old.title, old.document); END",
        "DROP TRIGGER articles_search_fts_delete",
    ),
    (
        f"CREATE TRIGGER articles_search_fts_update AFTER UPDATE OF title, document ON {TABLE}"
        " BEGIN"
        " INSERT INTO articles_search_fts(articles_search_fts, rowid, title, document)"
        " VALUES ('delete', old.article_id, old.title, old.document);"
        " INSERT INTO articles_search_fts(rowid, title, document)"
        " VALUES (new.article_id, new.title, new.document); END",
        "DROP TRIGGER articles_search_fts_update",
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("villages", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="ArticleSearchEntry",
            fields=[
                (
                    "article",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_entry",
                        serialize=False,
                        to="articles.article",
                        verbose_name="บทความ",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "ฉบับร่าง"),
                            ("review", "รอตรวจ"),
                            ("published", "เผยแพร่แล้ว"),
                            ("archived", "เก็บถาวร"),
                        ],
                        max_length=16,
                        verbose_name="สถานะ",
                    ),
                ),
                ("published_at", models.DateTimeField(null=True, verbose_name="วันที่เผยแพร่")),
                (
                    "category",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="articles.category",
                        verbose_name="หมวด",
                    ),
                ),
                (
                    "district",
                    models.ForeignKey(
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="villages.district",
                        verbose_name="อำเภอ",
                    ),
                ),
                ("indexed_at", models.DateTimeField(auto_now=True, verbose_name="ทำดัชนีเมื่อ")),
                ("title", models.TextField(verbose_name="คำในชื่อเรื่อง")),
                ("document", models.TextField(verbose_name="คำในบทความ")),
            ],
            options={
                "verbose_name": "ดัชนีค้นหาบทความ",
                "verbose_name_plural": "ดัชนีค้นหาบทความ",
            },
        ),
        *(RunSQLFor("postgresql", sql, reverse) for sql, reverse in POSTGRESQL),
        *(RunSQLFor("sqlite", sql, reverse) for sql, reverse in SQLITE),
    ]
