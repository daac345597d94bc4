import datetime
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

    # Notes written by sammachip.audit in place of a field's change.
    NOTE_LABELS = {"accessed": _("เปิดดู"), "created": _("เพิ่มแบบหลายรายการ")}

    class Meta(AbstractLogEntry.Meta):
        verbose_name = _("บันทึกการแก้ไขข้อมูล")
        verbose_name_plural = _("บันทึกการแก้ไขข้อมูล")
        indexes = [models.Index(fields=["district", "-timestamp"], name="audit_district_idx")]

    def readable_changes(self):
        """``[(label, old, new)]`` as an officer reads them: Thai field names, choices by their
        labels, dates in the Buddhist Era, yes/no for flags, "—" for nothing; the row's own
        ``id`` and reverse relations (logged by django-auditlog on create) are left out."""
        from django.core.exceptions import FieldDoesNotExist
        from django.utils.text import capfirst

        from sammachip import thaidate

        model = self.content_type.model_class()
        rows = []
        for name, values in self.changes_dict.items():
            if name in self.NOTE_LABELS:
                rows.append((self.NOTE_LABELS[name], values[0] or "—", values[1] or "—"))
                continue
            try:
                field = model._meta.get_field(name) if model else None
            except FieldDoesNotExist:
                field = None
            if field is not None and (
                not field.concrete or field.many_to_many or field.primary_key
            ):
                continue
            label = capfirst(field.verbose_name) if field is not None else name
            before, after = (self._readable_value(field, v, thaidate) for v in values)
            if before != after or name in self.secret_fields():
                rows.append((label, before, after))
        return rows

    def secret_fields(self):
        """Fields logged as changed without their values (``sammachip.audit.register``)."""
        from auditlog.registry import auditlog

        model = self.content_type.model_class()
        if model is None or not auditlog.contains(model):
            return ()
        return auditlog.get_model_fields(model).get("mask_fields", ())

    def _readable_value(self, field, value, thaidate):
        if value in (None, "None", ""):
            return "—"
        if field is None:
            return value
        if field.choices:
            return dict(field.flatchoices).get(
                value, dict(field.flatchoices).get(str(value), value)
            )
        internal = field.get_internal_type()
        if internal == "BooleanField":
            return _("ใช่") if str(value) == "True" else _("ไม่ใช่")
        if internal in ("DateField", "DateTimeField"):
            try:
                return thaidate.format_thai_date(datetime.date.fromisoformat(str(value)[:10]))
            except ValueError:
                return value
        if field.many_to_one or field.one_to_one:
            return self._get_changes_display_for_fk_field(field, value)
        return value

    def save(self, *args, **kwargs):
        if self.district_id is None and self.additional_data:
            self.district_id = self.additional_data.get("district")
        super().save(*args, **kwargs)
