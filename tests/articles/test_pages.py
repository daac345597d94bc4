"""Public article pages: what the public sees, what it does not, and fixed query counts."""

import datetime
import json
import re

import pytest
from django.utils import timezone

from articles.models import Article
from tests.articles.factories import make_article, make_category, make_image
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def section(html, field):
    match = re.search(rf'<section class="article-section" id="{field}".*?</section>', html, re.S)
    return match.group(0) if match else ""


# ---- the imported sample ----------------------------------------------------------------------


def test_sample_shows_the_buddhist_era_date(client, imported):
    assert "21 มิถุนายน 2560" in html_of(client, imported.get_absolute_url())


def test_sample_shows_the_author_like_the_legacy_post(client, imported):
    html = html_of(client, imported.get_absolute_url())
    assert re.search(r"<dt>โดย</dt><dd>นางประภาวดี ร่มเย็น</dd>", html)


def test_sample_shows_the_position(client, imported):
    assert "<dd>เจ้าหน้าที่พัฒนาชุมชน</dd>" in html_of(client, imported.get_absolute_url())


def test_sample_shows_the_address(client, imported):
    html = html_of(client, imported.get_absolute_url())
    assert "<dd>52 หมู่ที่ 11 ต.เพ็กใหญ่ อ.พล จ.ขอนแก่น</dd>" in html


@pytest.mark.parametrize(
    "heading",
    ["ความเป็นมา / แรงบันดาลใจ / เหตุผลที่ทำ", "วัตถุประสงค์", "วัตถุดิบ (ถ้ามี)", "อุปกรณ์"],
)
def test_sample_shows_its_non_empty_sections(client, imported, heading):
    assert f">{heading}</h2>" in html_of(client, imported.get_absolute_url())


@pytest.mark.parametrize("heading", ["กระบวนการ/ขั้นตอน", "ข้อพึงระวัง"])
def test_sample_has_no_heading_for_empty_sections(client, imported, heading):
    assert heading not in html_of(client, imported.get_absolute_url())


def test_sample_objectives_are_one_ordered_list(client, imported):
    objectives = section(html_of(client, imported.get_absolute_url()), "objectives")
    assert objectives.count("<ol") == 1


def test_sample_objectives_list_has_eight_items(client, imported):
    objectives = section(html_of(client, imported.get_absolute_url()), "objectives")
    assert objectives.count("<li>") == 8


def test_sample_shows_no_footer_text(client, imported):
    html = html_of(client, imported.get_absolute_url())
    assert "เว็บไซต์สัมมาชีพชุมชนจังหวัดขอนแก่น" not in html


def test_sample_shows_the_mended_tone_mark(client, imported):
    assert "สร้างขวัญกำลังใจ" in html_of(client, imported.get_absolute_url())


def test_page_is_thai(client, imported):
    assert '<html lang="th">' in html_of(client, imported.get_absolute_url())


# ---- who sees what ----------------------------------------------------------------------------


def test_draft_is_404_for_the_public(client, geography):
    article = make_article(status="draft")
    assert client.get(article.get_absolute_url()).status_code == 404


def test_review_is_404_for_the_public(client, geography):
    article = make_article(status="review")
    assert client.get(article.get_absolute_url()).status_code == 404


def test_archived_is_404_for_the_public(client, geography):
    article = make_article(status="archived", published_at=timezone.now())
    assert client.get(article.get_absolute_url()).status_code == 404


def test_officer_previews_a_draft_of_their_district(client, phon_officer):
    client.force_login(phon_officer)
    article = make_article(status="draft", district="4012")
    assert client.get(article.get_absolute_url()).status_code == 200


def test_preview_is_never_cached(client, phon_officer):
    client.force_login(phon_officer)
    article = make_article(status="draft", district="4012")
    assert "no-store" in client.get(article.get_absolute_url())["Cache-Control"]


def test_preview_says_it_is_a_preview(client, phon_officer):
    client.force_login(phon_officer)
    article = make_article(status="draft", district="4012")
    assert "ตัวอย่างสำหรับเจ้าหน้าที่" in html_of(client, article.get_absolute_url())


def test_officer_cannot_preview_another_districts_draft(client, muang_officer):
    client.force_login(muang_officer)
    article = make_article(status="draft", district="4012")
    assert client.get(article.get_absolute_url()).status_code == 404


def test_non_staff_user_gets_404_for_a_draft(client, geography):
    client.force_login(make_user(role="province", is_staff=False))
    article = make_article(status="draft")
    assert client.get(article.get_absolute_url()).status_code == 404


def test_future_article_is_not_public_yet(client, geography):
    article = make_article(
        status="published", published_at=timezone.now() + datetime.timedelta(hours=2)
    )
    assert client.get(article.get_absolute_url()).status_code == 404


def test_future_article_is_not_listed_yet(client, geography):
    make_article(
        status="published",
        title="บทความล่วงหน้า",
        published_at=timezone.now() + datetime.timedelta(hours=2),
    )
    assert "บทความล่วงหน้า" not in html_of(client, "/articles/")


def test_future_article_appears_on_its_own_at_its_time(client, geography):
    publish_at = timezone.now() + datetime.timedelta(hours=2)
    make_article(status="published", title="บทความล่วงหน้า", published_at=publish_at)
    assert Article.objects.published(now=publish_at + datetime.timedelta(seconds=1)).count() == 1


# ---- list filters -----------------------------------------------------------------------------


def test_list_filters_by_category_slug(client, geography):
    farming = make_category(name="เกษตร", slug="farming")
    make_article(status="published", title="ปลูกผักอินทรีย์", category=farming)
    make_article(status="published", title="ทอผ้าไหม")
    html = html_of(client, "/articles/?category=farming")
    assert "ทอผ้าไหม" not in html


def test_list_filter_by_category_keeps_matching(client, geography):
    farming = make_category(name="เกษตร", slug="farming")
    make_article(status="published", title="ปลูกผักอินทรีย์", category=farming)
    assert "ปลูกผักอินทรีย์" in html_of(client, "/articles/?category=farming")


def test_list_filters_by_district_code(client, geography):
    make_article(status="published", title="เรื่องจากพล", district="4012")
    make_article(status="published", title="เรื่องจากเมือง", district="4001")
    assert "เรื่องจากเมือง" not in html_of(client, "/articles/?district=4012")


def test_list_paginates(client, geography):
    category = make_category()
    for _ in range(13):
        make_article(status="published", category=category)
    assert "หน้า 1 จาก 2" in html_of(client, "/articles/")


def test_pagination_keeps_the_filter(client, geography):
    category = make_category(slug="weaving")
    for _ in range(13):
        make_article(status="published", category=category)
    assert "?category=weaving&amp;page=2" in html_of(client, "/articles/?category=weaving")


# ---- query counts -----------------------------------------------------------------------------


def published_with_images(count, images):
    category = make_category()
    for _ in range(count):
        article = make_article(status="published", category=category)
        for order in range(images):
            make_image(article=article, order=order)
    return category


@pytest.mark.parametrize(("articles", "images"), [(1, 1), (15, 3)])
def test_list_query_count_is_fixed(client, geography, django_assert_num_queries, articles, images):
    published_with_images(articles, images)
    # A new content version: the menus (categories, districts) and the next scheduled
    # publication are read once, then count, page, images.
    with django_assert_num_queries(6):
        client.get("/articles/")
    # Another page not in the cache (same content version): count, page, images.
    with django_assert_num_queries(3):
        assert client.get("/articles/", {"page": 1})["X-Public-Cache"] == "miss"
    with django_assert_num_queries(0):
        assert client.get("/articles/")["X-Public-Cache"] == "hit"


@pytest.mark.parametrize(("related", "images"), [(1, 1), (6, 4)])
def test_detail_query_count_is_fixed(client, geography, django_assert_num_queries, related, images):
    category = published_with_images(related, images)
    article = make_article(status="published", category=category)
    for order in range(images):
        make_image(article=article, order=order)
    client.get("/articles/")  # reads what every page of this content version shares
    # article, its images, related articles, their images
    with django_assert_num_queries(4):
        assert client.get(article.get_absolute_url())["X-Public-Cache"] == "miss"


# ---- sharing and machine-readable pages -------------------------------------------------------


def test_open_graph_title(client, imported):
    html = html_of(client, imported.get_absolute_url())
    assert '<meta property="og:title" content="เทคนิคการหนุนเสริมสัมมาชีพสู่การเป็น OTOP">' in html


def test_article_without_images_shares_the_site_image(client, imported):
    html = html_of(client, imported.get_absolute_url())
    assert re.search(
        r'<meta property="og:image" content="http://testserver/static/img/share-default\.png">',
        html,
    )


def test_article_with_an_image_shares_its_share_rendition(client, geography):
    article = make_article(status="published")
    make_image(article=article)
    html = html_of(client, article.get_absolute_url())
    assert re.search(
        r'<meta property="og:image" content="http://testserver/media/articles/share/', html
    )


def test_twitter_card_is_large(client, imported):
    html = html_of(client, imported.get_absolute_url())
    assert '<meta name="twitter:card" content="summary_large_image">' in html


def test_canonical_link(client, imported):
    html = html_of(client, imported.get_absolute_url())
    assert f'<link rel="canonical" href="http://testserver/articles/{imported.pk}/">' in html


def json_ld(html):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_json_ld_is_an_article(client, imported):
    assert json_ld(html_of(client, imported.get_absolute_url()))["@type"] == "Article"


def test_json_ld_names_the_author(client, imported):
    data = json_ld(html_of(client, imported.get_absolute_url()))
    assert data["author"]["name"] == "นางประภาวดี ร่มเย็น"


def test_editor_text_cannot_close_the_json_ld_script(client, geography):
    article = make_article(status="published", title="</script><script>alert(1)</script>")
    html = html_of(client, article.get_absolute_url())
    assert "<script>alert(1)" not in html


def test_editor_html_is_escaped_in_sections(client, geography):
    article = make_article(status="published", background="<b>ตัวหนา</b>")
    assert "&lt;b&gt;ตัวหนา&lt;/b&gt;" in html_of(client, article.get_absolute_url())


def test_images_have_alt_size_and_lazy_loading(client, geography):
    category = make_category()
    article = make_article(status="published", category=category)
    make_image(article=article, alt_text="ปราชญ์สาธิตการย้อมผ้า")
    html = html_of(client, "/articles/")
    assert re.search(
        r'<img src="[^"]+" width="640" height="360" alt="ปราชญ์สาธิตการย้อมผ้า" loading="lazy"', html
    )


def test_feed_lists_published_articles(client, imported):
    assert "เทคนิคการหนุนเสริมสัมมาชีพสู่การเป็น OTOP" in html_of(client, "/articles/feed/")


def test_feed_leaves_out_drafts(client, geography):
    make_article(status="draft", title="ร่างลับ")
    assert "ร่างลับ" not in html_of(client, "/articles/feed/")


def test_sitemap_lists_the_article(client, imported):
    assert f"http://testserver/articles/{imported.pk}/" in html_of(client, "/sitemap.xml")


def test_sitemap_leaves_out_drafts(client, geography):
    article = make_article(status="draft")
    assert f"/articles/{article.pk}/" not in html_of(client, "/sitemap.xml")


def test_robots_points_to_the_sitemap(client, db):
    assert "Sitemap: http://testserver/sitemap.xml" in html_of(client, "/robots.txt")


def test_robots_keeps_crawlers_out_of_the_admin(client, db):
    assert "Disallow: /admin/" in html_of(client, "/robots.txt")


def test_latest_articles_tag_lists_published(geography):
    from django.template import Context, Template

    make_article(status="published", title="ล่าสุดจากพล")
    html = Template("{% load articles %}{% latest_articles %}").render(Context())
    assert "ล่าสุดจากพล" in html


def test_navbar_links_to_the_articles(client, db):
    assert 'href="/articles/"' in html_of(client, "/articles/")
