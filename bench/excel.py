"""Benchmark: household lists to and from Excel (issue 6).

    .venv/bin/python bench/excel.py [--rows 50000] [--big-rows 200000] [--import-rows 10000]

Generated data in one province (Khon Kaen), on the database of DATABASE_URL (default: a
SQLite file bench/bench.sqlite3, recreated each run). Prints a markdown table: this project's
export against django-import-export's stock export (tablib → openpyxl) of the same queryset, and
this project's import of new and of unchanged rows against the library's default options on the
same file and the same columns.
"""

import argparse
import io
import random
import tempfile
from decimal import Decimal

from common import measure, setup_django, table


def build(rows):
    from django.core.management import call_command

    from programs.models import Household, Occupation
    from sammachip import citizen_id
    from villages.models import Subdistrict, Village

    call_command("flush", interactive=False, verbosity=0)
    call_command("load_geography", province=["40"], verbosity=0, stdout=io.StringIO())
    call_command("loaddata", "fixtures/occupations.json", verbosity=0)
    rng = random.Random(6)
    villages = []
    for subdistrict in Subdistrict.objects.filter(district__province_id="40")[:100]:
        villages.append(
            Village.objects.create(
                subdistrict=subdistrict, moo=1, name_th=f"บ้านทดสอบ{subdistrict.code}"
            )
        )
    occupations = list(Occupation.objects.all())
    batch = []
    for n in range(rows):
        village = villages[n % len(villages)]
        batch.append(
            Household(
                village=village,
                district_id=village.district_id,
                fiscal_year=2568,
                house_no=str(n % 300),
                prefix="นาง",
                first_name=f"ทดสอบ{n}",
                last_name="สมมุติดี",
                citizen_id=citizen_id.with_check_digit(f"1{n:011d}"),
                phone="0812345678",
                occupation=rng.choice(occupations),
                status=rng.choice(Household.Status.values),
                income_before=Decimal(rng.randrange(1000, 5000)),
                income_after=Decimal(rng.randrange(1000, 5000)),
            )
        )
        if len(batch) == 5000:
            Household.objects.bulk_create(batch)
            batch = []
    Household.objects.bulk_create(batch)
    return villages


def export_ours(queryset):
    from programs import services
    from programs.models import ExportLog

    with tempfile.TemporaryFile() as target:
        return services.household_list_export(
            queryset=queryset,
            target=target,
            file_format="xlsx",
            full_ids=False,
            source=ExportLog.Source.COMMAND,
        )


def export_stock(queryset):
    from programs.resources import HouseholdResource

    related = queryset.select_related(
        "village__subdistrict", "district", "occupation", "trainer_team__sage", "group"
    )
    data = HouseholdResource().export(related).export("xlsx")
    return len(data)


def import_file(rows, start):
    from openpyxl import Workbook

    from programs.resources import HouseholdResource
    from sammachip import citizen_id
    from villages.models import Village

    codes = list(Village.objects.values_list("code", flat=True))
    headers = HouseholdResource().get_export_headers()
    book = Workbook(write_only=True)
    sheet = book.create_sheet("ครัวเรือนเป้าหมาย")
    sheet.append(headers)
    for n in range(rows):
        row = {
            "ปีงบประมาณ (พ.ศ.)": 2569,
            "รหัสหมู่บ้าน": codes[n % len(codes)],
            "บ้านเลขที่": str(n),
            "คำนำหน้า": "นาย",
            "ชื่อ": f"นำเข้า{n}",
            "นามสกุล": "ทดสอบสมมุติ",
            "เลขประจำตัวประชาชน": citizen_id.with_check_digit(f"2{start + n:011d}"),
            "โทรศัพท์": "081-234-5678",
            "อาชีพ": "ทอผ้าไหม",
            "สถานะ": "เป้าหมาย",
            "รายได้ก่อนเข้าร่วม (บาท/เดือน)": 2500,
        }
        sheet.append([row.get(h, "") for h in headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def library_defaults_resource():
    """The same columns and validations with django-import-export's default options."""
    from import_export import resources

    from programs.resources import HouseholdResource

    class Defaults(HouseholdResource):
        class Meta(HouseholdResource.Meta):
            use_bulk = False
            skip_diff = False
            batch_size = None

        validate_instance = resources.ModelResource.validate_instance
        skip_row = resources.ModelResource.skip_row
        save_instance = resources.ModelResource.save_instance

    return Defaults


def run_import(resource_class, file_format, content, dry_run):
    from django.db import transaction

    dataset = file_format().create_dataset(content)
    with transaction.atomic():
        result = resource_class().import_data(
            dataset, dry_run=dry_run, rollback_on_validation_errors=True
        )
    assert not result.has_errors() and not result.has_validation_errors(), result.invalid_rows[:1]
    return result.totals


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--big-rows", type=int, default=200_000)
    parser.add_argument("--import-rows", type=int, default=10_000)
    args = parser.parse_args()
    setup_django()
    from django.core.management import call_command
    from django.db import connection
    from import_export.formats.base_formats import XLSX

    from programs.models import Household
    from programs.resources import HouseholdResource
    from programs.spreadsheets import CalamineXLSX

    call_command("migrate", verbosity=0)
    vendor = connection.vendor
    rows = []

    build(args.rows)
    queryset = Household.objects.all()
    _, ours_s, ours_mem = measure(lambda: export_ours(queryset))
    _, stock_s, stock_mem = measure(lambda: export_stock(queryset))
    data = f"{args.rows:,} households, {vendor}"
    rows.append(
        [
            "export xlsx (time)",
            data,
            f"{ours_s:.2f} s",
            f"{stock_s:.2f} s",
            f"{stock_s / ours_s:.1f}×",
            "≥ 5×",
            "yes" if stock_s / ours_s >= 5 else "NO",
        ]
    )
    rows.append(
        [
            "export xlsx (peak memory growth)",
            data,
            f"{ours_mem:.0f} MiB",
            f"{stock_mem:.0f} MiB",
            "",
            "≤ 50 MiB",
            "yes" if ours_mem <= 50 else "NO",
        ]
    )

    if args.big_rows:
        build(args.big_rows)
        _, big_s, big_mem = measure(lambda: export_ours(Household.objects.all()))
        flat = big_mem <= max(ours_mem * 1.5, ours_mem + 10)
        rows.append(
            [
                "export xlsx (peak memory growth)",
                f"{args.big_rows:,} households, {vendor}",
                f"{big_mem:.0f} MiB ({big_s:.1f} s)",
                f"{ours_mem:.0f} MiB at {args.rows:,}",
                "",
                "flat from 50k to 200k",
                "yes" if flat and big_mem <= 50 else "NO",
            ]
        )
        build(args.rows)

    content = import_file(args.import_rows, start=0)
    defaults = library_defaults_resource()
    data = f"{args.import_rows:,} new rows, {vendor}"
    for dry_run, label in (
        (True, "import new rows, preview (dry run)"),
        (False, "import new rows, commit"),
    ):
        _, ours_s, _m = measure(
            lambda dr=dry_run: run_import(HouseholdResource, CalamineXLSX, content, dr)
        )
        if not dry_run:
            Household.objects.filter(fiscal_year=2569).delete()
        _, base_s, _m = measure(lambda dr=dry_run: run_import(defaults, XLSX, content, dr))
        if not dry_run:
            pass  # leaves the imported rows for the re-import below
        rows.append(
            [
                label,
                data,
                f"{ours_s:.2f} s",
                f"{base_s:.2f} s",
                f"{base_s / ours_s:.1f}×",
                "≥ 4×",
                "yes" if base_s / ours_s >= 4 else "NO",
            ]
        )

    # Re-import of an unchanged export: every row must be reported as skipped.
    from programs import spreadsheets

    exported = io.BytesIO()
    spreadsheets.write_xlsx(
        exported, Household.objects.filter(fiscal_year=2569), HouseholdResource()
    )
    content = exported.getvalue()
    totals, ours_s, _m = measure(
        lambda: run_import(HouseholdResource, CalamineXLSX, content, False)
    )
    _, base_s, _m = measure(lambda: run_import(defaults, XLSX, content, False))
    skipped = totals.get("skip", 0)
    rows.append(
        [
            "re-import unchanged export",
            f"{args.import_rows:,} rows, {vendor}",
            f"{ours_s:.2f} s ({skipped:,} skipped)",
            f"{base_s:.2f} s",
            f"{base_s / ours_s:.1f}×",
            "all skipped, not slower",
            "yes" if skipped == args.import_rows and ours_s <= base_s else "NO",
        ]
    )
    print(table(rows))


if __name__ == "__main__":
    main()
