"""Public district pages: the province's districts, each with its figures, villages, articles
and products."""

import pytest

from tests.articles.factories import make_article
from tests.factories import make_village
from tests.programs.factories import make_household, make_product, make_sage, make_team
from tests.sammachip.public_data import build_portal

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal(geography):
    return build_portal(villages=3)


def test_the_district_list_shows_every_district_of_the_province(client, portal):
    html = client.get("/districts/").content.decode()
    assert html.count('class="card h-100 district-card') == 26
    assert 'href="/districts/4012/"' in html
    assert "อำเภอในจังหวัดขอนแก่น" in html


def test_a_district_page_shows_its_figures_villages_articles_and_products(client, portal):
    response = client.get("/districts/4012/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="h3 mb-1">อำเภอพล</h1>' in html
    assert f"ผลการดำเนินงาน ปีงบประมาณ {portal['year']}" in html
    assert "ครัวเรือนเป้าหมายตามสถานะ" in html
    assert portal["villages"][0].name_th in html
    assert portal["sages"][0].full_name in html  # the team's public sage, linked
    assert "เทคนิคการทอผ้าไหม ตอนที่ 1" in html
    assert "ผ้าไหมมัดหมี่ลาย0" in html
    assert "ผ้าไหมมัดหมี่ลาย1" not in html  # another district's product


def test_a_non_public_team_sage_is_not_named(client, geography):
    village = make_village(subdistrict="401207", moo=11)
    sage = make_sage(village=village, first_name="ปราชญ์ลับ", last_name="ไม่ยินยอม")
    make_team(village=village, sage=sage)
    html = client.get("/districts/4012/?fiscal_year=2568").content.decode()
    assert "ปราชญ์ลับ" not in html
    assert "มีปราชญ์ชุมชนแล้ว" in html


def test_other_fiscal_years_are_offered(client, portal):
    make_team(village=portal["villages"][0], fiscal_year=portal["year"] - 3)
    make_household(village=portal["villages"][0], fiscal_year=portal["year"] - 3)
    html = client.get("/districts/4012/").content.decode()
    assert f'href="?fiscal_year={portal["year"] - 3}"' in html
    html = client.get(f"/districts/4012/?fiscal_year={portal['year'] - 3}").content.decode()
    assert f"หมู่บ้านในโครงการ ปีงบประมาณ {portal['year'] - 3}" in html


def test_a_district_of_another_province_is_not_found(client, portal):
    assert client.get("/districts/4101/").status_code == 404
    assert client.get("/districts/nope/").status_code == 404


def test_a_district_without_programme_data(client, geography):
    make_product(village=make_village(subdistrict="400501", moo=3), name="ข้าวฮางชุมแพ")
    make_article(status="published", district="4005", title="บทความจากชุมแพ")
    html = client.get("/districts/4005/").content.decode()
    assert "ยังไม่มีครัวเรือนเป้าหมาย" in html
    assert "ข้าวฮางชุมแพ" in html
    assert "บทความจากชุมแพ" in html
