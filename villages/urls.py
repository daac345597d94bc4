from django.urls import path

from villages import views

app_name = "villages"

urlpatterns = [
    path("", views.DistrictListView.as_view(), name="district_list"),
    path("<str:code>/", views.DistrictDetailView.as_view(), name="district_detail"),
]
