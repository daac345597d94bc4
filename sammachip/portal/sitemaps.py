"""The site's sitemap: the article sitemaps plus the portal's pages, public sages and districts."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from articles.sitemaps import SITEMAPS as ARTICLE_SITEMAPS
from programs.models import Sage
from villages.models import District


class PortalPagesSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return [
            "programs:sage_list",
            "villages:district_list",
            "site:stats",
            "site:opendata",
            "site:about",
            "site:privacy",
        ]

    def location(self, item):
        return reverse(item)


class SageSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.6

    def items(self):
        return (
            Sage.objects.public()
            .in_districts(District.objects.in_province())
            .only("pk")
            .order_by("pk")
        )


class DistrictSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return District.objects.in_province().only("code").order_by("code")

    def location(self, item):
        return reverse("villages:district_detail", args=[item.code])


SITEMAPS = {
    **ARTICLE_SITEMAPS,
    "portal": PortalPagesSitemap,
    "sages": SageSitemap,
    "districts": DistrictSitemap,
}
