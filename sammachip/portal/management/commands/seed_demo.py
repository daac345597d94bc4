from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from programs.demo import seed_programme
from programs.kpis import occupation_types_from_kinds
from sammachip.models import User
from sammachip.portal.demo import DEMO_PASSWORD, DEMO_USERS, DEMO_VILLAGES
from villages.models import District, Subdistrict, Village


class Command(BaseCommand):
    help = "ใส่ข้อมูลสาธิต (สมมติทั้งหมด) สำหรับการพัฒนาเท่านั้น — ไม่ทำงานเมื่อ DEBUG ปิด"

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="ไม่พิมพ์บัญชีสาธิตเมื่อเสร็จ")

    def handle(self, *args, quiet_logins=False, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo ใช้ได้เฉพาะโหมดพัฒนา (DJANGO_DEBUG=1) เพื่อไม่ให้ข้อมูลสาธิตปนข้อมูลจริง"
            )
        if not District.objects.filter(code="4012").exists():
            call_command("load_geography", province=["40"], stdout=self.stdout)
        call_command("loaddata", settings.BASE_DIR / "fixtures" / "occupations.json", verbosity=0)
        occupation_types_from_kinds()  # the fixture names the older kinds only
        with transaction.atomic():
            self.seed_users()
            self.seed_villages()
            households = seed_programme()
        call_command("seed_articles", stdout=self.stdout)
        if households:
            self.stdout.write(f"สร้างข้อมูลโครงการสาธิต: {households} ครัวเรือนใน 30 หมู่บ้าน 3 อำเภอ")
        else:
            self.stdout.write("มีข้อมูลโครงการสาธิตอยู่แล้ว (ไม่สร้างซ้ำ)")
        if not quiet_logins:
            self.print_logins()

    def seed_users(self):
        for spec in DEMO_USERS:
            user, _ = User.objects.update_or_create(
                username=spec["username"],
                defaults={
                    "role": spec["role"],
                    "first_name": spec["first_name"],
                    "last_name": spec["last_name"],
                    "position": spec["position"],
                    "is_staff": True,
                    "is_active": True,
                    "must_change_password": False,
                },
            )
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            user.districts.set(District.objects.filter(code__in=spec["districts"]))

    def seed_villages(self):
        subdistricts = Subdistrict.objects.in_bulk([code for code, _, _ in DEMO_VILLAGES])
        for code, moo, name in DEMO_VILLAGES:
            Village.objects.update_or_create(
                subdistrict=subdistricts[code], moo=moo, defaults={"name_th": name}
            )

    def print_logins(self):
        self.stdout.write("")
        self.stdout.write(f"บัญชีสาธิต (รหัสผ่านเดียวกันทุกบัญชี: {DEMO_PASSWORD})")
        for spec in DEMO_USERS:
            where = ", ".join(spec["districts"]) or "ทุกอำเภอ"
            self.stdout.write(f"  {spec['username']:<16} {spec['role']:<9} {where}")
        self.stdout.write("")
