import secrets

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from sammachip.models import User
from villages.models import District


class Command(BaseCommand):
    help = (
        "สร้างหรือปรับปรุงบัญชีเจ้าหน้าที่: "
        "create_officer USERNAME --role district|province [--district CODE ...] [--password PW]"
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=User.Role.values)
        parser.add_argument(
            "--district", action="append", dest="districts", default=[], metavar="CODE"
        )
        parser.add_argument(
            "--password",
            help="รหัสผ่าน; ถ้าไม่ระบุ ระบบสุ่มรหัสผ่านชั่วคราวและบังคับเปลี่ยนเมื่อเข้าสู่ระบบ",
        )
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--position", default="")
        parser.add_argument(
            "--must-change-password",
            action="store_true",
            help="บังคับเปลี่ยนรหัสผ่านเมื่อเข้าสู่ระบบครั้งถัดไป",
        )

    @transaction.atomic
    def handle(self, username, role, districts, password, **options):
        found = list(District.objects.filter(code__in=districts))
        missing = sorted(set(districts) - {d.code for d in found})
        if missing:
            raise CommandError(
                f"ไม่พบอำเภอรหัส {', '.join(missing)} (โหลดข้อมูลด้วย load_geography ก่อน)"
            )
        if role == User.Role.DISTRICT and not found:
            raise CommandError("เจ้าหน้าที่ระดับอำเภอต้องระบุ --district อย่างน้อยหนึ่งอำเภอ")

        user, created = User.objects.get_or_create(username=username)
        user.role = role
        user.is_staff = True
        user.is_active = True
        for field in ("first_name", "last_name", "position"):
            if options[field]:
                setattr(user, field, options[field])
        temporary = password is None and (created or options["must_change_password"])
        if temporary:
            password = secrets.token_urlsafe(12)
        if password is not None:
            user.set_password(password)
        user.must_change_password = temporary or options["must_change_password"]
        user.save()
        user.districts.set(found)

        verb = "สร้าง" if created else "ปรับปรุง"
        where = ", ".join(f"{d.code} {d.name_th}" for d in found) or "ทุกอำเภอ"
        self.stdout.write(f"{verb}บัญชี {username} ({user.get_role_display()}; {where}) แล้ว")
        if temporary:
            self.stdout.write(f"รหัสผ่านชั่วคราว: {password} (ต้องเปลี่ยนเมื่อเข้าสู่ระบบครั้งแรก)")
