"""The programme admin as a package: one module per section, the household's export, import and
KPI views in their own modules under the same URLs, and one read-only mixin for evidence."""

import importlib

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import resolve, reverse

from articles.models import ArticleRevision
from programs.admin import HouseholdAdmin
from programs.admin.household_export import HouseholdExportMixin
from programs.admin.household_import import HouseholdImportMixin
from programs.admin.household_jobs import HouseholdJobsMixin
from programs.admin.progress import HouseholdProgressMixin
from programs.models import ExportLog, Household
from sammachip.admin_tools import ReadOnlyAdminMixin
from sammachip.models import AuditEntry
from tests.factories import make_user

SECTIONS = [
    "base",
    "occupations",
    "sages",
    "teams",
    "households",
    "decisions",
    "household_import",
    "household_export",
    "progress",
    "sessions",
    "followups",
    "groups",
    "products",
    "logs",
    "parameters",
    "reports",
    "locking",
]


def test_each_programme_model_is_registered_from_its_section_module():
    modules = {f"programs.admin.{name}" for name in SECTIONS}
    for name in modules:
        importlib.import_module(name)
    programme_admins = {
        model: type(model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label == "programs"
    }
    assert programme_admins
    assert {cls.__module__ for cls in programme_admins.values()} <= modules


@pytest.mark.parametrize(
    ("name", "tail"),
    [
        ("programs_household_export", "programs/household/export/"),
        ("programs_household_import_template", "programs/household/import-template/"),
        ("programs_household_progress", "programs/household/progress/"),
        ("programs_household_import", "programs/household/import/"),
        ("programs_household_process_import", "programs/household/process_import/"),
    ],
)
def test_household_views_keep_their_names_and_paths(name, tail):
    url = reverse(f"admin:{name}")
    assert url.endswith(f"/{tail}")
    assert resolve(url).url_name == name


@pytest.mark.parametrize(
    ("view", "home"),
    [
        # The export's entry point: a big export goes to a background job, a small one to
        # HouseholdExportMixin.export_view.
        ("export_view", HouseholdJobsMixin),
        ("export_page", HouseholdExportMixin),
        ("import_job_confirm_view", HouseholdJobsMixin),
        ("import_template_view", HouseholdImportMixin),
        ("process_import", HouseholdImportMixin),
        ("changed_since_preview", HouseholdImportMixin),
        ("progress_view", HouseholdProgressMixin),
    ],
)
def test_household_views_live_in_their_own_modules(view, home):
    assert issubclass(HouseholdAdmin, home)
    assert getattr(HouseholdAdmin, view) is getattr(home, view)


def test_the_household_admin_keeps_the_import_settings():
    model_admin = admin.site._registry[Household]
    assert model_admin.import_template_name == "admin/programs/household/import.html"
    # django-import-export wraps the list template and keeps ours as its base.
    assert model_admin.ie_base_change_list_template == "admin/programs/household/change_list.html"
    assert model_admin.from_encoding == "utf-8-sig"


EVIDENCE = [AuditEntry, ExportLog, ArticleRevision]


@pytest.mark.django_db
@pytest.mark.parametrize("model", EVIDENCE)
def test_evidence_is_read_only_for_everyone_through_the_one_mixin(model):
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/")
    request.user = make_user(role="province", is_superuser=True)
    assert isinstance(model_admin, ReadOnlyAdminMixin)
    assert model_admin.has_add_permission(request) is False
    assert model_admin.has_change_permission(request) is False
    assert model_admin.has_delete_permission(request) is False


@pytest.mark.django_db
def test_no_admin_writes_read_only_by_hand():
    """Every admin that refuses add, change and delete even to a superuser is one of the
    mixin's: the rule is written once."""
    request = RequestFactory().get("/")
    request.user = make_user(role="province", is_superuser=True)
    by_hand = [
        type(model_admin).__name__
        for model_admin in admin.site._registry.values()
        if not model_admin.has_add_permission(request)
        and not model_admin.has_change_permission(request)
        and not model_admin.has_delete_permission(request)
        and not isinstance(model_admin, ReadOnlyAdminMixin)
    ]
    assert by_hand == []
