"""The editorial workflow, through ``articles.services`` and the admin."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from articles import services
from articles.models import Article, ArticleRevision
from tests.articles.factories import make_article

pytestmark = pytest.mark.django_db


def test_officer_submits_a_draft(phon_officer):
    article = make_article(status="draft")
    assert services.article_submit(article=article, user=phon_officer).status == "review"


def test_officer_cannot_publish(phon_officer):
    article = make_article(status="review")
    with pytest.raises(PermissionDenied):
        services.article_publish(article=article, user=phon_officer)


def test_officer_cannot_publish_leaves_the_status(phon_officer):
    article = make_article(status="review")
    with pytest.raises(PermissionDenied):
        services.article_publish(article=article, user=phon_officer)
    article.refresh_from_db()
    assert article.status == "review"


def test_province_staff_publishes(province_staff):
    article = make_article(status="review")
    assert services.article_publish(article=article, user=province_staff).status == "published"


def test_publishing_sets_the_date_when_empty(province_staff):
    article = make_article(status="review")
    assert services.article_publish(article=article, user=province_staff).published_at is not None


def test_publishing_keeps_a_given_date(province_staff, imported):
    services.article_unpublish(article=imported, user=province_staff)
    before = Article.objects.get().published_at
    services.article_publish(article=imported, user=province_staff)
    assert Article.objects.get().published_at == before


def test_send_back_returns_to_draft(province_staff):
    article = make_article(status="review")
    result = services.article_send_back(article=article, user=province_staff, comment="เพิ่มรูป")
    assert result.status == "draft"


def test_send_back_leaves_the_comment_for_the_author(province_staff):
    article = make_article(status="review")
    services.article_send_back(article=article, user=province_staff, comment="เพิ่มขั้นตอน")
    article.refresh_from_db()
    assert article.review_comment == "เพิ่มขั้นตอน"


def test_send_back_needs_a_comment(province_staff):
    article = make_article(status="review")
    with pytest.raises(ValidationError):
        services.article_send_back(article=article, user=province_staff, comment="  ")


def test_officer_cannot_send_back(phon_officer):
    article = make_article(status="review")
    with pytest.raises(PermissionDenied):
        services.article_send_back(article=article, user=phon_officer, comment="x")


def test_unpublish_takes_it_offline(province_staff, imported):
    services.article_unpublish(article=imported, user=province_staff)
    assert not Article.objects.published().exists()


def test_archive(province_staff, imported):
    assert services.article_archive(article=imported, user=province_staff).status == "archived"


def test_cannot_submit_a_published_article(phon_officer, imported):
    with pytest.raises(ValidationError):
        services.article_submit(article=imported, user=phon_officer)


# ---- revisions of published articles ----------------------------------------------------------


def officer_edit(article, user, **changes):
    for name, value in changes.items():
        setattr(article, name, value)
    return services.article_save(article=article, user=user)


def test_officer_edit_of_published_article_waits_for_review(phon_officer, imported):
    revision = officer_edit(imported, phon_officer, title="ชื่อใหม่")
    assert revision.status == ArticleRevision.Status.PENDING


def test_published_text_stays_online_during_review(phon_officer, imported):
    officer_edit(imported, phon_officer, title="ชื่อใหม่")
    assert Article.objects.published().get().title == "เทคนิคการหนุนเสริมสัมมาชีพสู่การเป็น OTOP"


def test_publishing_the_revision_copies_it_over(phon_officer, province_staff, imported):
    officer_edit(imported, phon_officer, title="ชื่อใหม่")
    services.article_publish(article=imported, user=province_staff)
    assert Article.objects.get().title == "ชื่อใหม่"


def test_sending_back_a_revision_keeps_the_published_text(phon_officer, province_staff, imported):
    officer_edit(imported, phon_officer, title="ชื่อใหม่")
    services.article_send_back(article=imported, user=province_staff, comment="ชื่อยาวไป")
    assert Article.objects.published().get().title == "เทคนิคการหนุนเสริมสัมมาชีพสู่การเป็น OTOP"


def test_a_second_officer_edit_replaces_the_pending_one(phon_officer, imported):
    officer_edit(imported, phon_officer, title="ครั้งแรก")
    officer_edit(imported, phon_officer, title="ครั้งที่สอง")
    assert ArticleRevision.objects.filter(status="pending").get().content["title"] == "ครั้งที่สอง"


def test_staff_edit_of_published_article_goes_live(province_staff, imported):
    officer_edit(imported, province_staff, title="แก้โดยจังหวัด")
    assert Article.objects.published().get().title == "แก้โดยจังหวัด"


def test_every_save_keeps_a_revision(province_staff, imported):
    before = imported.revisions.count()
    officer_edit(imported, province_staff, title="แก้โดยจังหวัด")
    assert imported.revisions.count() == before + 1


# ---- the hook ---------------------------------------------------------------------------------


def test_workflow_fires_the_change_hook(province_staff, django_capture_on_commit_callbacks):
    article = make_article(status="review")
    actions = []

    def receiver(sender, article, action, **kwargs):
        actions.append(action)

    services.article_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.article_publish(article=article, user=province_staff)
            services.article_unpublish(article=article, user=province_staff)
    finally:
        services.article_changed.disconnect(receiver)
    assert actions == ["published", "unpublished"]
