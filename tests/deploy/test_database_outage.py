"""The database goes away under a running production server and comes back.

The database is made unreachable the way a restart or a fail-over looks to the app: new
connections are refused (``ALLOW_CONNECTIONS false``) and the open ones are cut
(``pg_terminate_backend``), so the worker's persistent connection dies between two requests.
"""

import json
import uuid

import pytest

from tests.deploy import support

pytestmark = pytest.mark.postgres


def fresh(path):
    """A URL no cache has seen (the public-page cache must not hide the outage)."""
    return f"{path}?nocache={uuid.uuid4().hex}"


def test_outage_gives_thai_503_and_health_503_then_recovers(pg, database, prod_env, app_server):
    server = app_server(prod_env, workers=1)
    visitor = support.HttpClient(server)
    staff = support.HttpClient(server)
    staff.login("province_staff")
    assert visitor.get(fresh("/")).status == 200
    assert staff.get("/admin/programs/household/").status == 200

    pg.block(database)
    try:
        page = visitor.get(fresh("/"))
        assert page.status == 503
        assert '<html lang="th">' in page.text
        assert "ระบบไม่พร้อมให้บริการชั่วคราว" in page.text
        assert page.header("Retry-After") == "30"
        assert "Traceback" not in page.text

        search = visitor.get(fresh("/articles/"))
        assert search.status == 503

        # The session is loaded in a middleware, outside any view: handler500 answers.
        admin = staff.get("/admin/programs/household/")
        assert admin.status == 503
        assert "ระบบไม่พร้อมให้บริการชั่วคราว" in admin.text

        health = visitor.get("/healthz")
        assert health.status == 503
        assert json.loads(health.body) == {
            "status": "error",
            "database": "unavailable",
            "cache": "ok",
        }
    finally:
        pg.unblock(database)

    assert visitor.get(fresh("/")).status == 200
    assert visitor.get("/healthz").status == 200
    assert staff.get("/admin/programs/household/").status == 200  # still logged in
    assert server.process.poll() is None  # no worker restart was needed
