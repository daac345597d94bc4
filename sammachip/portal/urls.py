"""The portal's URLs, under the names the templates use: ``site:…`` (home, statistics, about,
privacy, health), ``programs:…`` (``/sages/``) and ``villages:…`` (``/districts/``)."""

from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import path

from sammachip import views as core_views
from sammachip.portal import districts, opendata, sages, views

app_name = "site"


def favicon(request):
    """``/favicon.ico``, which browsers and crawlers ask for whatever the page links: the
    vendored icon (``static/img/``; the pages link the SVG and PNG icons themselves)."""
    return redirect(static("img/favicon.ico"), permanent=True)


urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("stats/", views.StatsView.as_view(), name="stats"),
    path("stats/csv", views.stats_csv, name="stats_csv"),
    path("opendata/", opendata.OpenDataView.as_view(), name="opendata"),
    path("opendata/<slug:slug>.csv", opendata.dataset_csv, name="opendata_csv"),
    path("opendata/<slug:slug>.json", opendata.dataset_json, name="opendata_json"),
    path("opendata/<slug:slug>/metadata.json", opendata.dataset_metadata, name="opendata_metadata"),
    path("about/", views.AboutView.as_view(), name="about"),
    path("privacy/", views.PrivacyView.as_view(), name="privacy"),
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
]

sage_urls = (
    [
        path("", sages.SageListView.as_view(), name="sage_list"),
        path("<int:pk>/", sages.SageDetailView.as_view(), name="sage_detail"),
    ],
    "programs",
)

district_urls = (
    [
        path("", districts.DistrictListView.as_view(), name="district_list"),
        path("<str:code>/", districts.DistrictDetailView.as_view(), name="district_detail"),
    ],
    "villages",
)
