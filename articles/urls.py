from django.urls import path

from articles import feeds, views

app_name = "articles"

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="list"),
    path("feed/", feeds.LatestArticlesFeed(), name="feed"),
    path("<int:pk>/", views.ArticleDetailView.as_view(), name="detail"),
]
