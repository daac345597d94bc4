"""Every admin door to district-owned data uses the one scoping mechanism."""

from django.apps import apps
from django.contrib import admin

from sammachip.scoping import DistrictScopedAdminMixin, is_district_owned
from villages.models import District, Subdistrict, Village

PROJECT_APPS = {"sammachip", "villages", "programs", "articles"}
GEOGRAPHY = {District, Subdistrict, Village}


def project_models():
    return [m for m in apps.get_models() if m._meta.app_label in PROJECT_APPS]


def test_every_model_pointing_into_districts_is_district_owned():
    offenders = []
    for model in project_models():
        points_into_geography = any(
            f.many_to_one and f.related_model in GEOGRAPHY for f in model._meta.get_fields()
        )
        if points_into_geography and not is_district_owned(model):
            offenders.append(model.__name__)
    assert offenders == []


def test_every_admin_of_district_owned_data_uses_the_mechanism():
    offenders = []
    for model, model_admin in admin.site._registry.items():
        if is_district_owned(model) and not isinstance(model_admin, DistrictScopedAdminMixin):
            offenders.append(type(model_admin).__name__)
        for inline in model_admin.inlines:
            if is_district_owned(inline.model) and not issubclass(inline, DistrictScopedAdminMixin):
                offenders.append(inline.__name__)
    assert offenders == []


def test_the_walk_covers_the_village_admin():
    assert isinstance(admin.site._registry[Village], DistrictScopedAdminMixin)
