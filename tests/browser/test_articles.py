"""A reader on a phone opens the imported legacy article."""

import io

import pytest
from django.core.management import call_command

from articles.models import Article
from tests.browser.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def article(transactional_db):
    call_command("load_geography", province=["40"], stdout=io.StringIO())
    call_command("seed_articles", stdout=io.StringIO())
    return Article.objects.get()


def test_phone_reader_reads_the_imported_article(live_server, article, new_page, screenshot):
    page = new_page(PHONE)
    page.goto(live_server.url + "/articles/")
    page.get_by_role("link", name="เทคนิคการหนุนเสริมสัมมาชีพสู่การเป็น OTOP").click()
    page.get_by_role("heading", level=1).wait_for()
    assert page.get_by_role("heading", level=1).inner_text() == (
        "เทคนิคการหนุนเสริมสัมมาชีพสู่การเป็น OTOP"
    )
    assert page.get_by_text("21 มิถุนายน 2560").is_visible()
    assert page.locator("#objectives ol > li").count() == 8
    # Nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "article-phone")


def test_article_list_on_desktop(live_server, article, new_page, screenshot):
    page = new_page(DESKTOP)
    page.goto(live_server.url + "/articles/?category=promotion-techniques")
    assert page.locator(".article-card").count() == 1
    screenshot(page, "article-list-desktop")


def test_a_match_inside_a_thai_word_is_marked_without_gaps(live_server, article, new_page):
    page = new_page(PHONE)
    page.goto(live_server.url + "/articles/?q=สัมมาชีพ ชุมชน")
    marks = page.locator(".search-snippet mark")
    assert "สัมมาชีพชุมชน" in marks.all_inner_texts()  # one mark for the compound
    padding = marks.first.evaluate(
        "m => [getComputedStyle(m).paddingLeft, getComputedStyle(m).paddingRight]"
    )
    assert padding == ["0px", "0px"]  # no gap at the edges of a match inside a word


def test_a_near_miss_query_offers_the_word_of_the_index(live_server, article, new_page):
    page = new_page(PHONE)
    page.goto(live_server.url + "/articles/?q=สัมมาชิพ")
    page.locator(".search-suggestion").get_by_role("link", name="สัมมาชีพ", exact=True).click()
    assert page.locator(".search-result").count() == 1
