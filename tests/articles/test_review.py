"""Submitting from the edit page, the reviewer's count on the admin home, and a pending revision
shown against the published text (issue 18, item 4)."""

import pytest
from django.urls import reverse

from articles import services
from articles.models import Article
from articles.revisions import line_rows, revision_changes
from tests.articles.factories import make_article, make_category
from tests.articles.test_admin import change_url, form_data

pytestmark = pytest.mark.django_db


# ---- "save and submit" on the edit page ------------------------------------------------------


def test_the_edit_page_of_a_draft_offers_save_and_submit(client, phon_officer):
    article = make_article(status="draft")
    client.force_login(phon_officer)
    html = client.get(change_url(article)).content.decode()
    assert 'name="_submit_for_review"' in html
    assert "บันทึกและส่งตรวจ" in html


def test_save_and_submit_saves_the_edit_and_sends_the_draft_to_review(client, phon_officer):
    article = make_article(status="draft")
    client.force_login(phon_officer)
    response = client.post(
        change_url(article),
        form_data(article, title="สูตรใหม่", _submit_for_review="1"),
        follow=True,
    )
    article.refresh_from_db()
    assert article.status == "review"
    assert article.title == "สูตรใหม่"
    assert "ส่งบทความให้เจ้าหน้าที่จังหวัดตรวจแล้ว" in response.content.decode()


def test_a_new_article_can_be_saved_and_submitted_at_once(client, phon_officer):
    category = make_category()
    client.force_login(phon_officer)
    blank = Article(category=category, district_id="4012", title="สูตรน้ำพริก")
    response = client.post(
        reverse("admin:articles_article_add"), form_data(blank, _submit_for_review="1")
    )
    article = Article.objects.get()
    assert article.status == "review"
    assert response["Location"] == change_url(article)


def test_an_article_in_review_is_not_offered_the_submit_button(client, phon_officer):
    article = make_article(status="review")
    client.force_login(phon_officer)
    assert 'name="_submit_for_review"' not in client.get(change_url(article)).content.decode()


def test_plain_save_does_not_submit(client, phon_officer):
    article = make_article(status="draft")
    client.force_login(phon_officer)
    client.post(change_url(article), form_data(article, title="สูตรใหม่"))
    article.refresh_from_db()
    assert article.status == "draft"


# ---- the reviewer's count on the admin home -------------------------------------------------


def test_provincial_staff_see_how_many_articles_wait_with_a_link(client, province_staff, imported):
    make_article(status="review", district="4001")
    make_article(status="draft", district="4001")
    imported.title = "ชื่อใหม่จากอำเภอ"
    services.article_save(article=imported, user=None)  # a direct save: no pending revision
    client.force_login(province_staff)
    html = client.get(reverse("admin:index")).content.decode()
    assert '<a href="/admin/articles/article/?review=waiting">บทความรอตรวจ 1 เรื่อง</a>' in html


def test_a_pending_revision_counts_as_waiting(client, province_staff, phon_officer, imported):
    client.force_login(phon_officer)
    client.post(change_url(imported), form_data(imported, title="ชื่อใหม่จากอำเภอ"))
    make_article(status="review", district="4001")
    client.force_login(province_staff)
    html = client.get(reverse("admin:index")).content.decode()
    assert "บทความรอตรวจ 2 เรื่อง" in html


def test_the_link_lists_exactly_the_waiting_articles(client, province_staff):
    make_article(title="เรื่องรอตรวจ", status="review", district="4001")
    make_article(title="เรื่องฉบับร่าง", status="draft", district="4001")
    client.force_login(province_staff)
    html = client.get("/admin/articles/article/?review=waiting").content.decode()
    assert "เรื่องรอตรวจ" in html
    assert "เรื่องฉบับร่าง" not in html


def test_district_officers_see_no_review_count(client, phon_officer):
    make_article(status="review", district="4012")
    client.force_login(phon_officer)
    assert "บทความรอตรวจ" not in client.get(reverse("admin:index")).content.decode()


# ---- a pending revision against the published text ------------------------------------------


def test_the_reviewer_sees_the_pending_revision_against_the_live_text(
    client, province_staff, phon_officer, imported
):
    live_title = imported.title
    client.force_login(phon_officer)
    client.post(
        change_url(imported),
        form_data(imported, title="ชื่อใหม่ <script>alert(1)</script>"),
    )
    client.force_login(province_staff)
    html = client.get(change_url(imported)).content.decode()
    assert "ฉบับแก้ไขรอตรวจ เทียบกับฉบับที่เผยแพร่อยู่" in html
    assert "<h3>ชื่อเรื่อง</h3>" in html  # the field's Thai label
    assert f"<del>{live_title}</del>" in html  # the published title, struck out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # escaped
    assert "<script>alert(1)" not in html


def test_the_diff_lists_only_changed_fields_with_names_for_foreign_keys(imported):
    other = make_category(name="หมวดใหม่", slug="new-category")
    content = services.snapshot(imported)
    content["category_id"] = other.pk
    content["cautions"] = imported.cautions + "\nระวังไฟ"
    changes = revision_changes(imported, content)
    assert [c["name"] for c in changes] == ["category_id", "cautions"]
    assert changes[0]["label"] == "หมวด"
    assert {"kind": "added", "parts": [(True, "หมวดใหม่")]} in changes[0]["rows"]
    assert changes[1]["rows"][-1] == {"kind": "added", "parts": [(True, "ระวังไฟ")]}


def test_a_changed_line_is_marked_word_by_word():
    rows = line_rows("ต้มน้ำให้เดือด แล้วใส่พริก", "ต้มน้ำให้เดือด แล้วใส่กระเทียม")
    removed = next(r for r in rows if r["kind"] == "removed")
    added = next(r for r in rows if r["kind"] == "added")
    assert (True, "พริก") in removed["parts"]
    assert (True, "กระเทียม") in added["parts"]
    assert "".join(text for _, text in added["parts"]) == "ต้มน้ำให้เดือด แล้วใส่กระเทียม"
    assert added["parts"][0] == (False, "ต้มน้ำให้เดือด แล้วใส่")


def test_unchanged_lines_far_from_a_change_fold():
    old = "\n".join(f"บรรทัด {n}" for n in range(10))
    new = old.replace("บรรทัด 5", "บรรทัด ห้า")
    kinds = [row["kind"] for row in line_rows(old, new)]
    assert kinds == ["skip", "same", "removed", "added", "same", "skip"]


def test_the_review_count_comes_before_the_programme_panel(client, province_staff):
    make_article(status="review", district="4001")
    client.force_login(province_staff)
    html = client.get(reverse("admin:index")).content.decode()
    assert html.index('id="articles-review"') < html.index('id="programme-home"')


def test_line_endings_and_trailing_spaces_are_not_changes(imported):
    content = services.snapshot(imported)
    content["materials"] = imported.materials.replace("\n", " \r\n")
    assert revision_changes(imported, content) == []


def test_a_reviewer_saves_and_publishes_a_submitted_article_from_its_page(client, province_staff):
    article = make_article(status="review", district="4001")
    client.force_login(province_staff)
    assert 'name="_publish"' in client.get(change_url(article)).content.decode()
    client.post(change_url(article), form_data(article, _publish="1"))
    article.refresh_from_db()
    assert article.status == "published"


def test_an_officer_is_not_offered_publish_and_cannot_post_it(client, phon_officer):
    article = make_article(status="review")
    client.force_login(phon_officer)
    assert 'name="_publish"' not in client.get(change_url(article)).content.decode()
    client.post(change_url(article), form_data(article, _publish="1"))
    article.refresh_from_db()
    assert article.status == "review"
