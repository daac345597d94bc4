"""The public article list with fuzzed query strings: ``?q=`` (Thai, Latin, control characters,
NUL, very long), ``?category=``, ``?district=`` and ``?page=`` always answer 200 (or 429 when
rate-limited, or 404 for a page past the end; 400, the Thai page, for control characters),
never 500."""

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from sammachip.middleware import CONTROL_CHARACTERS
from tests.articles.factories import make_article, make_category

pytestmark = pytest.mark.django_db

THAI_WORDS = ["ผ้าไหม", "ทอผ้า", "น้ำพริก", "จิ้งหรีด", "สมุนไพร", "ข้าว", "หมู่ที่", "ไม่", "ๆ"]
query = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(min_codepoint=0x0E00, max_codepoint=0x0E7F), max_size=60),
    st.lists(st.sampled_from([*THAI_WORDS, '"', "-", "OR", "*", " ", "\x00", "%", "\\", "'"])).map(
        "".join
    ),
    st.text(min_size=500, max_size=5000),
    st.sampled_from(
        ["\x00", "'; DROP TABLE articles_article; --", "ผ้า\x00ไหม", "%_%", "a" * 10000]
    ),
)
param = st.one_of(st.text(max_size=40), st.sampled_from(["silk", "4012", "-1", "0", "99999999"]))


@pytest.fixture
def articles(geography, settings):
    settings.SAMMACHIP_SEARCH_RATE_LIMIT = 0  # fuzz the search, not the rate limit
    category = make_category(name="ผ้าและเครื่องแต่งกาย", slug="silk")
    for n, title in enumerate(["การทอผ้าไหมมัดหมี่", "น้ำพริกแกงสมุนไพร", "การเลี้ยงจิ้งหรีด"]):
        make_article(
            title=title,
            category=category,
            status="published",
            background=f"ความเป็นมา {title} ของหมู่ที่ {n}",
            process="ขั้นตอนการทำ ข้าว ผ้า ไหม",
        )


@given(q=query, category=param, district=param, page=param)
def test_search_never_fails(articles, q, category, district, page):
    response = Client().get(
        "/articles/", {"q": q, "category": category, "district": district, "page": page}
    )
    if any(CONTROL_CHARACTERS.search(value) for value in (q, category, district, page)):
        assert response.status_code == 400  # ControlCharacterMiddleware: the Thai 400 page
        return
    assert response.status_code in (200, 404, 429)
    if response.status_code == 404:
        assert page not in ("", "1")


@given(q=query)
def test_search_alone_answers_200(articles, q):
    response = Client().get("/articles/", {"q": q})
    if CONTROL_CHARACTERS.search(q):
        assert response.status_code == 400
        return
    assert response.status_code in (200, 429)
