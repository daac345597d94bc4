"""The article admin: sections as a clear form, images with previews, the workflow as actions.

Every save, action and delete calls ``articles.services`` (the one place that changes articles).
Publishing actions are offered only to holders of ``articles.publish_article``.
"""

import difflib

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles import services
from articles.forms import ArticleAdminForm, ArticleImageForm, format_be
from articles.models import (
    REVISED_FIELDS,
    SECTION_FIELDS,
    Article,
    ArticleImage,
    ArticleRevision,
    Category,
)
from articles.revisions import revision_changes
from sammachip.admin_tools import LabelledCellsMixin, ReadOnlyAdminMixin
from sammachip.scoping import DistrictScopedAdminMixin, user_can_access


@admin.register(Category)
class CategoryAdmin(LabelledCellsMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    search_fields = ["name", "slug"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "description", "order"]}),
        (
            _("หัวข้อของแต่ละส่วน (เว้นว่าง = ใช้หัวข้อเดิมของเว็บไซต์)"),
            {"fields": [f"heading_{name}" for name in SECTION_FIELDS]},
        ),
    ]


class RevisedImagesFormSet(BaseInlineFormSet):
    """The images as the pending revision would leave them, as the text is shown from it: what
    the editor continues from (``services.images_as_revised``)."""

    def get_queryset(self):
        if not hasattr(self, "_revised_images"):
            self._revised_images = services.images_as_revised(self.instance, super().get_queryset())
        return self._revised_images


def image_thumb(image, scale=2):
    thumb = image.thumb if image is not None and image.pk else None
    if not thumb:
        return "—"
    return format_html(
        '<img src="{}" width="{}" height="{}" alt="{}" loading="lazy" class="article-thumb">',
        thumb["url"],
        thumb["width"] // scale,
        thumb["height"] // scale,
        image.alt_text,
    )


class ArticleImageInline(LabelledCellsMixin, DistrictScopedAdminMixin, admin.TabularInline):
    model = ArticleImage
    form = ArticleImageForm
    formset = RevisedImagesFormSet
    fields = ["preview", "image", "alt_text", "caption", "order"]
    readonly_fields = ["preview"]
    extra = 1

    @admin.display(description=_("ตัวอย่าง"))
    def preview(self, obj):
        thumb = image_thumb(obj)
        if obj is not None and obj.state == ArticleImage.State.PROPOSED:
            return format_html("{}<br>{}", thumb, _("รูปใหม่ รอตรวจ"))
        return thumb


class ArticleRevisionInline(DistrictScopedAdminMixin, admin.TabularInline):
    model = ArticleRevision
    fields = ["created_at_be", "status", "created_by", "comment"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("ประวัติการแก้ไข (กดเพื่อดูว่าเปลี่ยนอะไร)")
    ordering = ["-created_at", "-id"]

    @admin.display(description=_("เมื่อ"))
    def created_at_be(self, obj):
        return format_be(obj.created_at)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by")


class ReviewFilter(admin.SimpleListFilter):
    title = _("งานตรวจ")
    parameter_name = "review"
    WAITING = "waiting"

    def lookups(self, request, model_admin):
        return [(self.WAITING, _("รอตรวจ (ส่งตรวจหรือมีฉบับแก้ไข)"))]

    def queryset(self, request, queryset):
        if self.value() == self.WAITING:
            return queryset.waiting_for_review()
        return queryset


SECTION_FIELDSET_DESCRIPTION = _(
    "เขียนเป็นข้อความธรรมดา ขึ้นบรรทัดใหม่ด้วย Enter ขึ้นต้นบรรทัดด้วย “1.” “2.” เพื่อทำรายการเรียงลำดับ "
    "ส่วนที่เว้นว่างจะไม่แสดงบนเว็บไซต์"
)


@admin.register(Article)
class ArticleAdmin(DistrictScopedAdminMixin, admin.ModelAdmin):
    form = ArticleAdminForm
    inlines = [ArticleImageInline, ArticleRevisionInline]
    list_display = [
        "title",
        "category",
        "district",
        "status",
        "has_pending_revision",
        "published_at_be",
        "updated_at_be",
    ]
    list_select_related = ["category", "district"]
    list_filter = [ReviewFilter, "status", "category", "district"]
    search_fields = ["title", "author_name"]
    change_form_template = "admin/articles/article/change_form.html"
    autocomplete_fields = ["subdistrict", "village", "sage", "occupation"]
    ordering = ["-updated_at"]
    list_per_page = 50
    show_full_result_count = False
    actions = [
        "submit_for_review",
        "publish",
        "send_back",
        "unpublish",
        "archive",
    ]
    fieldsets = [
        (
            _("สถานะ"),
            {"fields": ["status", "review_comment", "published_at_display"]},
        ),
        (
            _("หัวเรื่อง"),
            {"fields": ["title", "category", "occupation"]},
        ),
        (
            _("ผู้เขียน"),
            {
                "fields": ["author_name", "author_position", "sage"],
                "description": _("พิมพ์ชื่อและตำแหน่งตามที่ต้องการให้แสดง เลือกปราชญ์ชุมชนได้ถ้ามี"),
            },
        ),
        (
            _("สถานที่"),
            {
                "fields": ["address", "district", "subdistrict", "village"],
                "description": _("เลือกหมู่บ้านหรือตำบล ระบบจะเติมอำเภอให้"),
            },
        ),
        (
            _("เนื้อหา"),
            {"fields": list(SECTION_FIELDS), "description": SECTION_FIELDSET_DESCRIPTION},
        ),
        (
            _("การเผยแพร่ (เจ้าหน้าที่ระดับจังหวัด)"),
            {"fields": ["published_at", "source_url"], "classes": ["collapse"]},
        ),
    ]

    # ---- display ------------------------------------------------------------------------------

    @admin.display(description=_("วันที่เผยแพร่"), ordering="published_at")
    def published_at_be(self, obj):
        return format_be(obj.published_at)

    @admin.display(description=_("วันที่เผยแพร่"))
    def published_at_display(self, obj):
        return format_be(obj.published_at) if obj else "—"

    @admin.display(description=_("แก้ไขล่าสุด"), ordering="updated_at")
    def updated_at_be(self, obj):
        return format_be(obj.updated_at)

    @admin.display(description=_("ฉบับแก้ไขรอตรวจ"), boolean=True)
    def has_pending_revision(self, obj):
        return obj.pending_revision_count > 0

    def get_queryset(self, request):
        from django.db.models import Count, Q

        return (
            super()
            .get_queryset(request)
            .annotate(
                pending_revision_count=Count(
                    "revisions", filter=Q(revisions__status=ArticleRevision.Status.PENDING)
                )
            )
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "source_url":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        readonly = ["status", "review_comment", "published_at_display"]
        if not services.can_publish(request.user):
            readonly += ["published_at", "source_url"]
        return readonly

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not services.can_publish(request.user):
            fieldsets = [fs for fs in fieldsets if "published_at" not in fs[1]["fields"]]
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user  # a new class per call (modelform_factory): request-local
        return form

    def get_object(self, request, object_id, from_field=None):
        """On the edit page, a pending revision is what the editor continues from."""
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and request.method == "GET":
            revision = services.pending_revision(obj)
            if revision is not None:
                for name in REVISED_FIELDS:
                    if name in revision.content:
                        setattr(obj, name, revision.content[name])
                obj._showing_revision = revision
        return obj

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = getattr(response, "context_data", {}).get("original")
        if obj is not None and request.method == "GET":
            if getattr(obj, "_showing_revision", None):
                messages.info(
                    request,
                    _("หน้านี้แสดงฉบับแก้ไขที่รอตรวจ ฉบับที่เผยแพร่อยู่ยังแสดงบนเว็บไซต์จนกว่าจะอนุมัติ"),
                )
            if obj.review_comment:
                messages.warning(
                    request, _("ผู้ตรวจส่งกลับให้แก้ไข: %(comment)s") % {"comment": obj.review_comment}
                )
        return response

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The "save and submit" button: a draft its editor may change (officers and staff).
        context["can_submit_for_review"] = (
            obj is None or obj.status == Article.Status.DRAFT
        ) and self.has_change_permission(request, obj)
        # "Save and publish": a reviewer's draft or submitted article.
        context["can_publish_now"] = (
            obj is not None
            and obj.status in (Article.Status.DRAFT, Article.Status.REVIEW)
            and services.can_publish(request.user)
            and self.has_change_permission(request, obj)
        )
        revision = getattr(obj, "_showing_revision", None)
        if revision is not None:  # what it changes against the published text
            live = Article.objects.get(pk=obj.pk)
            context["pending_revision"] = revision
            context["revision_changes"] = revision_changes(live, revision.content)
            context["revision_images"] = revision_image_changes(revision)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _submit_after_save(self, request, obj):
        """ "Save and submit": the saved draft goes to review (``services.article_submit``)."""
        try:
            services.article_submit(article=obj, user=request.user)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, _("ส่งบทความให้เจ้าหน้าที่จังหวัดตรวจแล้ว"))
        return HttpResponseRedirect(request.path)

    def _publish_after_save(self, request, obj):
        """ "Save and publish": the saved article goes live (``services.article_publish``)."""
        try:
            services.article_publish(article=obj, user=request.user)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, _("เผยแพร่บทความแล้ว"))
        return HttpResponseRedirect(request.path)

    def response_change(self, request, obj):
        if "_submit_for_review" in request.POST:
            return self._submit_after_save(request, obj)
        if "_publish" in request.POST:
            return self._publish_after_save(request, obj)
        return super().response_change(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        if "_submit_for_review" in request.POST:
            self._submit_after_save(request, obj)
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[obj.pk]))
        return super().response_add(request, obj, post_url_continue)

    # ---- saving through the service -----------------------------------------------------------

    def save_model(self, request, obj, form, change):
        obj.derive_geography()
        if not user_can_access(request.user, obj):
            raise PermissionDenied
        revision = services.article_save(article=obj, user=request.user)
        if revision.status == ArticleRevision.Status.PENDING:
            messages.info(
                request,
                _("บันทึกเป็นฉบับแก้ไขรอตรวจแล้ว ฉบับที่เผยแพร่อยู่ยังแสดงจนกว่าเจ้าหน้าที่จังหวัดจะอนุมัติ"),
            )

    def save_formset(self, request, form, formset, change):
        if formset.model is not ArticleImage:
            return super().save_formset(request, form, formset, change)
        for image in formset.save(commit=False):
            services.article_image_save(image=image, user=request.user)
        for image in formset.deleted_objects:
            services.article_image_delete(image=image, user=request.user)

    def delete_model(self, request, obj):
        services.article_delete(article=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for article in queryset:
            services.article_delete(article=article, user=request.user)

    # ---- workflow actions ---------------------------------------------------------------------

    def has_publish_permission(self, request):
        return request.user.has_perm(services.PUBLISH_PERMISSION)

    def _run(self, request, queryset, action, done_message, **kwargs):
        done = 0
        for article in queryset:
            try:
                action(article=article, user=request.user, **kwargs)
                done += 1
            except (ValidationError, PermissionDenied) as error:
                text = " ".join(getattr(error, "messages", [str(error)]))
                messages.error(request, f"{article.title}: {text}")
        if done:
            messages.success(request, done_message(done))

    @admin.action(description=_("ส่งตรวจ"), permissions=["change"])
    def submit_for_review(self, request, queryset):
        self._run(
            request,
            queryset,
            services.article_submit,
            lambda n: ngettext("ส่งตรวจแล้ว %(n)d บทความ", "ส่งตรวจแล้ว %(n)d บทความ", n) % {"n": n},
        )

    @admin.action(description=_("เผยแพร่"), permissions=["publish"])
    def publish(self, request, queryset):
        self._run(
            request,
            queryset,
            services.article_publish,
            lambda n: ngettext("เผยแพร่แล้ว %(n)d บทความ", "เผยแพร่แล้ว %(n)d บทความ", n) % {"n": n},
        )

    @admin.action(description=_("ส่งกลับให้แก้ไข (พร้อมความเห็น)"), permissions=["publish"])
    def send_back(self, request, queryset):
        comment = request.POST.get("comment", "").strip()
        if "apply" in request.POST and comment:
            self._run(
                request,
                queryset,
                services.article_send_back,
                lambda n: ngettext("ส่งกลับแล้ว %(n)d บทความ", "ส่งกลับแล้ว %(n)d บทความ", n) % {"n": n},
                comment=comment,
            )
            return None
        if "apply" in request.POST:
            messages.error(request, _("กรุณาเขียนเหตุผลที่ส่งกลับ"))
        return TemplateResponse(
            request,
            "admin/articles/article/send_back.html",
            {
                **self.admin_site.each_context(request),
                "title": _("ส่งกลับให้แก้ไข"),
                "articles": queryset,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=_("ถอนการเผยแพร่"), permissions=["publish"])
    def unpublish(self, request, queryset):
        self._run(
            request,
            queryset,
            services.article_unpublish,
            lambda n: (
                ngettext("ถอนการเผยแพร่แล้ว %(n)d บทความ", "ถอนการเผยแพร่แล้ว %(n)d บทความ", n)
                % {"n": n}
            ),
        )

    @admin.action(description=_("เก็บถาวร"), permissions=["publish"])
    def archive(self, request, queryset):
        self._run(
            request,
            queryset,
            services.article_archive,
            lambda n: ngettext("เก็บถาวรแล้ว %(n)d บทความ", "เก็บถาวรแล้ว %(n)d บทความ", n) % {"n": n},
        )


def line_diff(old, new):
    """Rows ``(kind, text)`` of a line-by-line diff, ``kind`` in ``same``/``added``/``removed``."""
    rows = []
    for line in difflib.ndiff((old or "").splitlines(), (new or "").splitlines()):
        tag, text = line[:2], line[2:]
        if tag == "  ":
            rows.append(("same", text))
        elif tag == "+ ":
            rows.append(("added", text))
        elif tag == "- ":
            rows.append(("removed", text))
    return rows


@admin.register(ArticleRevision)
class ArticleRevisionAdmin(ReadOnlyAdminMixin, DistrictScopedAdminMixin, admin.ModelAdmin):
    """Read-only history: each revision with what it changed from the one before."""

    list_display = ["article", "status", "created_by", "created_at_be"]
    list_select_related = ["article", "created_by"]
    list_filter = ["status"]
    search_fields = ["article__title"]
    fields = ["article", "status", "created_by", "created_at_be", "comment", "changes"]
    readonly_fields = fields

    @admin.display(description=_("เมื่อ"), ordering="created_at")
    def created_at_be(self, obj):
        return format_be(obj.created_at)

    @admin.display(description=_("เปลี่ยนจากฉบับก่อนหน้า"))
    def changes(self, obj):
        previous = (
            ArticleRevision.objects.filter(article=obj.article_id, created_at__lte=obj.created_at)
            .exclude(pk=obj.pk)
            .exclude(status__in=[ArticleRevision.Status.RETURNED, ArticleRevision.Status.PENDING])
            .order_by("-created_at", "-id")
            .first()
        )
        before = previous.content if previous else {}
        labels = {f.attname: f.verbose_name for f in Article._meta.concrete_fields}
        parts = []
        for name in REVISED_FIELDS:
            old, new = before.get(name), obj.content.get(name)
            if old == new:
                continue
            rows = line_diff(str(old or ""), str(new or ""))
            parts.append(
                format_html(
                    '<h3>{}</h3><table class="revision-diff">{}</table>',
                    labels.get(name, name),
                    format_html_join(
                        "",
                        '<tr class="diff-{}"><td>{}</td><td>{}</td></tr>',
                        (
                            (kind, {"added": "+", "removed": "−", "same": ""}[kind], text)
                            for kind, text in rows
                        ),
                    ),
                )
            )
        images = self.image_changes(obj)
        if images:
            parts.append(images)
        if not parts:
            return _("ไม่มีการเปลี่ยนแปลงเนื้อหา")
        return format_html_join("", "{}", ((part,) for part in parts))

    def image_changes(self, obj):
        return revision_image_changes(obj)


def revision_image_changes(obj):
    """The images the revision ``obj`` adds, edits and deletes, each with its picture."""
    changes = obj.content.get("images") or {}
    ids = [*changes.get("added", []), *changes.get("changed", {}), *changes.get("deleted", [])]
    if not ids:
        return ""
    found = ArticleImage.objects.filter(article=obj.article_id, pk__in=ids).in_bulk()
    labels = {
        name: ArticleImage._meta.get_field(name).verbose_name for name in services.IMAGE_FIELDS
    }
    rows = []
    for pk in changes.get("added", []):
        image = found.get(int(pk))
        if image is None:
            rows.append(("diff-removed", "—", _("รูปที่เพิ่ม (ยกเลิกแล้ว)"), ""))
        else:
            detail = format_html(
                "{}: {}<br>{}: {}",
                labels["alt_text"],
                image.alt_text,
                labels["caption"],
                image.caption or "—",
            )
            rows.append(("diff-added", image_thumb(image), _("เพิ่มรูป"), detail))
    for pk, values in changes.get("changed", {}).items():
        image = found.get(int(pk))
        detail = format_html_join(
            mark_safe("<br>"),
            "{}: {}",
            ((labels[name], value) for name, value in values.items() if name in labels),
        )
        rows.append(("diff-added", image_thumb(image), _("แก้ไขรายละเอียดรูป"), detail))
    for pk in changes.get("deleted", []):
        image = found.get(int(pk))
        caption = image.caption if image is not None else ""
        rows.append(("diff-removed", image_thumb(image), _("ลบรูป"), caption))
    return format_html(
        '<h3>{}</h3><table class="revision-diff">{}</table>',
        _("รูปประกอบ"),
        format_html_join("", '<tr class="{}"><td>{}</td><td>{}</td><td>{}</td></tr>', rows),
    )
