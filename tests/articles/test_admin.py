"""The article admin: scoping, the workflow actions, BE dates, revisions."""

import pytest
from django.urls import reverse

from articles.models import Article, ArticleRevision
from tests.articles.factories import make_article, make_category

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/articles/article/"


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def form_data(article, **changes):
    data = {
        "title": article.title,
        "category": article.category_id,
        "author_name": article.author_name,
        "author_position": article.author_position,
        "address": article.address,
        "district": article.district_id or "",
        "subdistrict": article.subdistrict_id or "",
        "village": article.village_id or "",
        "sage": "",
        "occupation": "",
        "background": article.background,
        "objectives": article.objectives,
        "materials": article.materials,
        "equipment": article.equipment,
        "process": article.process,
        "cautions": article.cautions,
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
        "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "1000",
        "revisions-TOTAL_FORMS": "0",
        "revisions-INITIAL_FORMS": "0",
        "revisions-MIN_NUM_FORMS": "0",
        "revisions-MAX_NUM_FORMS": "0",
    }
    data.update(changes)
    return data


def test_officer_sees_own_districts_articles(client, phon_officer):
    make_article(title="เรื่องของพล", district="4012")
    client.force_login(phon_officer)
    assert "เรื่องของพล" in client.get(CHANGELIST).content.decode()


def test_officer_does_not_see_other_districts(client, phon_officer):
    make_article(title="เรื่องของเมือง", district="4001")
    client.force_login(phon_officer)
    assert "เรื่องของเมือง" not in client.get(CHANGELIST).content.decode()


def test_officer_does_not_see_provincial_articles(client, phon_officer):
    make_article(title="เรื่องระดับจังหวัด", district=None)
    client.force_login(phon_officer)
    assert "เรื่องระดับจังหวัด" not in client.get(CHANGELIST).content.decode()


def test_officer_cannot_open_another_districts_article(client, phon_officer):
    article = make_article(district="4001")
    client.force_login(phon_officer)
    assert client.get(change_url(article)).status_code == 302  # the admin's "does not exist"


def test_officer_is_not_offered_the_publish_action(client, phon_officer):
    client.force_login(phon_officer)
    make_article(district="4012")
    assert 'value="publish"' not in client.get(CHANGELIST).content.decode()


def test_staff_is_offered_the_publish_action(client, province_staff):
    client.force_login(province_staff)
    make_article(district="4012")
    assert 'value="publish"' in client.get(CHANGELIST).content.decode()


def test_officer_posting_the_publish_action_changes_nothing(client, phon_officer):
    article = make_article(status="review", district="4012")
    client.force_login(phon_officer)
    client.post(CHANGELIST, {"action": "publish", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == "review"


def test_staff_publishes_from_the_list(client, province_staff):
    article = make_article(status="review")
    client.force_login(province_staff)
    client.post(CHANGELIST, {"action": "publish", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == "published"


def test_staff_sends_back_with_a_comment(client, province_staff):
    article = make_article(status="review")
    client.force_login(province_staff)
    client.post(
        CHANGELIST,
        {
            "action": "send_back",
            "_selected_action": [article.pk],
            "apply": "1",
            "comment": "กรุณาเพิ่มขั้นตอน",
        },
    )
    article.refresh_from_db()
    assert article.review_comment == "กรุณาเพิ่มขั้นตอน"


def test_send_back_asks_for_the_comment_first(client, province_staff):
    article = make_article(status="review")
    client.force_login(province_staff)
    response = client.post(CHANGELIST, {"action": "send_back", "_selected_action": [article.pk]})
    assert "ความเห็นถึงผู้เขียน" in response.content.decode()


def test_author_sees_the_comment_on_the_form(client, phon_officer, province_staff):
    article = make_article(status="draft", review_comment="รูปไม่ชัด")
    client.force_login(phon_officer)
    assert "รูปไม่ชัด" in client.get(change_url(article)).content.decode()


def test_officer_submits_from_the_list(client, phon_officer):
    article = make_article(status="draft")
    client.force_login(phon_officer)
    client.post(CHANGELIST, {"action": "submit_for_review", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == "review"


def test_officer_adds_a_draft(client, phon_officer):
    category = make_category()
    client.force_login(phon_officer)
    blank = Article(category=category, district_id="4012", title="สูตรน้ำพริก")
    client.post(reverse("admin:articles_article_add"), form_data(blank))
    assert Article.objects.get().status == "draft"


def test_officer_must_choose_a_district(client, phon_officer):
    category = make_category()
    client.force_login(phon_officer)
    blank = Article(category=category, title="สูตรน้ำพริก")
    client.post(reverse("admin:articles_article_add"), form_data(blank))
    assert not Article.objects.exists()


def test_status_is_read_only_on_the_form(client, phon_officer):
    article = make_article(status="draft")
    client.force_login(phon_officer)
    client.post(change_url(article), form_data(article, status="published"))
    article.refresh_from_db()
    assert article.status == "draft"


def test_officer_edit_of_published_article_becomes_pending(client, phon_officer, imported):
    client.force_login(phon_officer)
    client.post(change_url(imported), form_data(imported, title="ชื่อใหม่จากอำเภอ"))
    assert ArticleRevision.objects.filter(status="pending").count() == 1


def test_officer_edit_keeps_the_published_title(client, phon_officer, imported):
    client.force_login(phon_officer)
    client.post(change_url(imported), form_data(imported, title="ชื่อใหม่จากอำเภอ"))
    imported.refresh_from_db()
    assert imported.title != "ชื่อใหม่จากอำเภอ"


def test_form_shows_the_pending_revision(client, phon_officer, imported):
    client.force_login(phon_officer)
    client.post(change_url(imported), form_data(imported, title="ชื่อใหม่จากอำเภอ"))
    assert "ชื่อใหม่จากอำเภอ" in client.get(change_url(imported)).content.decode()


def test_list_shows_buddhist_era_dates(client, province_staff, imported):
    client.force_login(province_staff)
    assert "21 มิถุนายน 2560" in client.get(CHANGELIST).content.decode()


def test_list_shows_no_christian_era_year(client, province_staff, imported):
    client.force_login(province_staff)
    assert "2017" not in client.get(CHANGELIST).content.decode()


def test_revision_shows_a_diff(client, province_staff, imported):
    imported.title = "ชื่อเรื่องที่แก้แล้ว"
    from articles import services

    revision = services.article_save(article=imported, user=province_staff)
    client.force_login(province_staff)
    url = reverse("admin:articles_articlerevision_change", args=[revision.pk])
    assert '<tr class="diff-added"><td>+</td><td>ชื่อเรื่องที่แก้แล้ว</td></tr>' in (
        client.get(url).content.decode()
    )


def test_staff_schedules_with_a_be_date(client, province_staff):
    article = make_article(status="draft")
    client.force_login(province_staff)
    client.post(
        change_url(article),
        form_data(article, published_at_0="01/01/2600", published_at_1="08:00"),
    )
    article.refresh_from_db()
    assert article.published_at.year == 2057


def changelist_queries(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(CHANGELIST)
    return len(queries)


def test_changelist_query_count_is_fixed(client, province_staff):
    client.force_login(province_staff)
    category = make_category()
    make_article(category=category)
    one = changelist_queries(client)
    for district in ("4001", "4005", "4012", None):
        make_article(category=make_category(), district=district)
    assert changelist_queries(client) == one
