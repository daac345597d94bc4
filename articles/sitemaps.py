from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from articles.models import Article


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.7

    def items(self):
        return Article.objects.published().order_by("-published_at", "-id")

    def lastmod(self, item):
        return item.updated_at


class PagesSitemap(Sitemap):
    """The site's fixed public pages."""

    changefreq = "daily"
    priority = 0.5

    def items(self):
        return ["site:home", "articles:list"]

    def location(self, item):
        return reverse(item)


SITEMAPS = {"pages": PagesSitemap, "articles": ArticleSitemap}
