"""The one place where articles change: saves, the editorial workflow, images and imports.

Workflow::

    draft ──submit──▶ review ──publish──▶ published ──archive──▶ archived
      ▲                 │                    │
      └───send back─────┘   ◀──unpublish─────┘   (send back carries a comment the author sees)

District officers write drafts for their districts and submit them. Only holders of
``articles.publish_article`` (provincial staff) publish, send back, unpublish and archive. An edit
of a published article by someone who may not publish becomes a *pending revision*: the published
text stays online until the revision is published (or sent back). Image changes follow the same
rule: added, re-captioned or deleted images of a published article by someone who may not publish
join its pending revision and reach the public pages only when it is published (sending it back
discards them; see "images" below).

The hook: every function here that changes an article ends in ``_changed(article, action)``,
which sends the ``article_changed`` signal once the transaction commits. A search index (or a
cache) connects to that signal and follows every change: admin form saves, admin actions, the
legacy import, seeding and the workflow. Nothing else in the project saves an Article.

A ``user`` of ``None`` means the system itself (a management command run by the operator).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from articles import images as image_files
from articles.models import REVISED_FIELDS, Article, ArticleImage, ArticleRevision, Category
from sammachip.images import clean_original, delete_names

PUBLISH_PERMISSION = "articles.publish_article"

# Sent after commit with ``article`` (the instance, possibly deleted), ``article_id`` and ``action``
# (a verb:
# "saved", "revised", "submitted", "published", "sent_back", "unpublished", "archived",
# "imported", "image_saved", "image_deleted", "deleted").
article_changed = Signal()


def _changed(article, action):
    """The single hook point: everything that changes an article passes here."""
    article_id = article.pk  # read now: after a delete the instance has no pk
    transaction.on_commit(
        lambda: article_changed.send(
            sender=Article, article=article, article_id=article_id, action=action
        )
    )


def can_publish(user):
    return user is None or user.has_perm(PUBLISH_PERMISSION)


def _require_publisher(user):
    if not can_publish(user):
        raise PermissionDenied(_("เฉพาะเจ้าหน้าที่ระดับจังหวัดเท่านั้นที่เผยแพร่หรือส่งกลับบทความได้"))


def _require_status(article, *allowed):
    if article.status not in allowed:
        raise ValidationError(
            _("ทำรายการนี้ไม่ได้ เพราะบทความอยู่ในสถานะ “%(status)s”")
            % {"status": article.get_status_display()}
        )


def snapshot(article):
    return {name: getattr(article, name) for name in REVISED_FIELDS}


def pending_revision(article):
    return article.revisions.filter(status=ArticleRevision.Status.PENDING).first()


def _locked(article):
    return Article.objects.select_for_update().get(pk=article.pk)


@transaction.atomic
def article_save(*, article, user):
    """Save an edit (a new article, or changes made on ``article``) and record a revision.

    An edit of a published article by a user who may not publish does not touch the article:
    it becomes (or replaces) its pending revision, and the article is flagged for review by that
    revision's presence. Returns the revision recorded."""
    if article.pk and not can_publish(user):
        stored = _locked(article)
        if stored.status == Article.Status.PUBLISHED:
            article.derive_geography()
            content = snapshot(article)
            previous = pending_revision(stored)
            if previous is not None:
                # The image changes waiting with the previous version wait with this one.
                if previous.content.get("images"):
                    content["images"] = previous.content["images"]
                previous.status = ArticleRevision.Status.SUPERSEDED
                previous.save(update_fields=["status"])
            revision = ArticleRevision.objects.create(
                article=stored,
                content=content,
                status=ArticleRevision.Status.PENDING,
                created_by=user,
            )
            _changed(stored, "revised")
            return revision
    if not article.pk and user is not None:
        article.created_by = user
    article.save()
    # A direct edit replaces any pending revision the editor was looking at (the edit page
    # shows it, its image changes included): those image changes are taken with it.
    previous = pending_revision(article)
    if previous is not None:
        _image_changes_apply(article, previous)
        previous.status = ArticleRevision.Status.SUPERSEDED
        previous.save(update_fields=["status"])
    revision = ArticleRevision.objects.create(
        article=article,
        content=snapshot(article),
        status=ArticleRevision.Status.SAVED,
        created_by=user,
    )
    _changed(article, "saved")
    return revision


@transaction.atomic
def article_submit(*, article, user):
    """draft → review (the author asks for publication)."""
    article = _locked(article)
    _require_status(article, Article.Status.DRAFT)
    article.status = Article.Status.REVIEW
    article.save(update_fields=["status", "updated_at"])
    _changed(article, "submitted")
    return article


@transaction.atomic
def article_publish(*, article, user, at=None):
    """review (or draft) → published, or publish the pending revision of a published article.

    ``published_at`` is set to ``at`` or now when empty; a future ``published_at`` makes the
    article public at that time (a query-time filter, no scheduled job)."""
    _require_publisher(user)
    article = _locked(article)
    revision = pending_revision(article)
    if revision is not None:
        for name in REVISED_FIELDS:
            if name in revision.content:
                setattr(article, name, revision.content[name])
        _image_changes_apply(article, revision)
        revision.status = ArticleRevision.Status.PUBLISHED
        revision.save(update_fields=["status"])
    else:
        _require_status(article, Article.Status.DRAFT, Article.Status.REVIEW)
    if at is not None:
        article.published_at = at
    elif article.published_at is None:
        article.published_at = timezone.now()
    article.status = Article.Status.PUBLISHED
    article.review_comment = ""
    article.save()
    if revision is None:
        ArticleRevision.objects.create(
            article=article,
            content=snapshot(article),
            status=ArticleRevision.Status.PUBLISHED,
            created_by=user,
        )
    _changed(article, "published")
    return article


@transaction.atomic
def article_send_back(*, article, user, comment):
    """review → draft with a comment for the author; on a published article, its pending
    revision is returned with the comment and the published text stays online."""
    _require_publisher(user)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(_("กรุณาเขียนเหตุผลที่ส่งกลับ ให้ผู้เขียนทราบว่าต้องแก้ไขอะไร"))
    article = _locked(article)
    revision = pending_revision(article)
    if revision is not None:
        _image_changes_discard(article, revision)
        revision.status = ArticleRevision.Status.RETURNED
        revision.comment = comment
        revision.save(update_fields=["status", "comment"])
    else:
        _require_status(article, Article.Status.REVIEW)
        article.status = Article.Status.DRAFT
    article.review_comment = comment
    article.save(update_fields=["status", "review_comment", "updated_at"])
    _changed(article, "sent_back")
    return article


@transaction.atomic
def article_unpublish(*, article, user):
    """published → draft: off the public site at once."""
    _require_publisher(user)
    article = _locked(article)
    _require_status(article, Article.Status.PUBLISHED)
    article.status = Article.Status.DRAFT
    article.save(update_fields=["status", "updated_at"])
    _changed(article, "unpublished")
    return article


@transaction.atomic
def article_archive(*, article, user):
    """Any status → archived: kept, never public."""
    _require_publisher(user)
    article = _locked(article)
    _require_status(article, Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.PUBLISHED)
    article.status = Article.Status.ARCHIVED
    article.save(update_fields=["status", "updated_at"])
    _changed(article, "archived")
    return article


@transaction.atomic
def article_delete(*, article, user):
    images = list(article.images.all())
    _changed(article, "deleted")
    article.delete()
    # Files go once the rows are gone for good: a rollback leaves no record without its files.
    transaction.on_commit(lambda: [image_files.delete_files(image) for image in images])


# ---- images -----------------------------------------------------------------------------------


# An image change follows the text's publish rule. On a published article, a change by someone
# who may not publish joins the article's pending revision (created if only images changed) as
# ``content["images"]`` = ``{"added": [pk], "changed": {"pk": {field: value}}, "deleted": [pk]}``:
# an added image (or a new file for a published one) is stored at once, with its renditions, in
# state ``PROPOSED``, which no public page shows (``ArticleImage.objects.live()``); a caption,
# alt text or order edit and a deletion leave the published row as it is. Publishing the
# revision applies them; sending it back discards the added images.

IMAGE_FIELDS = ("caption", "alt_text", "order")


def _image_changes(revision):
    changes = (revision.content.get("images") or {}) if revision is not None else {}
    return {
        "added": [int(pk) for pk in changes.get("added", [])],
        "changed": {str(pk): dict(values) for pk, values in changes.get("changed", {}).items()},
        "deleted": [int(pk) for pk in changes.get("deleted", [])],
    }


def _image_changes_record(revision, changes):
    content = dict(revision.content)
    if any(changes.values()):
        content["images"] = changes
    else:
        content.pop("images", None)
    revision.content = content
    revision.save(update_fields=["content"])
    _changed(revision.article, "revised")


def _image_review(article, user):
    """The pending revision an image change of ``article`` by ``user`` joins, or None when the
    change is direct (a publisher, or an article that is not published)."""
    if can_publish(user) or article.pk is None:
        return None
    stored = _locked(article)
    if stored.status != Article.Status.PUBLISHED:
        return None
    revision = pending_revision(stored)
    if revision is None:
        revision = ArticleRevision.objects.create(
            article=stored,
            content=snapshot(stored),
            status=ArticleRevision.Status.PENDING,
            created_by=user,
        )
    return revision


def _image_changes_apply(article, revision):
    """Make the image changes of ``revision`` public."""
    changes = _image_changes(revision)
    images = ArticleImage.objects.filter(article=article)
    images.filter(pk__in=changes["added"], state=ArticleImage.State.PROPOSED).update(
        state=ArticleImage.State.LIVE
    )
    for pk, values in changes["changed"].items():
        images.filter(pk=pk).update(**{k: v for k, v in values.items() if k in IMAGE_FIELDS})
    _image_rows_delete(images.filter(pk__in=changes["deleted"]))


def _image_changes_discard(article, revision):
    """Drop the images ``revision`` added; the published ones were never touched."""
    changes = _image_changes(revision)
    _image_rows_delete(
        ArticleImage.objects.filter(
            article=article, pk__in=changes["added"], state=ArticleImage.State.PROPOSED
        )
    )


def _image_rows_delete(queryset):
    images = list(queryset)
    for image in images:
        image.delete()
    # Files go once the rows are gone for good: a rollback leaves no record without its files.
    transaction.on_commit(lambda: [image_files.delete_files(image) for image in images])


def images_as_revised(article, images):
    """``images`` of ``article`` as its pending revision would leave them (what the edit page
    shows and an editor continues from, like the revision's text): edits applied, deletions
    left out, added images in."""
    revision = pending_revision(article) if article.pk else None
    images = list(images)
    if revision is None or not revision.content.get("images"):
        return images
    changes = _image_changes(revision)
    revised = []
    for image in images:
        if image.pk in changes["deleted"]:
            continue
        for name, value in changes["changed"].get(str(image.pk), {}).items():
            if name in IMAGE_FIELDS:
                setattr(image, name, value)
        revised.append(image)
    return sorted(revised, key=lambda image: (image.order, image.pk))


def _image_store(image):
    """Save ``image``; a newly uploaded file is stored without metadata under a random name and
    its renditions are made now, once."""
    is_new_file = bool(image.image) and not getattr(image.image, "_committed", True)
    if not is_new_file:
        image.save()
        return image
    original = clean_original(image.image.file)
    old = ArticleImage.objects.filter(pk=image.pk).first() if image.pk else None
    written = []
    try:
        image.image.save(original.name, original, save=False)
        written.append(image.image.name)
        renditions = image_files.make_renditions(image.image.file)  # cleans up after itself
        written.extend(info["name"] for info in renditions.values())
        image.renditions = renditions
        image.save()
    except BaseException:
        # Nothing half-written: the row is rolled back, so the files written for it go too.
        delete_names(written)
        raise
    if old is not None:
        # The replaced files go only once the new ones are committed.
        transaction.on_commit(lambda: image_files.delete_files(old))
    return image


@transaction.atomic
def article_image_save(*, image, user=None):
    """Save an ArticleImage (the file has passed ``sammachip.images.check_upload``), directly
    or, on a published article edited by someone who may not publish, as part of its pending
    revision."""
    revision = _image_review(image.article, user)
    if revision is None:
        image.state = ArticleImage.State.LIVE
        _image_store(image)
        _changed(image.article, "image_saved")
        return image
    changes = _image_changes(revision)
    stored = ArticleImage.objects.filter(pk=image.pk, article=image.article).first()
    is_new_file = bool(image.image) and not getattr(image.image, "_committed", True)
    if stored is not None and stored.state == ArticleImage.State.LIVE:
        if not is_new_file:
            values = {name: getattr(image, name) for name in IMAGE_FIELDS}
            if values == {name: getattr(stored, name) for name in IMAGE_FIELDS}:
                changes["changed"].pop(str(stored.pk), None)
            else:
                changes["changed"][str(stored.pk)] = values
            _image_changes_record(revision, changes)
            return image
        # A new file for a published image: the new one is proposed, the old one goes on approval.
        changes["changed"].pop(str(stored.pk), None)
        changes["deleted"].append(stored.pk)
        image.pk = None
        image._state.adding = True
    image.state = ArticleImage.State.PROPOSED
    _image_store(image)
    if image.pk not in changes["added"]:
        changes["added"].append(image.pk)
    _image_changes_record(revision, changes)
    return image


@transaction.atomic
def article_image_delete(*, image, user=None):
    """Delete an image, or, on a published article by someone who may not publish, propose its
    deletion in the pending revision."""
    article = image.article
    revision = _image_review(article, user)
    if revision is not None:
        changes = _image_changes(revision)
        stored = ArticleImage.objects.filter(pk=image.pk, article=article).first()
        if stored is not None and stored.state == ArticleImage.State.LIVE:
            changes["changed"].pop(str(stored.pk), None)
            if stored.pk not in changes["deleted"]:
                changes["deleted"].append(stored.pk)
            _image_changes_record(revision, changes)
            return
        if image.pk in changes["added"]:
            changes["added"].remove(image.pk)
            _image_changes_record(revision, changes)
    image.delete()
    transaction.on_commit(lambda: image_files.delete_files(image))
    _changed(article, "image_deleted")


# ---- the legacy import ------------------------------------------------------------------------


def category_for_label(label):
    """The category named ``label``, created with an ASCII slug when new."""
    import hashlib

    from django.utils.text import slugify

    category = Category.objects.filter(name=label).first()
    if category is None:
        slug = slugify(label) if label.isascii() else ""
        slug = slug or f"category-{hashlib.sha256(label.encode()).hexdigest()[:8]}"
        category = Category.objects.create(name=label, slug=slug)
    return category


@transaction.atomic
def article_import_legacy(*, post, geography, publish=False, user=None):
    """Create or update (keyed on ``post.key``) the article of a parsed legacy post.

    ``geography`` is ``{"district", "subdistrict", "village"}`` (instances or None). New articles
    are drafts unless ``publish``; an existing article keeps its status. Returns
    ``(article, created)``."""
    article = Article.objects.select_for_update().filter(legacy_key=post.key).first()
    created = article is None
    if created:
        article = Article(legacy_key=post.key, status=Article.Status.DRAFT)
    article.category = category_for_label(post.category)
    article.title = post.title
    article.author_name = post.author_name
    article.author_position = post.author_position
    article.address = post.address
    article.published_at = post.published_at
    article.district = geography.get("district")
    article.subdistrict = geography.get("subdistrict")
    article.village = geography.get("village")
    for name in ("background", "objectives", "materials", "equipment", "process", "cautions"):
        setattr(article, name, post.sections.get(name, ""))
    article.save()
    ArticleRevision.objects.create(
        article=article,
        content=snapshot(article),
        status=ArticleRevision.Status.SAVED,
        created_by=user,
    )
    _changed(article, "imported")
    if publish and article.status != Article.Status.PUBLISHED:
        article = article_publish(article=article, user=user)
    return article, created
