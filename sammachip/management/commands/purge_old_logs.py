"""Delete audit rows, export records and login records past their retention period.

Run daily (cron or a systemd timer). Retention comes from the settings:

* ``SAMMACHIP_AUDIT_RETENTION_DAYS`` (default 365): the audit log (``sammachip.AuditEntry``:
  changes and citizen-ID reveals) and the export log (``programs.ExportLog``);
* ``SAMMACHIP_LOG_RETENTION_DAYS`` (default 365): login records (django-axes: successful logins,
  failed logins, lock-out counters).

Nothing younger than ``SAMMACHIP_MINIMUM_RETENTION_DAYS`` (90: the Computer Crime Act's minimum
for traffic data) is ever deleted: a shorter setting is refused, not shortened.
"""

import datetime

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

LEGAL_MINIMUM_DAYS = 90


def retention_targets():
    """``(label, model, time field, setting name)`` for every kind of record kept for a while."""
    targets = [
        ("บันทึกการแก้ไขและการเปิดดูข้อมูล", "sammachip.AuditEntry", "timestamp", "AUDIT"),
        ("บันทึกการส่งออกข้อมูล", "programs.ExportLog", "created_at", "AUDIT"),
        ("บันทึกการเข้าสู่ระบบ", "axes.AccessLog", "attempt_time", "LOG"),
        ("บันทึกการเข้าสู่ระบบที่ไม่สำเร็จ", "axes.AccessFailureLog", "attempt_time", "LOG"),
        ("ตัวนับการเข้าสู่ระบบผิด", "axes.AccessAttempt", "attempt_time", "LOG"),
    ]
    for label, model_label, field, kind in targets:
        app_label = model_label.split(".")[0]
        if app_label in apps.app_configs:
            yield label, apps.get_model(model_label), field, f"SAMMACHIP_{kind}_RETENTION_DAYS"


def retention_days(setting):
    minimum = max(LEGAL_MINIMUM_DAYS, getattr(settings, "SAMMACHIP_MINIMUM_RETENTION_DAYS", 0))
    days = getattr(settings, setting)
    if days < minimum:
        raise CommandError(
            f"{setting} = {days} วัน น้อยกว่าขั้นต่ำ {minimum} วัน "
            "(พ.ร.บ.คอมพิวเตอร์ฯ ให้เก็บข้อมูลจราจรไม่น้อยกว่า 90 วัน): ไม่ลบสิ่งใด"
        )
    return days


class Command(BaseCommand):
    help = "ลบบันทึกการตรวจสอบ การส่งออก และการเข้าสู่ระบบ ที่เก่ากว่าระยะเวลาเก็บรักษา (ไม่ต่ำกว่า 90 วัน)"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="แสดงจำนวนที่จะลบ โดยไม่ลบจริง")

    def handle(self, dry_run=False, **options):
        targets = list(retention_targets())
        # Check every setting before deleting anything.
        days = {setting: retention_days(setting) for *_, setting in targets}
        now = timezone.now()
        with transaction.atomic():
            for label, model, field, setting in targets:
                cutoff = now - datetime.timedelta(days=days[setting])
                old = model._base_manager.filter(**{f"{field}__lt": cutoff})
                count = old.count() if dry_run else old.delete()[1].get(model._meta.label, 0)
                verb = "จะลบ" if dry_run else "ลบ"
                self.stdout.write(f"{label}: {verb} {count} รายการ (เก่ากว่า {days[setting]} วัน)")
