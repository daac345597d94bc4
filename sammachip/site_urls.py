from django.urls import path

from sammachip import views

app_name = "site"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("stats/", views.StatsView.as_view(), name="stats"),
    path("stats/csv", views.stats_csv, name="stats_csv"),
    path("about/", views.AboutView.as_view(), name="about"),
    path("privacy/", views.PrivacyView.as_view(), name="privacy"),
    path("healthz", views.healthz, name="healthz"),
]
