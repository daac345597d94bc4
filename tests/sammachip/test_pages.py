import pytest
from django.db import DatabaseError


@pytest.mark.django_db
def test_home_page_is_thai(client, geography):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="th">' in html
    assert "สัมมาชีพชุมชน" in html


@pytest.mark.django_db
def test_home_page_credits_the_geography_data(client, geography):
    html = client.get("/").content.decode()
    assert "GeoThai" in html
    assert "CC BY 4.0" in html


@pytest.mark.django_db
def test_home_page_lists_the_provinces_districts(client, geography):
    html = client.get("/").content.decode()
    assert "26 อำเภอในจังหวัดขอนแก่น" in html
    assert "หนองเรือ" in html


@pytest.mark.django_db
def test_home_page_uses_only_self_hosted_assets(client, geography):
    html = client.get("/").content.decode()
    assert "/static/vendor/bootstrap/bootstrap.min.css" in html
    assert "/static/vendor/sarabun/sarabun.css" in html
    assert "https://cdn" not in html


@pytest.mark.django_db
def test_home_page_query_count_is_fixed(client, geography, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from programs import parameters
    from sammachip import thaidate
    from tests.articles.factories import make_article

    make_article(status="published")
    parameters.for_year(thaidate.current_fiscal_year())  # read once, then from the cache
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    for n in range(5):
        make_article(status="published", title=f"บทความ {n}")
    with django_assert_num_queries(len(few.captured_queries)):
        client.get("/")


@pytest.mark.django_db
def test_not_found_page_is_thai(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "ไม่พบหน้าที่ต้องการ" in response.content.decode()


def test_server_error_page_is_thai(client, settings):
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "ระบบขัดข้องชั่วคราว" in html
    assert '<html lang="th">' in html


@pytest.mark.django_db
def test_healthz_reports_database_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_reports_database_failure(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken(self, sql, params=None):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
