from django.urls import path

from programs.field import views

app_name = "field"

urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("visit/<int:household>/", views.visit, name="visit"),
    path("api/visits/", views.visits_api, name="visits_api"),
    path("api/visits/<uuid:client_uuid>/photo/", views.photo_api, name="photo_api"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
]
