import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobQuerySet(models.QuerySet):
    def for_user(self, user):
        """A job is its owner's alone: nobody else sees it, whatever their role."""
        return self.filter(owner=user)


class Job(models.Model):
    """One piece of long work as its owner sees it: what, how far, and what came of it.

    The task queue (django-tasks) runs it; this row is what the job page reads. ``params``
    holds what the work needs (no citizen ID: filters are stored masked, uploads by their
    storage name); ``result`` is the produced file, encrypted with the field key."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("รอคิว")
        RUNNING = "running", _("กำลังทำงาน")
        DONE = "done", _("เสร็จแล้ว")
        FAILED = "failed", _("ไม่สำเร็จ")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="jobs",
        verbose_name=_("ผู้สั่งงาน"),
    )
    kind = models.CharField(_("ชนิดงาน"), max_length=60)
    title = models.CharField(_("ชื่องาน"), max_length=200)
    status = models.CharField(
        _("สถานะ"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    params = models.JSONField(_("ข้อมูลสำหรับงาน"), default=dict, blank=True)
    rows_done = models.PositiveIntegerField(_("แถวที่ทำแล้ว"), default=0)
    rows_total = models.PositiveIntegerField(_("จำนวนแถวทั้งหมด"), default=0)
    message = models.TextField(_("ผลการทำงาน"), blank=True)
    problems = models.JSONField(_("ปัญหาที่พบ"), default=list, blank=True)
    preview = models.JSONField(_("ตัวอย่างข้อมูล"), default=dict, blank=True)
    result = models.BinaryField(_("ไฟล์ผลลัพธ์ (เข้ารหัส)"), null=True, blank=True, editable=False)
    result_name = models.CharField(_("ชื่อไฟล์ผลลัพธ์"), max_length=200, blank=True)
    action_url = models.CharField(_("ขั้นต่อไป"), max_length=300, blank=True)
    action_label = models.CharField(_("ปุ่มขั้นต่อไป"), max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(_("จำนวนครั้งที่เริ่มทำ"), default=0)
    retry_safe = models.BooleanField(_("เริ่มใหม่เองได้"), default=True)
    created_at = models.DateTimeField(_("สั่งเมื่อ"), auto_now_add=True)
    started_at = models.DateTimeField(_("เริ่มเมื่อ"), null=True, blank=True)
    finished_at = models.DateTimeField(_("เสร็จเมื่อ"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("รายงานความคืบหน้าล่าสุด"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("งานเบื้องหลัง")
        verbose_name_plural = _("งานเบื้องหลัง")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="jobs_owner_created")]

    def __str__(self):
        return self.title

    @property
    def finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self):
        if self.status == self.Status.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(100, int(self.rows_done * 100 / self.rows_total))
