"""Thai search (``/articles/?q=``): segmented, normalised, tone-mark exact, served by the index.

Runs on SQLite and on PostgreSQL (``DATABASE_URL``). The index follows ``article_changed``, which
is sent after the commit: the tests run the on-commit callbacks
(``django_capture_on_commit_callbacks(execute=True)``) as a real request would.
"""

import datetime
import io
import re
import time
from urllib.parse import quote

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from articles import search, services
from articles.models import Article, ArticleSearchEntry
from articles.search import suggest
from tests.articles.factories import make_category, make_image

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run the after-commit hooks of whatever the test does inside ``with on_commit():``."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def sample(geography, sample_path, on_commit):
    """The legacy sample imported and published through the import command."""
    with on_commit():
        call_command("import_legacy_articles", str(sample_path), publish=True, stdout=io.StringIO())
    return Article.objects.get()


@pytest.fixture
def publish(geography, on_commit):
    """Create and publish an article through the services (so the index follows)."""
    category = make_category()

    def publish(*, days_ago=1, **fields):
        fields.setdefault("title", "บทความทดสอบ")
        fields.setdefault("category", category)
        fields.setdefault("district_id", "4012")
        article = Article(**fields)
        with on_commit():
            services.article_save(article=article, user=None)
            services.article_publish(
                article=article,
                user=None,
                at=timezone.now() - datetime.timedelta(days=days_ago),
            )
        article.refresh_from_db()
        return article

    return publish


def html_of(client, url, data=None):
    response = client.get(url, data)
    assert response.status_code == 200
    return response.content.decode()


def results(client, query, **params):
    """The titles of the result list, in order."""
    html = html_of(client, "/articles/", {"q": query, **params})
    found = re.findall(r'<h2 class="h5 mb-1"><a href="/articles/\d+/">(.*?)</a></h2>', html, re.S)
    return [re.sub(r"</?mark>", "", title) for title in found]


SAMPLE_TITLE = "เทคนิคการหนุนเสริมสัมมาชีพสู่การเป็น OTOP"


# ---- the sample post --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "สร้างขวัญกำลังใจ",
        "ขวัญ",  # a word inside the compound run สร้างขวัญกำลังใจ
        "นาดูน",  # inside งานนมัสการพระบรมธาตุนาดูน
        "ธาตุ",  # a dictionary sub-word of the token พระบรมธาตุ
        "กำลังใจ",
        "สรา้งขวัญกำลังใจ",  # the query with the legacy post's misplaced tone mark
        "OTOP",
        "otop",
        "พล",  # the district name
        "ประภาวดี",  # the author
        "นา",  # two characters
    ],
)
def test_sample_is_found(client, sample, query):
    assert results(client, query) == [SAMPLE_TITLE]


def test_sample_text_itself_had_the_misplaced_tone_mark(sample_text):
    assert "สรา้งขวัญกำลังใจ" in sample_text


def test_two_parts_must_both_match(client, sample):
    assert results(client, "ขวัญ นาดูน") == [SAMPLE_TITLE]


def test_two_parts_where_one_is_missing_find_nothing(client, sample):
    assert results(client, "ขวัญ ไม่มีคำนี้เลย") == []


def test_snippet_marks_the_match(client, sample):
    html = html_of(client, "/articles/", {"q": "นาดูน"})
    assert "<mark>นาดูน</mark>" in html


def test_snippet_shows_the_mended_spelling(client, sample):
    html = html_of(client, "/articles/", {"q": "ขวัญ"})
    assert "สร้าง<mark>ขวัญ</mark>กำลังใจ" in html


def test_title_match_is_marked(client, sample):
    html = html_of(client, "/articles/", {"q": "otop"})
    assert "สู่การเป็น <mark>OTOP</mark></a>" in html


# ---- tone marks are meaning -------------------------------------------------------------------


@pytest.fixture
def rice_and_news(publish):
    rice = publish(title="การปลูกพืชหลังนา", background="ปลูกข้าวเหนียวพันธุ์ กข6 ในนาปี")
    news = publish(title="ข่าวสารจากอำเภอ", background="ติดตามข่าวการอบรมอาชีพ")
    return rice, news


def test_rice_finds_rice(client, rice_and_news):
    assert results(client, "ข้าว") == ["การปลูกพืชหลังนา"]


def test_news_finds_news(client, rice_and_news):
    assert results(client, "ข่าว") == ["ข่าวสารจากอำเภอ"]


def test_rice_never_finds_news(client, publish):
    publish(title="ข่าวประชาสัมพันธ์", background="ข่าว ข่าวสาร ข่าวดี")
    assert results(client, "ข้าว") == []


def test_news_never_finds_rice(client, publish):
    publish(title="ข้าวหอมมะลิ", background="ข้าว ข้าวเหนียว ข้าวเจ้า")
    assert results(client, "ข่าว") == []


def test_rice_phrase_never_finds_news_phrase(client, publish):
    publish(title="เรื่องเล่า", background="ข่าวเหนียวแน่น")
    assert results(client, "ข้าวเหนียว") == []


# ---- empty state, short and hostile queries ---------------------------------------------------


def test_unknown_word_shows_the_thai_empty_state(client, sample):
    html = html_of(client, "/articles/", {"q": "คอมพิวเตอร์ควอนตัม"})
    assert "ไม่พบบทความที่ตรงกับ “คอมพิวเตอร์ควอนตัม”" in html


def test_empty_state_suggests_shorter_words(client, sample):
    html = html_of(client, "/articles/", {"q": "คอมพิวเตอร์ควอนตัม"})
    assert f'href="/articles/?q={quote("คอม")}' in html


def test_empty_state_suggests_the_categories(client, sample):
    html = html_of(client, "/articles/", {"q": "คอมพิวเตอร์ควอนตัม"})
    assert f'href="{sample.category.get_absolute_url()}"' in html


def test_single_character_query_works(client, sample):
    assert results(client, "ข") == [SAMPLE_TITLE]


@pytest.mark.parametrize(
    "query",
    [
        "ข้าว" * 1250,  # 5,000 characters
        "'; DROP TABLE articles_article; --",
        '" OR 1=1 --',
        "ข้าว' & !ข่าว | (",  # tsquery syntax
        'NEAR("a" "b") AND title : x*',  # FTS5 syntax
        "🌾🍚",
        "<script>alert(1)</script>",
        "   ",
        "%_\\",
    ],
)
def test_hostile_queries_get_a_page(client, sample, query):
    response = client.get("/articles/", {"q": query})
    assert response.status_code == 200


@pytest.mark.parametrize("query", ["ข้าว\x00ข่าว", "\x00", "\x1f"])
def test_control_characters_in_a_query_get_the_thai_400_page(client, sample, query):
    """NUL and other control characters never reach the search (PostgreSQL refuses NUL in
    text): ``ControlCharacterMiddleware`` answers the Thai 400 page for them."""
    response = client.get("/articles/", {"q": query})
    assert response.status_code == 400
    assert "คำขอไม่ถูกต้อง" in response.content.decode()


@pytest.mark.parametrize("query", ["<script>alert(1)</script>", "<b onmouseover=x>ข้าว</b>"])
def test_markup_in_the_query_is_never_reflected(client, sample, query):
    html = html_of(client, "/articles/", {"q": query})
    assert "<script>alert(1)" not in html and "<b onmouseover" not in html


def test_markup_in_the_query_is_shown_escaped(client, sample):
    html = html_of(client, "/articles/", {"q": "<script>"})
    assert "&lt;script&gt;" in html


def test_emoji_query_gets_a_thai_message(client, sample):
    html = html_of(client, "/articles/", {"q": "🌾🍚"})
    assert "คำค้นนี้ไม่มีตัวอักษรหรือตัวเลขที่ค้นหาได้" in html


def test_long_query_is_cut(client, sample):
    html = html_of(client, "/articles/", {"q": "ก" * 5000})
    assert "ก" * (search.MAX_QUERY_CHARS + 1) not in html


def test_nul_is_stripped_from_the_query():
    assert "\x00" not in search.parse_query("ข้าว\x00").text


def test_blank_query_is_the_plain_list(client, sample):
    html = html_of(client, "/articles/", {"q": "  "})
    assert "ผลการค้นหา" not in html


# ---- only published, and the index follows every change ---------------------------------------


def test_draft_is_not_found(client, geography, on_commit):
    with on_commit():
        services.article_save(
            article=Article(title="ร่างลับเรื่องข้าว", category=make_category()), user=None
        )
    assert results(client, "ร่างลับ") == []


def test_draft_is_indexed_but_filtered_at_query_time(geography, on_commit):
    article = Article(title="ร่างลับเรื่องข้าว", category=make_category())
    with on_commit():
        services.article_save(article=article, user=None)
    assert ArticleSearchEntry.objects.filter(article=article).exists()


def test_future_article_is_not_found_yet(client, publish):
    publish(title="ประกาศล่วงหน้าเรื่องผ้าไหม", days_ago=-2)
    assert results(client, "ผ้าไหม") == []


def test_unpublished_article_is_not_found(client, publish, on_commit):
    article = publish(title="ทอผ้าไหมมัดหมี่")
    with on_commit():
        services.article_unpublish(article=article, user=None)
    assert results(client, "มัดหมี่") == []


def test_republished_article_is_found(client, publish, on_commit):
    article = publish(title="ทอผ้าไหมมัดหมี่")
    with on_commit():
        services.article_unpublish(article=article, user=None)
        services.article_publish(article=article, user=None)
    assert results(client, "มัดหมี่") == ["ทอผ้าไหมมัดหมี่"]


def test_edit_is_found_under_its_new_words(client, publish, on_commit):
    article = publish(title="ทอผ้าไหมมัดหมี่")
    article.title = "เลี้ยงปลานิลในกระชัง"
    with on_commit():
        services.article_save(article=article, user=None)
    assert results(client, "ปลานิล") == ["เลี้ยงปลานิลในกระชัง"]


def test_edit_is_no_longer_found_under_its_old_words(client, publish, on_commit):
    article = publish(title="ทอผ้าไหมมัดหมี่")
    article.title = "เลี้ยงปลานิลในกระชัง"
    with on_commit():
        services.article_save(article=article, user=None)
    assert results(client, "มัดหมี่") == []


def test_pending_revision_does_not_change_what_is_found(client, publish, phon_officer, on_commit):
    article = publish(title="ทอผ้าไหมมัดหมี่")
    article.title = "เลี้ยงปลานิลในกระชัง"
    with on_commit():
        services.article_save(article=article, user=phon_officer)  # waits for review
    assert results(client, "มัดหมี่") == ["ทอผ้าไหมมัดหมี่"]


def test_deleted_article_leaves_the_index(publish, on_commit):
    article = publish(title="ทอผ้าไหมมัดหมี่")
    with on_commit():
        services.article_delete(article=article, user=None)
    assert not ArticleSearchEntry.objects.exists()


def test_deleted_article_is_not_found(client, publish, on_commit):
    article = publish(title="ทอผ้าไหมมัดหมี่")
    with on_commit():
        services.article_delete(article=article, user=None)
    assert results(client, "มัดหมี่") == []


def test_rebuild_command_restores_the_index(client, sample):
    ArticleSearchEntry.objects.all().delete()
    call_command("rebuild_search_index", workers=1, stdout=io.StringIO())
    assert results(client, "นาดูน") == [SAMPLE_TITLE]


def test_rebuild_command_prints_the_counts(sample):
    out = io.StringIO()
    call_command("rebuild_search_index", workers=1, stdout=out)
    assert "ทำดัชนีค้นหาแล้ว 1 บทความ (1 ชุด)" in out.getvalue()


def test_rebuild_works_in_batches(client, publish):
    for number in range(5):
        publish(title=f"ปุ๋ยหมักสูตร {number}")
    ArticleSearchEntry.objects.all().delete()
    call_command("rebuild_search_index", workers=1, batch_size=2, stdout=io.StringIO())
    assert len(results(client, "ปุ๋ยหมัก")) == 5


# ---- ranking, filters, pagination -------------------------------------------------------------


def test_title_matches_come_first(client, publish):
    publish(title="ทำปุ๋ยหมักจากฟางข้าว", background="ขั้นตอนง่าย ๆ", days_ago=30)
    publish(title="เลี้ยงไส้เดือน", background="มูลไส้เดือนใช้ทำปุ๋ยหมักได้ดี", days_ago=1)
    assert results(client, "ปุ๋ยหมัก") == ["ทำปุ๋ยหมักจากฟางข้าว", "เลี้ยงไส้เดือน"]


def test_then_the_newest_first(client, publish):
    publish(title="เรื่องเก่า", background="ใช้ปุ๋ยหมัก", days_ago=30)
    publish(title="เรื่องใหม่", background="ใช้ปุ๋ยหมัก", days_ago=1)
    assert results(client, "ปุ๋ยหมัก") == ["เรื่องใหม่", "เรื่องเก่า"]


def test_category_filter_combines_with_the_query(client, publish):
    farming = make_category(name="เกษตร", slug="farming")
    publish(title="ปุ๋ยหมักในแปลงผัก", category=farming)
    publish(title="ปุ๋ยหมักขายในตลาด")
    assert results(client, "ปุ๋ยหมัก", category="farming") == ["ปุ๋ยหมักในแปลงผัก"]


def test_district_filter_combines_with_the_query(client, publish):
    publish(title="ปุ๋ยหมักจากพล", district_id="4012")
    publish(title="ปุ๋ยหมักจากเมือง", district_id="4001")
    assert results(client, "ปุ๋ยหมัก", district="4001") == ["ปุ๋ยหมักจากเมือง"]


def test_results_paginate_and_keep_the_query(client, publish):
    for number in range(13):
        publish(title=f"ปุ๋ยหมักสูตร {number}")
    html = html_of(client, "/articles/", {"q": "ปุ๋ยหมัก"})
    assert f"?q={quote('ปุ๋ยหมัก')}&amp;page=2" in html


def test_page_past_the_end_is_404(client, publish):
    publish(title="ปุ๋ยหมักสูตรเดียว")
    assert client.get("/articles/", {"q": "ปุ๋ยหมัก", "page": 3}).status_code == 404


def test_empty_result_counts_zero(client, publish):
    publish(title="ปุ๋ยหมักสูตรเดียว")
    html = html_of(client, "/articles/", {"q": "ปลานิล"})
    assert "ไม่พบบทความที่ตรงกับ" in html


def test_results_show_how_many_were_found(client, publish):
    for number in range(13):
        publish(title=f"ปุ๋ยหมักสูตร {number}")
    assert "13 บทความ" in html_of(client, "/articles/", {"q": "ปุ๋ยหมัก", "page": 2})


def test_second_page_has_the_rest(client, publish):
    for number in range(13):
        publish(title=f"ปุ๋ยหมักสูตร {number}")
    assert len(results(client, "ปุ๋ยหมัก", page=2)) == 1


# ---- snippets are escaped ---------------------------------------------------------------------


def test_editor_markup_in_a_snippet_is_escaped(client, publish):
    publish(title="เรื่องทดสอบ", background="<script>alert(1)</script> ปลูกข้าวหอมมะลิ")
    html = html_of(client, "/articles/", {"q": "ข้าวหอม"})
    assert "&lt;script&gt;alert(1)&lt;/script&gt; ปลูก<mark>ข้าวหอม</mark>มะลิ" in html


def test_editor_markup_in_a_title_is_escaped(client, publish):
    publish(title="<img src=x onerror=alert(1)>ข้าวหอม")
    html = html_of(client, "/articles/", {"q": "ข้าวหอม"})
    assert "<img src=x" not in html


def test_highlight_never_splits_a_character_cluster(publish):
    article = publish(title="เรื่อง", background="ข้าวเหนียว")
    html = str(search.snippet(article, search.parse_query("ข")))
    assert "<mark>ข้</mark>" in html


# ---- query count and the index in the plan ----------------------------------------------------


@pytest.mark.parametrize(("articles", "images"), [(1, 1), (15, 3)])
def test_search_query_count_is_fixed(client, publish, django_assert_num_queries, articles, images):
    for number in range(articles):
        article = publish(title=f"ปุ๋ยหมักสูตร {number}")
        for order in range(images):
            make_image(article=article, order=order)
    client.get("/articles/")  # reads what every page of this content version shares
    # the page's ranked ids with the count, their articles (no images)
    with django_assert_num_queries(2):
        assert client.get("/articles/", {"q": "ปุ๋ยหมัก"})["X-Public-Cache"] == "miss"


def page_query(text):
    """SQL and parameters of the production query: the first page of ranked ids, counted."""
    queryset = search.counted(search.ranked_ids(search.parse_query(text)))
    return queryset[:12].query.sql_with_params()


def test_postgresql_search_uses_the_gin_index(sample):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    sql, params = page_query("นาดูน")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "articles_search_document_gin" in plan


def test_sqlite_search_uses_the_fts5_index(sample):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    sql, params = page_query("นาดูน")
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
    assert "articles_search_fts VIRTUAL TABLE INDEX" in plan


def test_sqlite_index_triggers_exist(db):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        triggers = {row[0] for row in cursor.fetchall()}
    assert {
        "articles_search_fts_insert",
        "articles_search_fts_update",
        "articles_search_fts_delete",
    } <= triggers


# ---- rate limit -------------------------------------------------------------------------------


@pytest.fixture
def frozen_minute():
    """The clock stopped in the middle of the current minute: the limit counts per minute, so a
    test's searches never straddle two windows (one in three runs did)."""
    now = time.time()
    with time_machine.travel(now - now % 60 + 30, tick=False):
        yield


def test_searches_are_rate_limited(client, sample, settings, frozen_minute):
    settings.SAMMACHIP_SEARCH_RATE_LIMIT = 3
    for _ in range(3):
        client.get("/articles/", {"q": "ขวัญ"})
    assert client.get("/articles/", {"q": "ขวัญ"}).status_code == 429


def test_rate_limit_page_is_thai(client, sample, settings, frozen_minute):
    settings.SAMMACHIP_SEARCH_RATE_LIMIT = 1
    client.get("/articles/", {"q": "ขวัญ"})
    assert "ค้นหาบ่อยเกินไป" in client.get("/articles/", {"q": "ขวัญ"}).content.decode()


def test_rate_limit_says_when_to_retry(client, sample, settings, frozen_minute):
    settings.SAMMACHIP_SEARCH_RATE_LIMIT = 1
    client.get("/articles/", {"q": "ขวัญ"})
    assert client.get("/articles/", {"q": "ขวัญ"})["Retry-After"] == "60"


def test_rate_limit_is_per_client(client, sample, settings, frozen_minute):
    settings.SAMMACHIP_SEARCH_RATE_LIMIT = 1
    client.get("/articles/", {"q": "ขวัญ"}, REMOTE_ADDR="10.0.0.1")
    assert client.get("/articles/", {"q": "ขวัญ"}, REMOTE_ADDR="10.0.0.2").status_code == 200


def test_plain_list_is_not_rate_limited(client, sample, settings, frozen_minute):
    settings.SAMMACHIP_SEARCH_RATE_LIMIT = 1
    client.get("/articles/", {"q": "ขวัญ"})
    assert client.get("/articles/").status_code == 200


def test_rate_limit_behind_a_proxy_counts_the_forwarded_client(
    client, sample, settings, frozen_minute
):
    settings.SAMMACHIP_SEARCH_RATE_LIMIT = 1
    settings.SAMMACHIP_TRUSTED_PROXY_HOPS = 1
    client.get("/articles/", {"q": "ขวัญ"}, HTTP_X_FORWARDED_FOR="203.0.113.1")
    response = client.get("/articles/", {"q": "ขวัญ"}, HTTP_X_FORWARDED_FOR="203.0.113.2")
    assert response.status_code == 200


def test_forged_forwarded_for_does_not_escape_the_limit(client, sample, settings, frozen_minute):
    settings.SAMMACHIP_SEARCH_RATE_LIMIT = 1
    settings.SAMMACHIP_TRUSTED_PROXY_HOPS = 1
    # nginx appends the real address: a forged first entry changes nothing.
    client.get("/articles/", {"q": "ขวัญ"}, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.1")
    response = client.get("/articles/", {"q": "ขวัญ"}, HTTP_X_FORWARDED_FOR="2.2.2.2, 203.0.113.1")
    assert response.status_code == 429


# ---- the analysis -----------------------------------------------------------------------------


def test_query_and_text_are_normalised_alike():
    assert search.parse_query("สรา้ง").parts[0].words == ("สร้าง",)


def test_compound_is_split_into_its_dictionary_words():
    assert search.sub_words("พระบรมธาตุ") == ("พระ", "บรม", "ธาตุ")


def test_tone_marks_survive_segmentation():
    assert search.words(search.normalise("ข้าวกับข่าว")) == ["ข้าว", "กับ", "ข่าว"]


def test_a_very_long_run_of_letters_is_indexed_cut(client, publish):
    publish(title="รหัสยาว", background="x" * 5000)
    assert results(client, "x" * 80) == ["รหัสยาว"]


@pytest.mark.parametrize("with_menus", [True, False])
def test_result_articles_come_with_category_and_district_in_one_query(
    publish, django_assert_num_queries, with_menus
):
    from articles.views import filter_menus

    first, second = publish(title="ปุ๋ยหมักหนึ่ง"), publish(title="ปุ๋ยหมักสอง")
    name = first.category.name  # one category for both (the fixture's)
    menus = filter_menus() if with_menus else {}
    with django_assert_num_queries(1):
        found = search.articles_in_order([second.pk, first.pk], **menus)
        shown = [(a.pk, a.category.name, a.district.name_th) for a in found]
    assert shown == [(second.pk, name, "พล"), (first.pk, name, "พล")]


# ---- one mark for one compound, "did you mean" (issue 18, item 16) ------------------------------


def test_the_words_of_a_compound_are_one_mark(publish):
    article = publish(title="การสร้างสัมมาชีพชุมชน", background="การสร้างสัมมาชีพชุมชนในหมู่บ้าน")
    query = search.parse_query("สัมมาชีพ ชุมชน")
    assert str(search.highlight(article.title, query)) == "การสร้าง<mark>สัมมาชีพชุมชน</mark>"
    assert "<mark>สัมมาชีพชุมชน</mark>ใน" in str(search.snippet(article, query))


def test_words_apart_stay_two_marks(publish):
    article = publish(title="สัมมาชีพ ของชุมชน")
    query = search.parse_query("สัมมาชีพ ชุมชน")
    assert str(search.highlight(article.title, query)) == (
        "<mark>สัมมาชีพ</mark> ของ<mark>ชุมชน</mark>"
    )


def test_the_result_page_shows_no_gap_inside_a_compound(client, publish):
    publish(title="ผ้าไหมมัดหมี่บ้านเพ็ก")
    html = html_of(client, "/articles/", {"q": "ผ้าไหม มัดหมี่"})
    assert "<mark>ผ้าไหมมัดหมี่</mark>บ้านเพ็ก" in html
    assert "</mark><mark>" not in html


# ---- did you mean ----------------------------------------------------------------------------


def test_a_near_miss_is_mended_from_the_vocabulary(client, sample):
    assert results(client, "สัมมาชิพ") == []
    html = html_of(client, "/articles/", {"q": "สัมมาชิพ"})
    assert 'หมายถึง <a href="/articles/?q=%E0%B8%AA' in html
    assert "<strong>สัมมาชีพ</strong></a> ใช่ไหม" in html
    # and the suggestion finds the article
    assert results(client, "สัมมาชีพ") == ["เทคนิคการหนุนเสริมสัมมาชีพสู่การเป็น OTOP"]


def test_each_part_of_the_query_is_mended_on_its_own(sample):
    assert search.suggestion(search.parse_query("สัมมาชิพ otop")) == "สัมมาชีพ otop"


def test_a_word_inside_a_longer_part_is_mended(sample):
    # "สัมมาชิพโอทอป": no token near the whole part; its word ชิพ is mended (สัมมา is a token).
    mended = search.suggestion(search.parse_query("หนุนเสริมสัมมาชิพ"))
    assert mended == "หนุนเสริมสัมมาชีพ"


def test_no_suggestion_for_a_query_of_known_words_or_far_from_any(client, sample):
    assert search.suggestion(search.parse_query("สัมมาชีพ")) == ""
    assert search.suggestion(search.parse_query("คอมพิวเตอร์")) == ""
    html = html_of(client, "/articles/", {"q": "คอมพิวเตอร์"})
    assert "ใช่ไหม" not in html


def test_drafts_are_not_in_the_vocabulary(publish, on_commit):
    publish(title="ข้าวหอมมะลิ")
    with on_commit():
        services.article_save(
            article=Article(title="ลับเฉพาะร่างแรก", category=make_category(), district_id="4012"),
            user=None,
        )
    counts, _ = suggest.vocabulary()
    assert "ข้าว" in counts
    assert "ลับ" not in counts


def test_the_vocabulary_is_read_once_per_content_version(publish, django_assert_num_queries):
    publish(title="ข้าวหอมมะลิ")
    suggest.vocabulary()
    with django_assert_num_queries(0):
        suggest.vocabulary()
    publish(title="ปุ๋ยหมัก")  # a change bumps the version
    assert "ปุ๋ย" in suggest.vocabulary()[0]


def test_edit_distance_stops_past_its_limit():
    assert suggest.edit_distance("สัมมาชิพ", "สัมมาชีพ", 2) == 1
    assert suggest.edit_distance("ข้าว", "ข่าว", 1) == 1
    assert suggest.edit_distance("คอมพิวเตอร์", "สัมมาชีพ", 2) == 3


# ---- Thai digits are the same numbers as Arabic ones (QA of the public search) --------------


def test_thai_digits_are_normalised_to_arabic_ones():
    assert search.normalise("๒๐ ครัวเรือน ๕๒") == "20 ครัวเรือน 52"
    assert search.parse_query("๕๒").parts[0].words == ("52",)


@pytest.mark.parametrize("query", ["52", "๕๒", "๒๐ ครัวเรือน", "20 ครัวเรือน", "๑๒๓", "123"])
def test_thai_and_arabic_digits_find_the_same_articles(client, publish, query):
    publish(title="กลุ่มทอผ้า", background="มีสมาชิก 52 คน ผลผลิต ๑๒๓ ผืน เป้าหมาย ๒๐ ครัวเรือน")
    assert results(client, query) == ["กลุ่มทอผ้า"]


def test_a_number_in_thai_digits_is_marked_as_the_reader_wrote_it(publish):
    article = publish(title="ผลผลิต ๑๒๓ ผืน", background="เป้าหมาย ๒๐ ครัวเรือน")
    assert "<mark>๑๒๓</mark>" in str(search.highlight(article.title, search.parse_query("123")))
    snippet = str(search.snippet(article, search.parse_query("20 ครัวเรือน")))
    assert "<mark>๒๐</mark>" in snippet


def test_a_number_is_not_a_prefix_of_another_number_in_thai_digits(client, publish):
    publish(title="กลุ่มทอผ้า", background="มีสมาชิก ๕๒ คน")
    assert results(client, "๕๓") == []


# ---- "did you mean" never mends a real word or a number, and only to what finds something --


@pytest.fixture
def vocabulary_with_near_words(publish):
    """Published tokens one edit from the query words: ผลัก (ผัก), 2 (20), ปลูก."""
    publish(title="ชุมชนผลักรถ", background="ปลูกข้าวหอมมะลิ ผู้เข้าร่วม 2 ครัวเรือน")


@pytest.mark.parametrize("query", ["ปลูกผัก", "ผัก", "20 ครัวเรือน", "๒๐ ครัวเรือน"])
def test_no_suggestion_for_real_words_or_numbers(client, vocabulary_with_near_words, query):
    assert results(client, query) == []
    assert search.suggestion(search.parse_query(query)) == ""
    assert "ใช่ไหม" not in html_of(client, "/articles/", {"q": query})


def test_numbers_are_in_the_vocabulary_but_never_offered(publish):
    publish(title="รุ่น 12 และ 2")
    counts, by_length = suggest.vocabulary()
    assert "12" in counts
    offered = {token for tokens in by_length.values() for token, _n in tokens}
    assert offered.isdisjoint({"12", "2"})
    assert "รุ่น" in offered


def test_a_suggestion_that_finds_nothing_is_not_offered(client, sample):
    # สัมมาชีพ is a token of the sample, but no article of another category has it
    other = make_category(name="อื่น ๆ", slug="other")
    query = search.parse_query("สัมมาชิพ")
    assert search.suggestion(query, category=other) == ""
    assert search.suggestion(query, category=Article.objects.get().category) == "สัมมาชีพ"
    assert "ใช่ไหม" not in html_of(client, "/articles/", {"q": "สัมมาชิพ", "category": "other"})


def test_a_suggestion_is_counted_in_one_query(sample, django_assert_num_queries):
    query = search.parse_query("สัมมาชิพ")
    suggest.vocabulary()
    with django_assert_num_queries(1):
        assert search.suggestion(query) == "สัมมาชีพ"
    with django_assert_num_queries(0):  # nothing mended: nothing to count
        assert search.suggestion(search.parse_query("ปลูกผัก")) == ""


@pytest.mark.parametrize(
    ("word", "token"),
    [
        ("ซัมมาชีพ", "สัมมาชีพ"),  # an edit at the start
        ("สัมมาชิพ", "สัมมาชีพ"),  # inside
        ("สัมมาชีบ", "สัมมาชีพ"),  # at the end
        ("สัมมชีพ", "สัมมาชีพ"),  # a character left out
        ("ซัมมาชีบ", "สัมมาชีพ"),  # two edits, at both ends
        ("ข่าว", "ข้าว"),
    ],
)
def test_nearest_finds_a_token_whatever_the_edits_touch(word, token):
    by_length = {len(token): [(token, 1)], 3: [("ชีพ", 5)]}
    assert suggest.nearest(word, by_length) == token


def test_a_run_of_real_words_is_mended_by_one_edit_only():
    by_length = {7: [("ปลูกฝัง", 9)]}  # two edits from ปลูกผัก, both dictionary words
    part = search.parse_query("ปลูกผัก").parts[0]
    assert suggest._mended(part, {"ปลูกฝัง": 9}, by_length) == "ปลูกผัก"
