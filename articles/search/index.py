"""The search index (``ArticleSearchEntry``): what an article's entry holds, the one service
that writes it (``search_entry_update``, run by ``on_article_changed`` after every change) and
the full rebuild in batches, segmenting in worker processes (``search_index_rebuild``)."""

import logging
import time

from django.db import transaction

from articles.search.backends import get_backend
from articles.search.text import lexemes, normalise, words

logger = logging.getLogger(__name__)


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
    from articles.search.text import dictionary

    started = time.perf_counter()
    backend = get_backend()
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    batches = [ids[i : i + batch_size] for i in range(0, len(ids), batch_size)]
    ArticleSearchEntry.objects.exclude(article_id__in=Article.objects.values("pk")).delete()
    if not backend.shared_with_other_processes():
        workers = 1  # e.g. an in-memory SQLite database
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
    backend.index_rebuilt()
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
