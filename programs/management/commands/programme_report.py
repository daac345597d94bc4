from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from programs import reports
from programs.models import ExportLog, FiscalYearValidator
from villages.models import District, Village


class Command(BaseCommand):
    help = (
        "สร้างรายงานผลการดำเนินงานโครงการสร้างสัมมาชีพชุมชน (ทั้งจังหวัดหรือรายอำเภอ) "
        "หรือรายงานสารสนเทศระดับหมู่บ้าน เป็นไฟล์ Excel หรือ PDF และบันทึกในบันทึกการส่งออก"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fiscal-year", type=int, required=True, metavar="BE", help="ปีงบประมาณ พ.ศ. เช่น 2568"
        )
        parser.add_argument("--district", metavar="CODE", help="รหัสอำเภอ 4 หลัก")
        parser.add_argument(
            "--village", metavar="CODE", help="รหัสหมู่บ้าน 8 หลัก (รายงานสารสนเทศระดับหมู่บ้าน)"
        )
        parser.add_argument(
            "--report",
            choices=["kpi", "villages"],
            help="kpi = รายงานผลการดำเนินงาน (ค่าเริ่มต้น), villages = รายงานสารสนเทศระดับหมู่บ้าน "
            "(ค่าเริ่มต้นเมื่อระบุ --village)",
        )
        parser.add_argument("--format", choices=["xlsx", "pdf"], required=True, dest="file_format")
        parser.add_argument("--output", required=True, metavar="FILE")

    def handle(self, *args, fiscal_year, district, village, report, file_format, output, **opts):
        try:
            FiscalYearValidator()(fiscal_year)  # the forms' and the import's rule
        except ValidationError as error:
            raise CommandError(error.messages[0]) from None
        path = Path(output)
        if not path.parent.is_dir():
            raise CommandError(f"ไม่พบโฟลเดอร์ {path.parent} กรุณาสร้างโฟลเดอร์ก่อน หรือเลือกที่อื่น")
        kind = report or ("villages" if village else "kpi")
        scope = reports.scope_words()
        if district:
            found = District.objects.filter(code=district).first()
            if found is None:
                raise CommandError(f"ไม่พบอำเภอรหัส {district}")
            scope = reports.scope_words(found)
        if village:
            if kind == "kpi":
                raise CommandError(
                    "--village ใช้กับรายงานสารสนเทศระดับหมู่บ้าน (--report villages) เท่านั้น"
                )
            village_pk = Village.objects.filter(code=village).values_list("pk", flat=True).first()
            if village_pk is None:
                raise CommandError(f"ไม่พบหมู่บ้านรหัส {village}")
        if file_format == "pdf":
            from programs import report_pdf

            if not report_pdf.available():
                raise CommandError(report_pdf.NOT_SET_UP)
        districts = [district] if district else None
        villages = [village_pk] if village else None
        if kind == "kpi":
            data = reports.kpi_report(fiscal_year=fiscal_year, districts=districts)
            rows = len(data["rows"])
        else:
            data = reports.village_report(
                fiscal_year=fiscal_year, districts=districts, villages=villages
            )
            rows = len(data["villages"])
        if file_format == "xlsx":
            if kind == "kpi":
                reports.write_kpi_xlsx(path, data, scope_words=scope)
            else:
                reports.write_village_xlsx(path, data)
        else:
            from programs import report_pdf

            report_pdf.write_pdf(path, kind, data, scope_words=scope)
        reports.record(
            kind=kind,
            fiscal_year=fiscal_year,
            file_format=file_format,
            rows=rows,
            source=ExportLog.Source.COMMAND,
            district=district,
            village=village,
        )
        what = "อำเภอ" if kind == "kpi" else "หมู่บ้าน"
        self.stdout.write(f"สร้างรายงาน {rows:,} {what} ไปที่ {path}")
