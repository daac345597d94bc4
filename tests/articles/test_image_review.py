"""Image changes follow the text's publish rule (``articles.services``): on a published article,
someone who may not publish only proposes them, in the pending revision."""

import pytest
from django.urls import reverse

from articles import services
from articles.models import ArticleImage, ArticleRevision
from tests.articles.factories import make_article, make_image, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(geography):
    article = make_article(status="published", district="4012")
    make_image(article=article, alt_text="ภาพเดิม")
    return article


def live_captions(article):
    return list(
        ArticleImage.objects.live().filter(article=article).values_list("caption", flat=True)
    )


def proposed(article, caption="ภาพใหม่"):
    image = ArticleImage(article=article, alt_text="ภาพใหม่", caption=caption, order=3)
    image.image = upload()
    return image


def test_an_image_alone_opens_a_pending_revision(published, phon_officer):
    services.article_image_save(image=proposed(published), user=phon_officer)
    revision = ArticleRevision.objects.get(article=published, status="pending")
    assert revision.content["images"]["added"] == [
        ArticleImage.objects.get(state=ArticleImage.State.PROPOSED).pk
    ]


def test_a_proposed_image_is_not_live(published, phon_officer):
    services.article_image_save(image=proposed(published), user=phon_officer)
    assert live_captions(published) == [""]


def test_a_draft_takes_an_officers_image_directly(geography, phon_officer):
    article = make_article(status="draft")
    services.article_image_save(image=proposed(article), user=phon_officer)
    assert live_captions(article) == ["ภาพใหม่"]


def test_a_publisher_changes_images_directly(published, province_staff):
    services.article_image_delete(image=published.images.get(), user=province_staff)
    assert not published.images.exists()


def test_a_new_text_version_keeps_the_waiting_images(published, phon_officer):
    services.article_image_save(image=proposed(published), user=phon_officer)
    published.title = "ชื่อใหม่"
    services.article_save(article=published, user=phon_officer)
    revision = ArticleRevision.objects.get(article=published, status="pending")
    assert len(revision.content["images"]["added"]) == 1


def test_publishing_the_revision_publishes_its_images(published, phon_officer, province_staff):
    services.article_image_save(image=proposed(published), user=phon_officer)
    services.article_publish(article=published, user=province_staff)
    assert sorted(live_captions(published)) == ["", "ภาพใหม่"]


def test_deleting_a_proposed_image_forgets_it(published, phon_officer):
    image = services.article_image_save(image=proposed(published), user=phon_officer)
    services.article_image_delete(image=image, user=phon_officer)
    revision = ArticleRevision.objects.get(article=published, status="pending")
    assert "images" not in revision.content


def test_a_new_file_for_a_published_image_is_proposed(published, phon_officer, province_staff):
    image = published.images.get()
    old_name = image.image.name
    image.image = upload()
    services.article_image_save(image=image, user=phon_officer)
    assert list(ArticleImage.objects.live().values_list("image", flat=True)) == [old_name]


def test_a_new_file_replaces_the_old_one_on_approval(published, phon_officer, province_staff):
    image = published.images.get()
    old_name = image.image.name
    image.image = upload()
    services.article_image_save(image=image, user=phon_officer)
    services.article_publish(article=published, user=province_staff)
    assert old_name not in ArticleImage.objects.values_list("image", flat=True)


def test_edit_page_continues_from_the_waiting_images(client, published, phon_officer):
    image = published.images.get()
    image.caption = "คำบรรยายที่รอตรวจ"
    services.article_image_save(image=image, user=phon_officer)
    client.force_login(phon_officer)
    html = client.get(reverse("admin:articles_article_change", args=[published.pk])).content
    assert "คำบรรยายที่รอตรวจ" in html.decode()


def test_edit_page_leaves_out_an_image_waiting_to_be_deleted(client, published, phon_officer):
    image = published.images.get()
    services.article_image_delete(image=image, user=phon_officer)
    client.force_login(phon_officer)
    html = client.get(reverse("admin:articles_article_change", args=[published.pk])).content
    assert f'name="images-0-id" value="{image.pk}"' not in html.decode()


def test_edit_page_lists_a_published_image(client, published, phon_officer):
    image = published.images.get()
    client.force_login(phon_officer)
    html = client.get(reverse("admin:articles_article_change", args=[published.pk])).content
    assert f'name="images-0-id" value="{image.pk}"' in html.decode()


def test_a_waiting_image_is_marked_on_the_edit_page(client, published, phon_officer):
    services.article_image_save(image=proposed(published), user=phon_officer)
    client.force_login(phon_officer)
    html = client.get(reverse("admin:articles_article_change", args=[published.pk])).content
    assert "รูปใหม่ รอตรวจ" in html.decode()
