from django.urls import path

from articles import feeds, views
from sammachip.cache import cache_public_page

app_name = "articles"

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="list"),
    path("feed/", cache_public_page(feeds.LatestArticlesFeed()), name="feed"),
    path("<int:pk>/", views.ArticleDetailView.as_view(), name="detail"),
]
