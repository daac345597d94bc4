"""The pagination bar shows a few page links whatever the number of pages (no loop over every
page in the template: 10,000 articles are 834 pages)."""

from django.core.paginator import Paginator
from django.template import RequestContext, Template
from django.test import RequestFactory

from sammachip.templatetags.pagination import page_links


def page(number, count=10_000, per_page=12):
    return Paginator(range(count), per_page).page(number)


def test_links_around_the_current_page_with_the_ends():
    assert page_links(page(50)) == [1, None, 48, 49, 50, 51, 52, None, 834]


def test_no_gap_near_the_start():
    assert page_links(page(2)) == [1, 2, 3, 4, None, 834]


def test_few_pages_are_all_shown():
    assert page_links(page(2, count=50)) == [1, 2, 3, 4, 5]


def test_the_partial_renders_the_elided_bar():
    request = RequestFactory().get("/articles/", {"page": 50, "q": "ผ้าไหม"})
    html = Template('{% include "includes/pagination.html" %}').render(
        RequestContext(request, {"page_obj": page(50)})
    )
    assert html.count('class="page-link"') == 11  # previous, 7 numbers, 2 gaps, next
    assert 'aria-current="page"><span class="page-link">50</span>' in html
    assert "page=834" in html
    assert "q=%E0%B8%9C" in html  # the query string is kept
