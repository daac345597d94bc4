"""Issue 13, the articles part: image changes on a published article wait for review like text
(item 3), and every constraint of the articles models speaks Thai (item 16)."""

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import search
from articles.models import ArticleImage, ArticleRevision
from tests.articles.factories import make_article, make_image, upload
from tests.articles.test_admin import form_data

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/articles/article/"
CAPTION = "UNREVIEWED CAPTION"


@pytest.fixture
def published(geography, django_capture_on_commit_callbacks):
    """A published article of อ.พล with one image captioned “ภาพเดิม”."""
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(status="published", district="4012")
        image = make_image(article=article, alt_text="ภาพเดิมของบทความ")
        image.caption = "ภาพเดิม"
        image.save()
    return article


@pytest.fixture
def officer_client(client, phon_officer):
    client.force_login(phon_officer)
    return client


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def public_page(article):
    """What an anonymous visitor gets at the article's canonical URL."""
    response = Client().get(f"/articles/{article.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def image_forms(article, *forms):
    """The image inline's POST data: the article's images as they are, changed or followed by
    ``forms`` (dicts of field → value; one with an ``id`` changes that image)."""
    stored = list(ArticleImage.objects.filter(article=article).order_by("order", "id"))
    rows = [
        {"id": image.pk, "alt_text": image.alt_text, "caption": image.caption, "order": image.order}
        for image in stored
    ]
    for form in forms:
        if "id" in form:
            next(row for row in rows if row["id"] == form["id"]).update(form)
        else:
            rows.append(form)
    data = {"images-TOTAL_FORMS": str(len(rows)), "images-INITIAL_FORMS": str(len(stored))}
    for index, row in enumerate(rows):
        data[f"images-{index}-article"] = article.pk
        for name, value in row.items():
            data[f"images-{index}-{name}"] = value
    return data


def officer_saves(client, article, on_commit, *forms):
    """The officer submits the change form with ``forms``; the admin says it waits for review."""
    data = form_data(article, **image_forms(article, *forms))
    with on_commit():
        response = client.post(
            reverse("admin:articles_article_change", args=[article.pk]), data, follow=True
        )
    html = response.content.decode()
    assert "บันทึกเป็นฉบับแก้ไขรอตรวจแล้ว" in html, html[:3000]
    return response


def review(client, province_staff, article, on_commit, action="publish"):
    client.force_login(province_staff)
    data = {"action": action, "_selected_action": [article.pk]}
    if action == "send_back":
        data.update(apply="1", comment="ขอรูปที่ชัดกว่านี้")
    with on_commit():
        client.post(CHANGELIST, data)


def new_image():
    return {"image": upload(), "alt_text": "ภาพใหม่ที่ยังไม่ผ่านการตรวจ", "caption": CAPTION, "order": 5}


def test_item3_officer_image_addition_waits_for_approval(
    client, officer_client, published, province_staff, on_commit
):
    """Item 3: an image a district officer adds to a published article stays off the public page
    until provincial staff approve the revision."""
    before = public_page(published)
    officer_saves(officer_client, published, on_commit, new_image())
    assert public_page(published) == before
    review(client, province_staff, published, on_commit)
    assert CAPTION in public_page(published)


def test_item3_officer_caption_edit_waits_for_approval(
    client, officer_client, published, province_staff, on_commit
):
    """Item 3: a caption edited by a district officer on a published article is public only once
    approved; until then the published caption stays."""
    image = published.images.get()
    officer_saves(officer_client, published, on_commit, {"id": image.pk, "caption": CAPTION})
    html = public_page(published)
    assert CAPTION not in html
    assert "ภาพเดิม" in html
    review(client, province_staff, published, on_commit)
    assert CAPTION in public_page(published)


def test_item3_officer_image_deletion_waits_for_approval(
    client, officer_client, published, province_staff, on_commit
):
    """Item 3: an image a district officer deletes from a published article stays public until
    the revision is approved."""
    image = published.images.get()
    url = image.full["url"]
    officer_saves(officer_client, published, on_commit, {"id": image.pk, "DELETE": "on"})
    assert url in public_page(published)
    review(client, province_staff, published, on_commit)
    assert url not in public_page(published)


def test_item3_sent_back_image_changes_are_discarded(
    client, officer_client, published, province_staff, on_commit
):
    """Item 3: when the revision is sent back, its added image is discarded and the published
    images are as they were."""
    image = published.images.get()
    officer_saves(
        officer_client, published, on_commit, new_image(), {"id": image.pk, "caption": "แก้แล้ว"}
    )
    review(client, province_staff, published, on_commit, action="send_back")
    assert list(published.images.values_list("caption", flat=True)) == ["ภาพเดิม"]


def test_item3_reviewer_sees_the_image_changes(
    client, officer_client, published, province_staff, on_commit
):
    """Item 3: the revision under review shows the images it adds."""
    officer_saves(officer_client, published, on_commit, new_image())
    revision = ArticleRevision.objects.get(article=published, status="pending")
    client.force_login(province_staff)
    url = reverse("admin:articles_articlerevision_change", args=[revision.pk])
    assert CAPTION in client.get(url).content.decode()


def test_item3_unreviewed_image_is_on_no_public_path(
    client, officer_client, geography, province_staff, on_commit
):
    """Item 3: an unreviewed image is not the cover on the list, the home page, the share image
    (og:image) or a search result."""
    with on_commit():
        article = make_article(status="published", title="ผ้าไหมลายโบราณ")
    search.search_entry_update(article_id=article.pk)
    officer_saves(officer_client, article, on_commit, new_image())
    proposed = ArticleImage.objects.get(article=article)
    names = [proposed.image.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]]
    pages = [
        public_page(article),
        Client().get("/articles/").content.decode(),
        Client().get("/").content.decode(),
        Client().get("/articles/", {"q": "ผ้าไหม"}).content.decode(),
        Client().get("/articles/feed/").content.decode(),
        Client().get("/sitemap.xml").content.decode(),
    ]
    for info in proposed.renditions.values():
        names.append(info["name"].rsplit("/", 1)[-1])
    for html in pages:
        assert not any(name in html for name in names)


def test_item3_publisher_image_edit_is_public_at_once(client, published, province_staff, on_commit):
    """Item 3 (the other half of the rule): provincial staff publish image changes directly."""
    client.force_login(province_staff)
    local = timezone.localtime(published.published_at)
    data = form_data(
        published,
        published_at_0=f"{local:%d/%m}/{local.year + 543}",
        published_at_1=f"{local:%H:%M}",
        **image_forms(published, new_image()),
    )
    with on_commit():
        client.post(reverse("admin:articles_article_change", args=[published.pk]), data)
    assert CAPTION in public_page(published)


# ---- item 16 ----------------------------------------------------------------------------------


def articles_constraints():
    for model in apps.get_app_config("articles").get_models():
        for constraint in model._meta.constraints:
            yield model, constraint


def test_item16_every_articles_constraint_has_a_thai_message():
    """Item 16: every CheckConstraint/UniqueConstraint of the articles models carries a Thai
    ``violation_error_message`` that does not show the constraint's name."""
    found = list(articles_constraints())
    assert found
    for model, constraint in found:
        assert isinstance(constraint, models.BaseConstraint)
        message = str(constraint.get_violation_error_message())
        assert not message.isascii(), (model, constraint.name)
        assert constraint.name not in message, (model, constraint.name)


def test_item16_image_without_alt_text_is_refused_in_thai(geography):
    """Item 16: a constraint's refusal in validation reads in Thai, without its name."""
    from django.core.exceptions import ValidationError

    image = ArticleImage(article=make_article(), alt_text="")
    with pytest.raises(ValidationError) as refused:
        image.validate_constraints()
    text = " ".join(refused.value.messages)
    assert "article_image_alt_required" not in text
    assert not text.isascii()


def test_item16_published_article_without_a_date_is_a_thai_form_error(
    client, published, province_staff
):
    """Item 16: provincial staff clearing the date of a published article get the constraint's
    Thai message on the form (it was a 500 from the database)."""
    client.force_login(province_staff)
    data = form_data(published, published_at_0="", published_at_1="", **image_forms(published))
    response = client.post(reverse("admin:articles_article_change", args=[published.pk]), data)
    html = response.content.decode()
    assert "บทความที่เผยแพร่แล้วต้องมีวันที่เผยแพร่" in html
    assert "article_published_has_date" not in html
