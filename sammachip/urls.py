"""The wiring: every app's URLs and the portal's (``sammachip.portal.urls``)."""

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from articles.views import robots_txt
from sammachip.cache import cache_public_page
from sammachip.portal import urls as portal_urls
from sammachip.portal.sitemaps import SITEMAPS

urlpatterns = [
    path(settings.SAMMACHIP_ADMIN_URL, admin.site.urls),
    path("articles/", include("articles.urls")),
    path("field/", include("programs.field.urls")),
    path("sages/", include(portal_urls.sage_urls)),
    path("districts/", include(portal_urls.district_urls)),
    path("sitemap.xml", cache_public_page(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("", include(portal_urls)),
]

# A database outage outside a view (e.g. loading the session) still gets the Thai 503 page.
handler500 = "sammachip.errors.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
