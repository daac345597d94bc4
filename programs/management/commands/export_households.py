from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from programs import services
from programs.models import FISCAL_YEAR_MAX, FISCAL_YEAR_MIN, ExportLog, Household
from programs.spreadsheets import ExportInfo, TooManyRows
from sammachip.thaidate import BE_OFFSET
from villages.models import District


class Command(BaseCommand):
    help = (
        "ส่งออกรายชื่อครัวเรือนเป้าหมายเป็น Excel (เลขประจำตัวปิดบางส่วน เว้นแต่ใช้ --full-ids) "
        "และบันทึกในบันทึกการส่งออก"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--district",
            action="append",
            dest="districts",
            default=[],
            metavar="CODE",
            help="รหัสอำเภอ 4 หลัก (ใส่ได้หลายครั้ง)",
        )
        parser.add_argument(
            "--fiscal-year", type=int, metavar="BE-YEAR", help="ปีงบประมาณ พ.ศ. เช่น 2568"
        )
        parser.add_argument(
            "--full-ids", action="store_true", help="ใส่เลขประจำตัวประชาชนเต็ม (บันทึกไว้ในบันทึกการส่งออก)"
        )
        parser.add_argument("--output", required=True, metavar="FILE.xlsx")

    def handle(self, *args, districts, fiscal_year, full_ids, output, **options):
        path = Path(output)
        if path.suffix.lower() not in {".xlsx", ".csv"}:
            raise CommandError("--output ต้องลงท้ายด้วย .xlsx หรือ .csv")
        if not path.parent.is_dir():
            raise CommandError(f"ไม่พบโฟลเดอร์ {path.parent} กรุณาสร้างโฟลเดอร์ก่อน หรือเลือกที่อื่น")
        queryset = Household.objects.all()
        filters = []
        words = []
        district = None
        if fiscal_year is not None:
            if 1900 < fiscal_year < 2400:
                raise CommandError(
                    f"ปีงบประมาณต้องเป็น พ.ศ.: {fiscal_year} น่าจะเป็น --fiscal-year "
                    f"{fiscal_year + BE_OFFSET}"
                )
            if not FISCAL_YEAR_MIN <= fiscal_year <= FISCAL_YEAR_MAX:
                raise CommandError(f"ปีงบประมาณ {fiscal_year} ไม่อยู่ในช่วงที่ใช้ได้")
            queryset = queryset.filter(fiscal_year=fiscal_year)
            filters.append(f"fiscal_year={fiscal_year}")
            words.append(f"ปีงบประมาณ {fiscal_year}")
        if districts:
            names = dict(District.objects.filter(code__in=districts).values_list("code", "name_th"))
            missing = sorted(set(districts) - set(names))
            if missing:
                raise CommandError(f"ไม่พบอำเภอรหัส {', '.join(missing)}")
            queryset = queryset.filter(district__in=districts)
            filters.append("district=" + ",".join(sorted(districts)))
            words[:0] = [f"อำเภอ{names[code]}" for code in sorted(names)]
            if len(names) == 1:
                district = next((name, code) for code, name in names.items())
        file_format = path.suffix.lower().lstrip(".")
        try:
            with path.open("wb") as target:
                rows = services.household_list_export(
                    queryset=queryset,
                    target=target,
                    file_format=file_format,
                    full_ids=full_ids,
                    filters="&".join(filters),
                    info=ExportInfo(
                        filter_words=tuple(words), district=district, fiscal_year=fiscal_year
                    ),
                    source=ExportLog.Source.COMMAND,
                )
        except TooManyRows as error:
            path.unlink(missing_ok=True)
            raise CommandError(str(error)) from error
        ids = "เลขเต็ม" if full_ids else "เลขปิดบางส่วน"
        self.stdout.write(f"ส่งออก {rows:,} แถว ({ids}) ไปที่ {path}")
