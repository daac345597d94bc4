from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "บทความเทคนิค"

    def ready(self):
        # The search index follows every change of an article through the one hook.
        from articles import search, services

        services.article_changed.connect(search.on_article_changed, dispatch_uid="article-search")
