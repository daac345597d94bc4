from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from articles.models import Article

FEED_SIZE = 20


class LatestArticlesFeed(Feed):
    """RSS of the latest published technique articles (``/articles/feed/``)."""

    language = "th"
    description = _("บทความเทคนิคอาชีพจากปราชญ์ชุมชนและเจ้าหน้าที่พัฒนาชุมชน")

    def title(self):
        return f"{settings.SAMMACHIP_SITE_NAME} — {_('บทความเทคนิค')}"

    def link(self):
        return reverse("articles:list")

    def items(self):
        return (
            Article.objects.published()
            .select_related("category")
            .order_by("-published_at", "-id")[:FEED_SIZE]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary(300)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.author_name or None

    def item_categories(self, item):
        return [item.category.name]
