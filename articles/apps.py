from django.apps import AppConfig
from django.db.models import Min


def next_scheduled_article(now):
    """When the next article scheduled after ``now`` goes live (one indexed query), or None."""
    from articles.models import Article

    return Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gt=now).aggregate(
        next=Min("published_at")
    )["next"]


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "บทความเทคนิค"

    def ready(self):
        from articles import services
        from articles.models import Article, Category
        from articles.search.index import on_article_changed
        from sammachip import cache

        # The public page cache follows every article change (workflow step, edit, import, direct
        # save) and every scheduled publication.
        cache.watch(Article, Category)
        cache.watch_signal(services.article_changed, "article_changed")
        cache.watch_schedule(next_scheduled_article)

        # The search index follows every change of an article through the one hook.
        services.article_changed.connect(on_article_changed, dispatch_uid="article-search")

        from articles.home import review_panel
        from sammachip.admin_site import register_home_panel

        # The reviewer's admin home: how many articles wait for review, linked to them (one
        # line, above the programme's lists).
        register_home_panel(review_panel, order=10)
