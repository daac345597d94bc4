from django.urls import path

from programs import views

app_name = "programs"

urlpatterns = [
    path("", views.SageListView.as_view(), name="sage_list"),
    path("<int:pk>/", views.SageDetailView.as_view(), name="sage_detail"),
]
