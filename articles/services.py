"""The one place where articles change: saves, the editorial workflow, images and imports.

Workflow::

    draft ──submit──▶ review ──publish──▶ published ──archive──▶ archived
      ▲                 │                    │
      └───send back─────┘   ◀──unpublish─────┘   (send back carries a comment the author sees)

District officers write drafts for their districts and submit them. Only holders of
``articles.publish_article`` (provincial staff) publish, send back, unpublish and archive. An edit
of a published article by someone who may not publish becomes a *pending revision*: the published
text stays online until the revision is published (or sent back).

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
            ArticleRevision.objects.filter(
                article=stored, status=ArticleRevision.Status.PENDING
            ).update(status=ArticleRevision.Status.SUPERSEDED)
            revision = ArticleRevision.objects.create(
                article=stored,
                content=snapshot(article),
                status=ArticleRevision.Status.PENDING,
                created_by=user,
            )
            _changed(stored, "revised")
            return revision
    if not article.pk and user is not None:
        article.created_by = user
    article.save()
    # A publisher's direct edit replaces any pending revision they were looking at.
    ArticleRevision.objects.filter(article=article, status=ArticleRevision.Status.PENDING).update(
        status=ArticleRevision.Status.SUPERSEDED
    )
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
        for name, value in revision.content.items():
            setattr(article, name, value)
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


@transaction.atomic
def article_image_save(*, image, user=None):
    """Save an ArticleImage; a newly uploaded file is stored without metadata under a random name
    and its renditions are made now, once. The file has passed ``images.check_upload``."""
    is_new_file = bool(image.image) and not getattr(image.image, "_committed", True)
    if not is_new_file:
        image.save()
        _changed(image.article, "image_saved")
        return image
    original = image_files.clean_original(image.image.file)
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
        image_files.delete_names(written)
        raise
    if old is not None:
        # The replaced files go only once the new ones are committed.
        transaction.on_commit(lambda: image_files.delete_files(old))
    _changed(image.article, "image_saved")
    return image


@transaction.atomic
def article_image_delete(*, image, user=None):
    article = image.article
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
