"""Two app servers on one PostgreSQL database and one Redis, as behind a load balancer: any
request may land on either, and the user must not notice.

The shared public-page cache (sammachip/cache.py, in Redis) is checked through the home page
(which lists the latest articles) and the article list and detail pages: each is fetched twice
before the change, so a cached copy exists wherever a cache is used, and must show the change on
the other server right after it.
"""

import io

import openpyxl
import pytest

from sammachip import thaidate
from tests.deploy import support

pytestmark = pytest.mark.postgres

NEW_DRAFT = """
from articles import services
from articles.models import Article, Category
article = Article(
    title="วิธีเลี้ยงจิ้งหรีดสองเซิร์ฟเวอร์",
    category=Category.objects.order_by("pk").first(),
    district_id="4012",
    background="ความเป็นมาของการเลี้ยงจิ้งหรีด",
)
services.article_save(article=article, user=None)
print(article.pk)
"""

# A year the demo data never fills: seed_demo dates its programme in the current and the
# previous fiscal year.
IMPORT_YEAR = thaidate.current_fiscal_year() - 3


@pytest.fixture
def two_servers(prod_env, app_server):
    return app_server(prod_env), app_server(prod_env)


def test_a_session_started_on_one_server_continues_on_the_other(two_servers):
    first, second = two_servers
    client = support.HttpClient(first)
    client.login("province_staff")

    client.server = second
    response = client.get("/admin/")
    assert response.status == 200
    assert "province_staff" in response.text or "ปรีดา" in response.text

    client.server = first
    logout = client.post("/admin/logout/", {})
    assert logout.status in (200, 302)
    client.server = second
    assert client.get("/admin/").status == 302  # logged out everywhere


def test_an_article_published_on_one_server_shows_on_the_other(two_servers, prod_env, django_shell):
    first, second = two_servers
    pk = int(django_shell(prod_env, NEW_DRAFT).split()[-1])
    title = "วิธีเลี้ยงจิ้งหรีดสองเซิร์ฟเวอร์"
    public = support.HttpClient(second)
    for _ in range(2):  # warm whatever cache the public pages use
        home = public.get("/")
        assert home.status == 200
        assert title not in home.text
        assert title not in public.get("/articles/").text
        assert public.get(f"/articles/{pk}/").status == 404
    assert home.header("X-Public-Cache") == "hit"  # served from the shared cache (Redis)

    staff = support.HttpClient(first)
    staff.login("province_staff")
    response = staff.post(
        "/admin/articles/article/",
        {"action": "publish", "_selected_action": pk, "index": 0, "select_across": 0},
    )
    assert response.status == 302, response.text[:1000]

    home = public.get("/")  # the home page lists the latest articles: its cached copy is stale
    assert title in home.text
    listing = public.get("/articles/")
    assert listing.status == 200
    assert title in listing.text
    detail = public.get(f"/articles/{pk}/")
    assert detail.status == 200
    assert title in detail.text


def import_file(village_code, occupation, rows=25):
    from programs.resources import HouseholdResource
    from sammachip import citizen_id

    headers = HouseholdResource().get_export_headers()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for n in range(rows):
        row = {
            "ปีงบประมาณ (พ.ศ.)": IMPORT_YEAR,
            "รหัสหมู่บ้าน": village_code,
            "บ้านเลขที่": str(n + 1),
            "คำนำหน้า": "นาง",
            "ชื่อ": f"สองเครื่อง{n}",
            "นามสกุล": "ทดสอบนำเข้า",
            "เลขประจำตัวประชาชน": citizen_id.with_check_digit(f"3{n + 70000:011d}"),
            "โทรศัพท์": "0812345678",
            "อาชีพ": occupation,
            "สถานะ": "เป้าหมาย",
        }
        sheet.append([row.get(header, "") for header in headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_import_previewed_on_one_server_is_confirmed_on_the_other(two_servers, pg, database):
    first, second = two_servers
    village = pg.query("SELECT code FROM villages_village ORDER BY code LIMIT 1", database=database)
    occupation = pg.query(
        "SELECT name FROM programs_occupation ORDER BY id LIMIT 1", database=database
    )
    content = import_file(village[0][0], occupation[0][0])
    client = support.HttpClient(first)
    client.login("province_staff")
    client.get("/admin/programs/household/import/")
    preview = client.post(
        "/admin/programs/household/import/",
        {"format": "0", "resource": "0"},
        files={"import_file": ("list.xlsx", content)},
    )
    assert preview.status == 200
    assert "process_import" in preview.text, preview.text[:3000]
    confirm = support.form_inputs(preview.text, start_marker="process_import")
    assert confirm.get("import_file_name")
    count_sql = f"SELECT count(*) FROM programs_household WHERE fiscal_year = {IMPORT_YEAR}"
    assert pg.query(count_sql, database=database) == [(0,)]  # a preview saves nothing

    client.server = second
    done = client.post(
        "/admin/programs/household/process_import/",
        {name: value for name, value in confirm.items() if name != "csrfmiddlewaretoken"},
        referer_path="/admin/programs/household/import/",
    )
    assert done.status == 302, done.text[:3000]
    assert pg.query(count_sql, database=database) == [(25,)]
