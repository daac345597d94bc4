"""``manage.py import_legacy_articles FILE... [--publish] [--dry-run]``

Reads posts exported from the legacy site (see ``articles/legacy.py``), prints per file what it
found, what it could not read and the images the export did not carry, and creates or updates one
article per post (a second run updates, never duplicates). All files or none: if any file cannot
be parsed, nothing is changed.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles import legacy, services
from articles.models import DEFAULT_HEADINGS
from sammachip import thaidate
from villages.models import District, Subdistrict, Village


def resolve_geography(address, province_code=None):
    """District, subdistrict and village named in a legacy address, when they are loaded.

    The district is found first (by name, in the province); the subdistrict by name *in that
    district* (the same name exists in several districts); the village by its หมู่ที่."""
    province_code = province_code or settings.SAMMACHIP_PROVINCE_CODE
    parts = legacy.parse_address(address)
    found = {"district": None, "subdistrict": None, "village": None}
    districts = District.objects.filter(province_id=province_code)
    if parts.district:
        found["district"] = districts.filter(name_th=parts.district).first()
    subdistricts = Subdistrict.objects.filter(district__province_id=province_code)
    if parts.subdistrict:
        if found["district"] is not None:
            subdistricts = subdistricts.filter(district=found["district"])
        matches = list(subdistricts.filter(name_th=parts.subdistrict)[:2])
        if len(matches) == 1:
            found["subdistrict"] = matches[0]
            found["district"] = found["district"] or matches[0].district
    if found["subdistrict"] is not None and parts.moo:
        found["village"] = Village.objects.filter(
            subdistrict=found["subdistrict"], moo=parts.moo
        ).first()
    return parts, found


class Command(BaseCommand):
    help = "นำเข้าบทความจากไฟล์ที่ส่งออกจากเว็บไซต์สัมมาชีพชุมชนเดิม (นำเข้าซ้ำได้ ไม่สร้างซ้ำ)"

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument(
            "--publish", action="store_true", help="เผยแพร่บทความใหม่ทันที (วันที่ตามโพสต์เดิม)"
        )
        parser.add_argument("--dry-run", action="store_true", help="อ่านและรายงานเท่านั้น ไม่บันทึก")

    def handle(self, *args, files, publish, dry_run, **options):
        parsed = []
        errors = []
        for name in files:
            path = Path(name)
            try:
                post = legacy.parse_post(path.read_text(encoding="utf-8-sig"))
            except FileNotFoundError:
                errors.append(f"{name}: ไม่พบไฟล์")
            except UnicodeDecodeError:
                errors.append(f"{name}: ไฟล์ไม่ใช่ข้อความ UTF-8")
            except legacy.LegacyFormatError as error:
                errors.append(f"{name}: {error}")
            else:
                parsed.append((name, post))
        if errors:
            for line in errors:
                self.stderr.write(line)
            raise CommandError("อ่านไฟล์ไม่ได้ ไม่มีการเปลี่ยนแปลงข้อมูลใด ๆ")

        with transaction.atomic():
            for name, post in parsed:
                parts, geography = resolve_geography(post.address)
                self.report(name, post, parts, geography)
                if dry_run:
                    continue
                article, created = services.article_import_legacy(
                    post=post, geography=geography, publish=publish
                )
                verb = "สร้าง" if created else "ปรับปรุง"
                self.stdout.write(
                    self.style.SUCCESS(
                        f"  → {verb}บทความ #{article.pk} ({article.get_status_display()}) "
                        f"{article.get_absolute_url()}"
                    )
                )
        if dry_run:
            self.stdout.write("ทดลองอ่านเท่านั้น ไม่ได้บันทึกข้อมูล")

    def report(self, name, post, parts, geography):
        write = self.stdout.write
        write(f"{name}")
        write(f"  หมวด: {post.category}")
        write(f"  ชื่อเรื่อง: {post.title}")
        write(f"  โดย: {post.author_name} ตำแหน่ง: {post.author_position}")
        write(f"  วันที่: {thaidate.format_thai_datetime(post.published_at)}")
        write(f"  ที่อยู่: {post.address or '—'}")
        district, subdistrict, village = (
            geography["district"],
            geography["subdistrict"],
            geography["village"],
        )
        if district:
            place = f"อ.{district.name_th} ({district.code})"
            if subdistrict:
                place = f"ต.{subdistrict.name_th} {place}"
            if village:
                place = f"{village.name_th} หมู่ {village.moo} {place}"
            write(f"  พื้นที่: {place}")
        else:
            write("  พื้นที่: หาอำเภอไม่พบ (บทความระดับจังหวัด)")
        if parts.subdistrict and not subdistrict:
            write(f"  อ่านไม่ได้: ไม่พบตำบล “{parts.subdistrict}” ในข้อมูลพื้นที่")
        filled = [str(DEFAULT_HEADINGS[key]) for key, value in post.sections.items() if value]
        empty = [str(DEFAULT_HEADINGS[key]) for key, value in post.sections.items() if not value]
        write(f"  ส่วนที่มีเนื้อหา: {' | '.join(filled) or '—'}")
        if empty:
            write(f"  ส่วนที่ว่าง: {' | '.join(empty)}")
        for label in post.unknown:
            write(f"  อ่านไม่ได้: หัวข้อ “{label}” ไม่ตรงกับส่วนใดของบทความ (ไม่ได้นำเข้า)")
        for line in post.skipped:
            write(f"  อ่านไม่ได้: ข้ามบรรทัด “{line[:60]}”")
        if post.images:
            write(f"  รูปที่ไม่มีในไฟล์ส่งออก: {' '.join(post.images)} (อัปโหลดใหม่ในระบบเจ้าหน้าที่)")
