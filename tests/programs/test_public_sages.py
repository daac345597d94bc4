"""The public directory of community sages: public ones only, what may be public only."""

import re

import pytest

from tests.articles.factories import make_article, upload
from tests.factories import make_village
from tests.programs.factories import make_occupation, make_sage, make_team, valid_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def sages(geography):
    weaving = make_occupation("ทอผ้าไหม")
    mushrooms = make_occupation("เพาะเห็ด")
    phon = make_village(subdistrict="401207", moo=11, name_th="บ้านเพ็กใหญ่สาธิต")
    muang = make_village(subdistrict="400101", moo=2, name_th="บ้านในเมืองสาธิต")
    public = make_sage(
        village=phon,
        first_name="คำปุน",
        last_name="ทอผ้าเก่ง",
        phone="0811111111",
        phone_public=True,
        citizen_id=valid_id(11),
        is_public=True,
        bio="ทอผ้าไหมมา 30 ปี\nสอนลูกหลาน <b>ทุกวัน</b>",
    )
    public.expertise.set([weaving])
    private_phone = make_sage(
        village=muang,
        first_name="บุญมี",
        last_name="เห็ดดี",
        phone="0822222222",
        phone_public=False,
        citizen_id=valid_id(12),
        is_public=True,
    )
    private_phone.expertise.set([mushrooms])
    hidden = make_sage(village=phon, first_name="ลับเฉพาะ", last_name="ไม่เผยแพร่", phone="0833333333")
    return {"public": public, "private_phone": private_phone, "hidden": hidden}


def test_the_directory_lists_public_sages_only(client, sages):
    html = client.get("/sages/").content.decode()
    assert "คำปุน ทอผ้าเก่ง" in html
    assert "บุญมี เห็ดดี" in html
    assert "ลับเฉพาะ" not in html
    assert "ทอผ้าไหม" in html  # expertise on the card
    assert "ต.เพ็กใหญ่" in html


def test_the_directory_filters_by_district_and_occupation(client, sages):
    html = client.get("/sages/?district=4012").content.decode()
    assert "คำปุน" in html
    assert "บุญมี" not in html
    occupation = sages["private_phone"].expertise.get()
    html = client.get(f"/sages/?occupation={occupation.pk}").content.decode()
    assert "บุญมี" in html
    assert "คำปุน" not in html
    assert '<label class="form-label small mb-1" for="filter-district">' in html
    assert '<label class="form-label small mb-1" for="filter-occupation">' in html


def card_names(html):
    return re.findall(r'<a class="stretched-link" href="/sages/\d+/">([^<]*)</a>', html)


def test_the_directory_finds_a_sage_by_name(client, sages):
    assert card_names(client.get("/sages/?q=คำปุน").content.decode()) == ["คำปุน ทอผ้าเก่ง"]
    assert card_names(client.get("/sages/?q=เห็ดดี").content.decode()) == ["บุญมี เห็ดดี"]
    # every word of the query, in either name; the prefix may be typed too
    assert card_names(client.get("/sages/?q=ปุน+ทอผ้า").content.decode()) == ["คำปุน ทอผ้าเก่ง"]
    assert card_names(client.get("/sages/?q=คำปุน+เห็ดดี").content.decode()) == []


def test_the_name_search_is_thai_normalised(client, sages):
    # The tone mark typed after the vowel (สรา้ง for สร้าง): PyThaiNLP's normalize mends it.
    sages["public"].last_name = "สร้างสรรค์"
    sages["public"].save()
    html = client.get("/sages/?q=สรา้ง").content.decode()
    assert card_names(html) == ["คำปุน สร้างสรรค์"]


def test_the_name_search_never_finds_a_sage_who_is_not_public(client, sages):
    html = client.get("/sages/?q=ลับเฉพาะ").content.decode()
    assert card_names(html) == []
    assert "ไม่พบปราชญ์ชุมชนชื่อ “ลับเฉพาะ”" in html


def test_the_name_box_is_labelled_and_keeps_the_query(client, sages):
    html = client.get("/sages/?q=คำปุน").content.decode()
    assert '<label class="form-label small mb-1" for="filter-name">ชื่อหรือนามสกุล</label>' in html
    assert 'id="filter-name" name="q" value="คำปุน"' in html
    assert '<meta name="robots" content="noindex, follow">' in html


def test_the_directory_is_paginated(client, sages):
    village = make_village(subdistrict="401207", moo=30)
    for n in range(14):
        make_sage(village=village, first_name=f"ปราชญ์{n:02d}", is_public=True)
    first = client.get("/sages/").content.decode()
    assert first.count('class="card h-100 sage-card"') == 12
    assert 'rel="next" href="?page=2"' in first
    second = client.get("/sages/?page=2").content.decode()
    assert second.count('class="card h-100 sage-card"') == 4


def test_a_sage_page_shows_what_may_be_public(client, sages):
    sage = sages["public"]
    make_team(
        village=sage.village,
        fiscal_year=2568,
        sage=sage,
        occupation=make_occupation("ย้อมครามธรรมชาติ"),
    )
    make_article(status="published", sage=sage, title="เทคนิคทอผ้าของคำปุน")
    make_article(status="draft", sage=sage, title="ร่างยังไม่เผยแพร่")
    response = client.get(f"/sages/{sage.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="h3 mb-2">คำปุน ทอผ้าเก่ง</h1>' in html
    assert 'href="tel:0811111111"' in html  # phone_public
    assert "ปีงบประมาณ 2568" in html
    assert "ย้อมครามธรรมชาติ" in html  # the team's occupation
    assert "เทคนิคทอผ้าของคำปุน" in html
    assert "ร่างยังไม่เผยแพร่" not in html
    assert "&lt;b&gt;ทุกวัน&lt;/b&gt;" in html  # the bio is escaped
    assert sage.citizen_id not in html
    assert not re.search(r"\b\d-\d{4}-x{5}-x{2}-\d\b", html)


def test_a_private_phone_stays_private(client, sages):
    html = client.get(f"/sages/{sages['private_phone'].pk}/").content.decode()
    assert "0822222222" not in html
    assert "โทรศัพท์</dt>" not in html


def test_a_non_public_sage_is_not_found(client, sages):
    assert client.get(f"/sages/{sages['hidden'].pk}/").status_code == 404


def test_a_sage_photo_has_alt_text_size_and_lazy_loading(client, sages):
    sage = sages["public"]
    sage.photo = upload("face.jpg")
    sage.save()
    html = client.get("/sages/").content.decode()
    img = re.search(r"<img [^>]*sage-photo[^>]*>", html).group(0)
    assert 'alt="รูปถ่ายของคำปุน ทอผ้าเก่ง"' in img
    assert 'width="96" height="96"' in img
    assert 'loading="lazy"' in img
