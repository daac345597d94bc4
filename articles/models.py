"""Technique articles (บทความเทคนิค): the sections of the legacy posts, a publishing workflow,
revisions and images.

Every change of an article goes through ``articles.services`` (workflow, saves, imports), which
fires the one ``article_changed`` hook. ``save()`` here only keeps the geography consistent.

Scoping: an article belongs to its ``district``. An article with no district is *provincial*
(written by the provincial office, e.g. a province-wide technique): district officers neither see
nor edit it in the admin; provincial staff do. The public sees every published article.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles import text
from sammachip import thaidate
from sammachip.scoping import DistrictScopedQuerySet
from villages.models import District, Subdistrict, Village

# The sections of a technique article, in page order, with the legacy site's headings.
SECTION_FIELDS = ("background", "objectives", "materials", "equipment", "process", "cautions")
DEFAULT_HEADINGS = {
    "background": _("ความเป็นมา / แรงบันดาลใจ / เหตุผลที่ทำ"),
    "objectives": _("วัตถุประสงค์"),
    "materials": _("วัตถุดิบ (ถ้ามี)"),
    "equipment": _("อุปกรณ์"),
    "process": _("กระบวนการ/ขั้นตอน"),
    "cautions": _("ข้อพึงระวัง"),
}

# The fields an edit may change; a revision holds them (foreign keys by their ``_id``).
REVISED_FIELDS = (
    "title",
    "category_id",
    "author_name",
    "author_position",
    "sage_id",
    "address",
    "district_id",
    "subdistrict_id",
    "village_id",
    "occupation_id",
    *SECTION_FIELDS,
)

ascii_slug = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    _("ใช้ได้เฉพาะตัวอักษรภาษาอังกฤษตัวเล็ก ตัวเลข และขีดกลาง เช่น farming-techniques"),
)


class Category(models.Model):
    name = models.CharField(_("ชื่อหมวด"), max_length=200, unique=True)
    slug = models.SlugField(
        _("ชื่อในลิงก์ (ภาษาอังกฤษ)"),
        max_length=80,
        unique=True,
        validators=[ascii_slug],
        help_text=_("ตัวอักษรภาษาอังกฤษตัวเล็ก ตัวเลข และขีดกลาง ใช้ใน ?category= ของลิงก์"),
    )
    description = models.TextField(_("คำอธิบาย"), blank=True)
    order = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)
    heading_background = models.CharField(_("หัวข้อแทน “ความเป็นมา”"), max_length=200, blank=True)
    heading_objectives = models.CharField(_("หัวข้อแทน “วัตถุประสงค์”"), max_length=200, blank=True)
    heading_materials = models.CharField(_("หัวข้อแทน “วัตถุดิบ”"), max_length=200, blank=True)
    heading_equipment = models.CharField(_("หัวข้อแทน “อุปกรณ์”"), max_length=200, blank=True)
    heading_process = models.CharField(_("หัวข้อแทน “กระบวนการ/ขั้นตอน”"), max_length=200, blank=True)
    heading_cautions = models.CharField(_("หัวข้อแทน “ข้อพึงระวัง”"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("หมวดบทความ")
        verbose_name_plural = _("หมวดบทความ")
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(slug__regex=r"^[a-z0-9]+(-[a-z0-9]+)*$"),
                name="category_slug_ascii",
                violation_error_message=_(
                    "ชื่อในลิงก์ใช้ได้เฉพาะตัวอักษรภาษาอังกฤษตัวเล็ก ตัวเลข และขีดกลาง เช่น farming-techniques"
                ),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return f"{reverse('articles:list')}?category={self.slug}"

    def heading(self, field):
        """The heading of section ``field`` in this category (the legacy one unless relabelled)."""
        return getattr(self, f"heading_{field}") or DEFAULT_HEADINGS[field]


class ArticleQuerySet(DistrictScopedQuerySet):
    def published(self, now=None):
        """Public now: published and ``published_at`` reached (a future date waits, no cron)."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=now or timezone.now())

    def for_listing(self):
        """What a list or card needs: category, district and the public images in order."""
        return self.select_related("category", "district").prefetch_related(
            Prefetch(
                "images",
                queryset=ArticleImage.objects.live().order_by("order", "id"),
                to_attr="ordered_images",
            )
        )

    def for_detail(self):
        return self.for_listing().select_related("subdistrict", "village", "occupation", "sage")

    def waiting_for_review(self):
        """What a reviewer has to look at: drafts submitted for review and published articles
        with a pending revision."""
        pending = ArticleRevision.objects.filter(
            article=models.OuterRef("pk"), status=ArticleRevision.Status.PENDING
        )
        return self.filter(Q(status=Article.Status.REVIEW) | Q(models.Exists(pending)))


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("ฉบับร่าง")
        REVIEW = "review", _("รอตรวจ")
        PUBLISHED = "published", _("เผยแพร่แล้ว")
        ARCHIVED = "archived", _("เก็บถาวร")

    district_lookup = "district"

    title = models.CharField(_("ชื่อเรื่อง"), max_length=300)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="articles", verbose_name=_("หมวด")
    )
    author_name = models.CharField(_("ผู้เขียน (โดย)"), max_length=200, blank=True)
    author_position = models.CharField(_("ตำแหน่ง"), max_length=200, blank=True)
    sage = models.ForeignKey(
        "programs.Sage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("ปราชญ์ชุมชนที่เกี่ยวข้อง"),
    )
    published_at = models.DateTimeField(
        _("วันที่เผยแพร่"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("เว้นว่างไว้ให้ระบบใส่เมื่อเผยแพร่ หากเป็นวันในอนาคต บทความจะแสดงเมื่อถึงเวลา"),
    )
    address = models.CharField(_("ที่อยู่"), max_length=500, blank=True)
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("อำเภอ"),
        help_text=_("เว้นว่าง = บทความระดับจังหวัด (แก้ไขได้เฉพาะเจ้าหน้าที่ระดับจังหวัด)"),
    )
    subdistrict = models.ForeignKey(
        Subdistrict,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("ตำบล"),
    )
    village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("หมู่บ้าน"),
    )
    occupation = models.ForeignKey(
        "programs.Occupation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("อาชีพ"),
    )
    background = models.TextField(DEFAULT_HEADINGS["background"], blank=True)
    objectives = models.TextField(DEFAULT_HEADINGS["objectives"], blank=True)
    materials = models.TextField(DEFAULT_HEADINGS["materials"], blank=True)
    equipment = models.TextField(DEFAULT_HEADINGS["equipment"], blank=True)
    process = models.TextField(DEFAULT_HEADINGS["process"], blank=True)
    cautions = models.TextField(DEFAULT_HEADINGS["cautions"], blank=True)
    status = models.CharField(
        _("สถานะ"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    review_comment = models.TextField(
        _("ความเห็นจากผู้ตรวจ"),
        blank=True,
        help_text=_("เหตุผลที่ส่งกลับให้แก้ไข ผู้เขียนเห็นข้อความนี้ในหน้าแก้ไข"),
    )
    source_url = models.URLField(_("ลิงก์ต้นฉบับบนเว็บไซต์เดิม"), max_length=500, blank=True)
    legacy_key = models.CharField(
        _("รหัสอ้างอิงจากเว็บไซต์เดิม"),
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text=_("คำนวณจากชื่อเรื่องและวันที่ของโพสต์เดิม ใช้ให้การนำเข้าซ้ำไม่สร้างบทความซ้ำ"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("สร้างโดย"),
        editable=False,
    )
    created_at = models.DateTimeField(_("สร้างเมื่อ"), auto_now_add=True)
    updated_at = models.DateTimeField(_("แก้ไขล่าสุด"), auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("บทความเทคนิค")
        verbose_name_plural = _("บทความเทคนิค")
        ordering = ["-published_at", "-id"]
        permissions = [("publish_article", _("เผยแพร่ ส่งกลับ ถอน และเก็บถาวรบทความ"))]
        indexes = [models.Index(fields=["status", "-published_at"], name="article_public_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(published_at__isnull=True)
                | Q(
                    published_at__gte=datetime.datetime(1990, 1, 1, tzinfo=datetime.UTC),
                    published_at__lt=datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC),
                ),
                name="article_published_at_plausible",
                violation_error_message=_("วันที่เผยแพร่ต้องอยู่ระหว่าง พ.ศ. 2533 ถึง พ.ศ. 2642"),
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="article_published_has_date",
                violation_error_message=_("บทความที่เผยแพร่แล้วต้องมีวันที่เผยแพร่"),
            ),
            models.UniqueConstraint(
                fields=["source_url"],
                condition=~Q(source_url=""),
                name="article_unique_source_url",
                violation_error_message=_("มีบทความที่ใช้ลิงก์ต้นฉบับนี้แล้ว"),
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.derive_geography()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:detail", args=[self.pk])

    def derive_geography(self):
        """The village decides the subdistrict, the subdistrict decides the district."""
        if self.village_id:
            self.subdistrict_id = self.village.subdistrict_id
        if self.subdistrict_id:
            self.district_id = self.subdistrict_id[:4]

    def clean(self):
        super().clean()
        village = self.village if self.village_id else None
        if village and self.subdistrict_id and village.subdistrict_id != self.subdistrict_id:
            raise ValidationError({"village": _("หมู่บ้านนี้ไม่อยู่ในตำบลที่เลือก")})
        if self.subdistrict_id and self.district_id and self.subdistrict_id[:4] != self.district_id:
            raise ValidationError({"subdistrict": _("ตำบลนี้ไม่อยู่ในอำเภอที่เลือก")})
        self.derive_geography()

    @property
    def is_public(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    def sections(self):
        """The sections that have text, in page order: ``[Section(field, heading, blocks)]``."""
        return [
            text.Section(field, self.category.heading(field), text.blocks(getattr(self, field)))
            for field in SECTION_FIELDS
            if getattr(self, field).strip()
        ]

    def summary(self, length=160):
        """The first words of the article, cut on whole Thai characters (grapheme clusters)."""
        for field in SECTION_FIELDS:
            value = " ".join(getattr(self, field).split())
            if value:
                return text.truncate_graphemes(value, length)
        return ""

    @property
    def cover(self):
        images = getattr(self, "ordered_images", None)
        if images is None:
            images = list(self.images.live().order_by("order", "id"))
        return images[0] if images else None


class ArticleRevision(models.Model):
    """One version of an article's text: every save through the service leaves one, and an
    officer's edit of a published article waits here (``pending``) while the published text stays
    online; publishing it copies it onto the article.

    ``content`` holds the ``REVISED_FIELDS`` and, for a revision with image changes, ``images``:
    ``{"added": [pk], "changed": {"pk": {"caption", "alt_text", "order"}}, "deleted": [pk]}``
    (``articles.services``). Added images are ``ArticleImage`` rows in state ``PROPOSED``, which
    no public page shows; changed and deleted images stay as published until the revision is."""

    class Status(models.TextChoices):
        SAVED = "saved", _("บันทึกแล้ว")
        PENDING = "pending", _("รอตรวจ")
        PUBLISHED = "published", _("เผยแพร่แล้ว")
        RETURNED = "returned", _("ส่งกลับแก้ไข")
        SUPERSEDED = "superseded", _("มีฉบับใหม่กว่าแทนแล้ว")

    district_lookup = "article__district"

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("บทความ")
    )
    content = models.JSONField(_("เนื้อหา"), default=dict)
    status = models.CharField(_("สถานะ"), max_length=16, choices=Status.choices, db_index=True)
    comment = models.TextField(_("ความเห็นจากผู้ตรวจ"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("แก้ไขโดย"),
    )
    created_at = models.DateTimeField(_("เมื่อ"), auto_now_add=True)

    objects = DistrictScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("ประวัติการแก้ไขบทความ")
        verbose_name_plural = _("ประวัติการแก้ไขบทความ")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["article"],
                condition=Q(status="pending"),
                name="revision_one_pending_per_article",
                violation_error_message=_("บทความนี้มีฉบับแก้ไขรอตรวจอยู่แล้ว กรุณาแก้ไขต่อจากฉบับนั้น"),
            ),
        ]

    def __str__(self):
        # Its own columns only: when it was written and where it stands.
        written = thaidate.format_thai_datetime(self.created_at, short=True)
        return f"ฉบับแก้ไข {written} ({self.get_status_display()})"


def image_upload_to(instance, filename):
    # Never the uploader's name: it may carry a person's name or a place.
    from sammachip.images import random_name

    return random_name("articles/original", filename)


class ArticleImageQuerySet(DistrictScopedQuerySet):
    def live(self):
        """The images a public page may show: not those an unreviewed revision adds."""
        return self.filter(state=ArticleImage.State.LIVE)


class ArticleImage(models.Model):
    class State(models.TextChoices):
        LIVE = "live", _("แสดงกับบทความ")
        PROPOSED = "proposed", _("รูปใหม่ในฉบับแก้ไขที่รอตรวจ")

    district_lookup = "article__district"

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="images", verbose_name=_("บทความ")
    )
    image = models.ImageField(
        _("รูปภาพ"),
        upload_to=image_upload_to,
        width_field="width",
        height_field="height",
        help_text=_("JPEG, PNG หรือ WebP ไม่เกิน 10 MB ระบบลบข้อมูล EXIF (รวมพิกัด GPS) ออกให้"),
    )
    width = models.PositiveIntegerField(_("กว้าง (พิกเซล)"), null=True, editable=False)
    height = models.PositiveIntegerField(_("สูง (พิกเซล)"), null=True, editable=False)
    renditions = models.JSONField(_("ขนาดย่อ"), default=dict, blank=True, editable=False)
    caption = models.CharField(_("คำบรรยายภาพ"), max_length=300, blank=True)
    alt_text = models.CharField(
        _("ข้อความแทนภาพ"),
        max_length=300,
        help_text=_("บอกว่าในภาพมีอะไร สำหรับผู้ใช้โปรแกรมอ่านหน้าจอ เช่น “ปราชญ์สาธิตการย้อมผ้า”"),
    )
    order = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)
    state = models.CharField(
        _("สถานะรูป"),
        max_length=16,
        choices=State.choices,
        default=State.LIVE,
        editable=False,
        help_text=_("รูปที่เพิ่มในฉบับแก้ไขที่รอตรวจจะแสดงบนเว็บไซต์เมื่อฉบับนั้นได้รับอนุมัติ"),
    )

    objects = ArticleImageQuerySet.as_manager()

    class Meta:
        verbose_name = _("รูปประกอบ")
        verbose_name_plural = _("รูปประกอบ")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(alt_text=""),
                name="article_image_alt_required",
                violation_error_message=_("กรุณาเขียนข้อความแทนภาพ บอกว่าในภาพมีอะไร"),
            ),
        ]

    def __str__(self):
        return self.alt_text

    def rendition(self, name):
        """``{"url", "width", "height"}`` of a rendition (thumb, card, full, share), or None."""
        from articles.images import rendition_info

        return rendition_info(self, name)

    @property
    def thumb(self):
        return self.rendition("thumb")

    @property
    def card(self):
        return self.rendition("card")

    @property
    def full(self):
        return self.rendition("full")

    @property
    def share(self):
        return self.rendition("share")


class ArticleSearchEntryQuerySet(models.QuerySet):
    def published(self, now=None):
        """``Article.objects.published()`` on the entry's copy of ``status`` and
        ``published_at``: public now (checked at query time, so a future article becomes
        searchable on its own)."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=now or timezone.now())


class ArticleSearchEntry(models.Model):
    """The search index of one article (``articles.search``): its searchable text normalised,
    segmented and written as the set of tokens and token pairs a query looks up, with copies of
    the columns a search filters and sorts on, so that a search reads this table only.

    Written only by ``articles.search.search_entry_update``, which follows ``article_changed``
    (every save, workflow step, import and deletion), and by ``manage.py rebuild_search_index``.
    Migration ``0002`` indexes it per engine: on PostgreSQL a GIN index on
    ``to_tsvector('simple', document)`` and a generated ``title_tsv`` column; on SQLite the FTS5
    table ``articles_search_fts`` kept in step by triggers on this table. A later migration that
    makes SQLite rebuild this table (an altered column) must create those triggers again.
    """

    district_lookup = "district"  # a copy of the article's district: scoped like the article

    article = models.OneToOneField(
        Article,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_entry",
        verbose_name=_("บทความ"),
    )
    # Copies of the article's columns, refreshed with the text on every change.
    status = models.CharField(_("สถานะ"), max_length=16, choices=Article.Status.choices)
    published_at = models.DateTimeField(_("วันที่เผยแพร่"), null=True)
    # DO_NOTHING: an article's own PROTECT already keeps its category and district.
    category = models.ForeignKey(
        Category,
        on_delete=models.DO_NOTHING,
        db_index=False,
        related_name="+",
        verbose_name=_("หมวด"),
    )
    district = models.ForeignKey(
        District,
        on_delete=models.DO_NOTHING,
        null=True,
        db_index=False,
        related_name="+",
        verbose_name=_("อำเภอ"),
    )
    indexed_at = models.DateTimeField(_("ทำดัชนีเมื่อ"), auto_now=True)
    title = models.TextField(_("คำในชื่อเรื่อง"))
    document = models.TextField(_("คำในบทความ"))

    objects = ArticleSearchEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("ดัชนีค้นหาบทความ")
        verbose_name_plural = _("ดัชนีค้นหาบทความ")

    def __str__(self):
        return str(self.article_id)
