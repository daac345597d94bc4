from functools import cached_property

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who logs in: a district officer or a member of the provincial staff.

    ``role`` with ``districts`` decides what they reach; see ``sammachip.roles`` (what they may do)
    and ``sammachip.scoping`` (which rows).
    """

    class Role(models.TextChoices):
        DISTRICT = "district", _("เจ้าหน้าที่ระดับอำเภอ")
        PROVINCE = "province", _("เจ้าหน้าที่ระดับจังหวัด")

    role = models.CharField(_("บทบาท"), max_length=16, choices=Role.choices, blank=True)
    districts = models.ManyToManyField(
        "villages.District",
        verbose_name=_("อำเภอที่รับผิดชอบ"),
        blank=True,
        related_name="officers",
        help_text=_("เจ้าหน้าที่ระดับอำเภอเห็นและแก้ไขได้เฉพาะข้อมูลของอำเภอเหล่านี้"),
    )
    position = models.CharField(_("ตำแหน่ง"), max_length=200, blank=True)
    must_change_password = models.BooleanField(_("ต้องเปลี่ยนรหัสผ่านเมื่อเข้าสู่ระบบครั้งถัดไป"), default=False)

    class Meta:
        verbose_name = _("ผู้ใช้งาน")
        verbose_name_plural = _("ผู้ใช้งาน")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=["", "district", "province"]),
                name="user_role_valid",
                violation_error_message=_("บทบาทของผู้ใช้งานไม่ถูกต้อง"),
            ),
        ]

    def __str__(self):
        full_name = self.get_full_name()
        return f"{full_name} ({self.username})" if full_name else self.username

    @property
    def sees_all_districts(self):
        return self.is_active and (self.is_superuser or self.role == self.Role.PROVINCE)

    @cached_property
    def district_codes(self):
        """Codes of the districts this user is responsible for (one query, cached per request)."""
        if not self.pk:
            return frozenset()
        return frozenset(self.districts.values_list("code", flat=True))


class AuditEntry(AbstractLogEntry):
    """django-auditlog's log entry with the district of the record it describes.

    Filled from ``additional_data["district"]`` (each audited model's ``get_additional_data``) so
    the audit log is scoped by the same mechanism as the records.
    """

    district_lookup = "district"

    district = models.ForeignKey(
        "villages.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("อำเภอ"),
    )

    objects = LogEntryManager()

    class Meta(AbstractLogEntry.Meta):
        verbose_name = _("บันทึกการแก้ไขข้อมูล")
        verbose_name_plural = _("บันทึกการแก้ไขข้อมูล")
        indexes = [models.Index(fields=["district", "-timestamp"], name="audit_district_idx")]

    def save(self, *args, **kwargs):
        if self.district_id is None and self.additional_data:
            self.district_id = self.additional_data.get("district")
        super().save(*args, **kwargs)
