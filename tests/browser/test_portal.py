"""The public portal in a browser: a villager on a phone searches and reads; an officer enters a
household; provincial staff publish an article and the home page shows it; screenshots of the
portal's pages on a phone and a desktop (test-artifacts/screenshots/portal-*.png)."""

import io

import pytest
from django.conf import settings
from django.core.management import call_command

from articles.models import Article
from programs.demo import seed_programme
from programs.models import Household
from sammachip import citizen_id
from tests.articles.factories import make_article, make_category
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import TEST_PASSWORD, make_user, make_village
from tests.programs.factories import make_occupation, make_team

pytestmark = pytest.mark.django_db(transaction=True)

SAMPLE_TITLE = "เทคนิคการหนุนเสริมสัมมาชีพสู่การเป็น OTOP"
NEW_ID = citizen_id.with_check_digit("110170020345")


@pytest.fixture
def khon_kaen(transactional_db):
    call_command("load_geography", province=["40"], stdout=io.StringIO())


@pytest.fixture
def demo(khon_kaen):
    """The demo programme (invented data) and the legacy sample article, as ``make run`` has."""
    call_command("loaddata", settings.BASE_DIR / "fixtures" / "occupations.json", verbosity=0)
    seed_programme()
    call_command("seed_articles", stdout=io.StringIO())


def log_in(page, base_url, username):
    page.goto(base_url + "/admin/login/")
    page.get_by_label("ชื่อผู้ใช้").fill(username)
    page.get_by_label("รหัสผ่าน").fill(TEST_PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    page.wait_for_url(base_url + "/admin/")


def no_sideways_scroll(page, viewport):
    return page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


def test_a_villager_searches_in_thai_on_a_phone_and_reads_the_article(
    live_server, demo, new_page, screenshot
):
    page = new_page(PHONE)
    page.goto(live_server.url + "/")
    search = page.get_by_label("ค้นหาบทความเทคนิคอาชีพ")
    search.fill("หนุนเสริมสัมมาชีพ")
    search.press("Enter")
    # The results page belongs to the articles app's Thai search; the home page's box feeds it.
    page.wait_for_url("**/articles/?q=*")
    screenshot(page, "portal-search-phone")
    page.get_by_role("link", name=SAMPLE_TITLE).first.click()
    heading = page.get_by_role("heading", level=1)
    heading.wait_for()
    assert heading.inner_text() == SAMPLE_TITLE
    assert no_sideways_scroll(page, PHONE)


def test_keyboard_users_see_where_they_are(live_server, khon_kaen, new_page):
    page = new_page(DESKTOP)
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="ข้ามไปยังเนื้อหา")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"


def test_an_officer_adds_a_household_and_finds_it_in_the_list(
    live_server, khon_kaen, new_page, screenshot
):
    from tests.browser.test_programs import pick

    village = make_village(subdistrict="401207", moo=11, name_th="บ้านเพ็กใหญ่สาธิต")
    make_occupation("ทอผ้าไหม")
    make_team(village=village, fiscal_year=2568)
    make_user(username="officer_phon", role="district", districts=["4012"])

    page = new_page(DESKTOP)
    log_in(page, live_server.url, "officer_phon")
    page.goto(live_server.url + "/admin/programs/household/add/")
    pick(page, "id_village", "เพ็กใหญ่สาธิต")
    page.locator("#id_fiscal_year").fill("2568")
    page.locator("#id_house_no").fill("99/1")
    page.locator("#id_first_name").fill("มะลิวัลย์")
    page.locator("#id_last_name").fill("ทดลองเพิ่ม")
    page.locator("#id_citizen_id").fill(NEW_ID)
    pick(page, "id_occupation", "ทอผ้าไหม")
    page.get_by_role("button", name="บันทึก", exact=True).click()
    page.locator(".messagelist .success").wait_for()

    page.locator("#searchbar").fill("มะลิ")
    page.locator("#searchbar").press("Enter")
    row = page.locator("#result_list tbody tr", has_text="มะลิวัลย์ ทดลองเพิ่ม")
    row.wait_for()
    assert row.count() == 1
    assert citizen_id.mask(NEW_ID) in row.inner_text()  # the ID stays masked in the list
    assert NEW_ID not in row.inner_text()
    screenshot(page, "portal-admin-household-list")
    assert Household.objects.get(first_name="มะลิวัลย์").district_id == "4012"


def test_provincial_staff_publish_a_draft_and_the_home_page_shows_it(
    live_server, khon_kaen, new_page, screenshot
):
    make_user(username="province_staff", role="province")
    draft = make_article(
        category=make_category(name="เทคนิคการแปรรูป", slug="processing"),
        title="วิธีทำกล้วยตากพลังแสงอาทิตย์",
        status=Article.Status.REVIEW,
    )
    visitor = new_page(PHONE)
    visitor.goto(live_server.url + "/")  # the home page, now in the shared cache
    assert visitor.get_by_text("วิธีทำกล้วยตากพลังแสงอาทิตย์").count() == 0

    staff = new_page(DESKTOP)
    log_in(staff, live_server.url, "province_staff")
    staff.goto(live_server.url + "/admin/articles/article/")
    staff.locator(f'input[name="_selected_action"][value="{draft.pk}"]').check()
    staff.locator('select[name="action"]').select_option("publish")
    staff.locator('button[name="index"]').click()
    staff.locator(".messagelist .success").wait_for()

    visitor.reload()
    card = visitor.get_by_role("link", name="วิธีทำกล้วยตากพลังแสงอาทิตย์")
    card.wait_for()
    screenshot(visitor, "portal-home-after-publish-phone")
    card.click()
    assert visitor.get_by_role("heading", level=1).inner_text() == "วิธีทำกล้วยตากพลังแสงอาทิตย์"


PAGES = [
    ("home", "/"),
    ("sages", "/sages/"),
    ("district", "/districts/4012/"),
    ("stats", "/stats/"),
    ("opendata", "/opendata/"),
    ("about", "/about/"),
]


@pytest.mark.parametrize(("name", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_portal_pages_look_finished(live_server, demo, new_page, screenshot, name, viewport):
    page = new_page(viewport)
    for slug, path in PAGES:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        page.evaluate("document.fonts.ready")
        assert page.evaluate("document.fonts.check('16px Sarabun', 'สัมมาชีพ')"), path
        assert no_sideways_scroll(page, viewport), path
        assert page.locator("h1").count() == 1, path
        # Every image has alt text, a size and (below the fold) lazy loading.
        for image in page.locator("main img").all():
            assert image.get_attribute("alt"), path
            assert image.get_attribute("width"), path
        # Every form control has a label.
        for control in page.locator("main select, main input:not([type=hidden])").all():
            control_id = control.get_attribute("id")
            assert page.locator(f'label[for="{control_id}"]').count() == 1, (path, control_id)
        screenshot(page, f"portal-{slug}-{name}")
    page.goto(live_server.url + "/sages/")
    page.locator(".sage-card a").first.click()
    page.get_by_role("heading", level=1).wait_for()
    screenshot(page, f"portal-sage-{name}")
