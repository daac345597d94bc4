"""Faults inside one app process: the database lost in a view or a middleware, the cache down,
an import interrupted half-way, a storage failure while saving an image. Each leaves a clear
Thai answer and nothing half-written. (The real outage, with a real server, is in
test_database_outage.py.)"""

import pytest
import tablib
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.storage import InMemoryStorage, default_storage
from django.db import DatabaseError, OperationalError
from django.test import Client
from import_export.exceptions import ImportError as RowImportError

from articles import services
from articles.models import ArticleImage
from programs.models import Household
from programs.resources import HouseholdResource
from sammachip import citizen_id
from sammachip.models import AuditEntry
from sammachip.portal.views import HomeView
from tests.articles.factories import image_bytes, make_article, upload
from tests.factories import TEST_PASSWORD, make_user
from tests.programs.factories import make_occupation

pytestmark = pytest.mark.django_db

THAI_503 = "ระบบไม่พร้อมให้บริการชั่วคราว"


# ---- the database lost --------------------------------------------------------------------


def test_a_database_error_in_a_view_gives_the_thai_503_page(monkeypatch):
    def lost(self, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(HomeView, "get_context_data", lost)
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 503
    html = response.content.decode()
    assert THAI_503 in html
    assert '<html lang="th">' in html
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]


def test_the_test_client_still_raises_a_database_error(client, monkeypatch):
    """So a schema or query mistake in any test shows its traceback, not a bare 503."""

    def lost(self, **kwargs):
        raise OperationalError("no such table: somewhere")

    monkeypatch.setattr(HomeView, "get_context_data", lost)
    with pytest.raises(OperationalError):
        client.get("/")


def test_a_database_error_in_a_middleware_gives_the_thai_503_page(geography, monkeypatch):
    user = make_user(role="province")
    client = Client(raise_request_exception=False)
    assert client.login(username=user.username, password=TEST_PASSWORD)

    def lost(self):
        raise OperationalError("the database system is shutting down")

    monkeypatch.setattr(SessionStore, "load", lost)
    response = client.get("/admin/")
    assert response.status_code == 503
    assert THAI_503 in response.content.decode()


def test_other_errors_still_give_the_500_page(monkeypatch):
    def broken(self, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(HomeView, "get_context_data", broken)
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500
    assert "ระบบขัดข้องชั่วคราว" in response.content.decode()


def test_healthz_reports_the_cache(client, monkeypatch):
    from django.core.cache import cache

    def down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(cache, "set", down)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "cache": "unavailable"}


def test_healthz_reports_both(client, monkeypatch):
    from django.core.cache import cache
    from django.db.backends.utils import CursorWrapper

    def refused(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", refused)
    monkeypatch.setattr(cache, "get", lambda *a, **k: None)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
    assert response.json()["cache"] == "unavailable"


# ---- an import interrupted half-way ----------------------------------------------------------

ROWS = 2500  # more than two insert batches (batch_size 1000) are written before the failure
FAIL_AT = 2100


def household_rows(village_code, rows=ROWS):
    headers = HouseholdResource().get_export_headers()
    dataset = tablib.Dataset(headers=headers)
    for n in range(rows):
        row = {
            "ปีงบประมาณ (พ.ศ.)": 2569,
            "รหัสหมู่บ้าน": village_code,
            "บ้านเลขที่": str(n),
            "คำนำหน้า": "นาย",
            "ชื่อ": f"ขัดจังหวะ{n}",
            "นามสกุล": "ทดสอบ",
            "เลขประจำตัวประชาชน": citizen_id.with_check_digit(f"4{n:011d}"),
            "อาชีพ": "ทอผ้าไหม",
            "สถานะ": "เป้าหมาย",
        }
        dataset.append([row.get(header, "") for header in headers])
    return dataset


@pytest.fixture
def interrupt_at_row(monkeypatch):
    original = HouseholdResource.before_import_row

    def interrupted(self, row, **kwargs):
        if kwargs.get("row_number") == FAIL_AT:
            raise RuntimeError("the worker was killed here")
        return original(self, row, **kwargs)

    monkeypatch.setattr(HouseholdResource, "before_import_row", interrupted)


@pytest.fixture
def import_village(two_districts):
    make_occupation("ทอผ้าไหม")
    return two_districts["phon"]


@pytest.mark.parametrize("raise_errors", [True, False])
def test_an_import_interrupted_half_way_saves_nothing(
    import_village, interrupt_at_row, raise_errors
):
    audit_before = AuditEntry.objects.count()
    dataset = household_rows(import_village.code)
    if raise_errors:
        with pytest.raises(RowImportError, match="the worker was killed here"):
            HouseholdResource().import_data(dataset, dry_run=False, raise_errors=True)
    else:
        result = HouseholdResource().import_data(dataset, dry_run=False, raise_errors=False)
        assert result.has_errors()
    assert Household.objects.count() == 0
    assert AuditEntry.objects.count() == audit_before


def test_the_same_import_without_the_fault_saves_every_row(import_village):
    result = HouseholdResource().import_data(household_rows(import_village.code), dry_run=False)
    assert not result.has_errors()
    assert not result.has_validation_errors()
    assert Household.objects.count() == ROWS


# ---- a storage failure while saving an image -------------------------------------------------


@pytest.mark.parametrize("fail_on", [1, 2, 3, 5])
def test_a_storage_failure_while_saving_an_image_leaves_nothing(geography, monkeypatch, fail_on):
    names = []
    original = InMemoryStorage._save

    def failing(self, name, content):
        if len(names) + 1 == fail_on:  # 1: the original, 2..5: the renditions
            raise OSError("No space left on device")
        stored = original(self, name, content)
        names.append(stored)
        return stored

    monkeypatch.setattr(InMemoryStorage, "_save", failing)
    article = make_article()
    image = ArticleImage(article=article, alt_text="ภาพ", order=0)
    image.image = upload(content=image_bytes())
    with pytest.raises(OSError):
        services.article_image_save(image=image)
    assert not ArticleImage.objects.exists()
    assert len(names) == fail_on - 1
    assert [name for name in names if default_storage.exists(name)] == []


def test_a_database_failure_after_the_files_were_stored_removes_them(geography, monkeypatch):
    names = []
    original = InMemoryStorage._save

    def recording(self, name, content):
        stored = original(self, name, content)
        names.append(stored)
        return stored

    def refused(self, *args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(InMemoryStorage, "_save", recording)
    monkeypatch.setattr(ArticleImage, "save", refused)
    image = ArticleImage(article=make_article(), alt_text="ภาพ", order=0)
    image.image = upload(content=image_bytes())
    with pytest.raises(OperationalError):
        services.article_image_save(image=image)
    assert len(names) == 5
    assert [name for name in names if default_storage.exists(name)] == []


def test_a_failed_replacement_keeps_the_old_image_and_its_files(geography, monkeypatch):
    article = make_article()
    image = ArticleImage(article=article, alt_text="ภาพ", order=0)
    image.image = upload(content=image_bytes())
    services.article_image_save(image=image)
    old_files = [image.image.name, *(info["name"] for info in image.renditions.values())]

    original = InMemoryStorage._save
    calls = []

    def failing(self, name, content):
        calls.append(name)
        if len(calls) == 3:
            raise OSError("No space left on device")
        return original(self, name, content)

    monkeypatch.setattr(InMemoryStorage, "_save", failing)
    replacement = ArticleImage.objects.get(pk=image.pk)
    replacement.image = upload(content=image_bytes(color="red"))
    with pytest.raises(OSError):
        services.article_image_save(image=replacement)
    stored = ArticleImage.objects.get(pk=image.pk)
    assert {stored.image.name, *(i["name"] for i in stored.renditions.values())} == set(old_files)
    assert all(default_storage.exists(name) for name in old_files)
