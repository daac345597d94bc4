"""Load provinces, districts and subdistricts from the installed ``geothai`` package.

Data: GeoThai (CC BY 4.0), from the Department of Provincial Administration (DOPA). Codes that
DOPA abolished are not in geothai's current lists, so they are never loaded. Running it again
updates names and postcodes in place and creates nothing twice.
"""

import geothai
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from villages.models import District, Province, Subdistrict


class Command(BaseCommand):
    help = "โหลดข้อมูลจังหวัด อำเภอ ตำบล จากแพ็กเกจ geothai (ข้อมูลกรมการปกครอง)"

    def add_arguments(self, parser):
        parser.add_argument(
            "--province",
            action="append",
            dest="provinces",
            metavar="CODE",
            help="รหัสจังหวัด 2 หลัก (ใส่ได้หลายครั้ง) ค่าเริ่มต้น: SAMMACHIP_PROVINCE_CODE",
        )
        parser.add_argument("--all", action="store_true", help="โหลดทุกจังหวัด")

    @transaction.atomic
    def handle(self, *args, provinces=None, all=False, **options):
        if all:
            codes = [p.code for p in geothai.provinces()]
        else:
            codes = provinces or [settings.SAMMACHIP_PROVINCE_CODE]
        for code in codes:
            province = geothai.province(code)
            if province is None:
                raise CommandError(f"ไม่พบจังหวัดรหัส {code} ในข้อมูล geothai")
            self.load_province(province)

    def load_province(self, province):
        Province.objects.update_or_create(
            code=province.code,
            defaults={"name_th": province.name_th, "name_en": province.name_en},
        )
        districts = geothai.districts(province.code)
        subdistricts = [s for d in districts for s in geothai.subdistricts(d.code)]
        District.objects.bulk_create(
            [
                District(
                    code=d.code, name_th=d.name_th, name_en=d.name_en, province_id=province.code
                )
                for d in districts
            ],
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["name_th", "name_en", "province"],
        )
        Subdistrict.objects.bulk_create(
            [
                Subdistrict(
                    code=s.code,
                    name_th=s.name_th,
                    name_en=s.name_en,
                    district_id=s.district_code,
                    postcode=s.postal_codes[0] if s.postal_codes else "",
                    other_postcodes=" ".join(s.postal_codes[1:]),
                )
                for s in subdistricts
            ],
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["name_th", "name_en", "district", "postcode", "other_postcodes"],
        )
        stale = Subdistrict.objects.filter(district__province_id=province.code).exclude(
            code__in=[s.code for s in subdistricts]
        )
        for row in stale:
            self.stderr.write(f"คำเตือน: ตำบล {row} ไม่อยู่ในข้อมูลปัจจุบันแล้ว (อาจถูกยุบ) — คงไว้")
        self.stdout.write(
            f"{province.name_th} ({province.code}): {len(districts)} อำเภอ, "
            f"{len(subdistricts)} ตำบล (ข้อมูล geothai {geothai.DATA_VERSION})"
        )
