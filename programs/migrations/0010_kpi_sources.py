# Issue 15: the sources of the department's KPIs. Occupation types (ประเภทอาชีพ) as data, made
# from the older fixed ``Occupation.kind`` list; where ``Household.income_after`` came from (an
# income already recorded was typed by an officer: "manual", so no past work is overwritten).
from decimal import Decimal

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

# Occupation.Kind value → the type it becomes (name, order).
KIND_TYPES = {
    "agriculture": ("เกษตรกรรม", 1),
    "craft": ("หัตถกรรม", 2),
    "food": ("อาหารแปรรูป", 3),
    "service": ("ค้าขาย/บริการ", 4),
    "other": ("อื่น ๆ", 9),
}


def types_from_kinds(apps, schema_editor):
    OccupationType = apps.get_model("programs", "OccupationType")
    Occupation = apps.get_model("programs", "Occupation")
    for kind, (name, order) in KIND_TYPES.items():
        occupation_type, _created = OccupationType.objects.get_or_create(
            name=name, defaults={"order": order}
        )
        Occupation.objects.filter(kind=kind, type__isnull=True).update(type=occupation_type)


def incomes_typed_by_hand(apps, schema_editor):
    Household = apps.get_model("programs", "Household")
    Household.objects.filter(income_after__isnull=False).update(income_after_source="manual")


class Migration(migrations.Migration):
    dependencies = [("programs", "0009_programme_parameters")]

    operations = [
        migrations.CreateModel(
            name="OccupationType",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "name",
                    models.CharField(max_length=100, unique=True, verbose_name="ชื่อประเภทอาชีพ"),
                ),
                (
                    "order",
                    models.PositiveSmallIntegerField(default=0, verbose_name="ลำดับที่แสดง"),
                ),
            ],
            options={
                "verbose_name": "ประเภทอาชีพ",
                "verbose_name_plural": "ประเภทอาชีพ",
                "ordering": ["order", "name"],
            },
        ),
        migrations.AddField(
            model_name="household",
            name="income_after_source",
            field=models.CharField(
                blank=True,
                choices=[
                    ("followup", "จากการติดตามผลครั้งล่าสุด"),
                    ("manual", "กรอกเอง"),
                    ("", "ยังไม่มี"),
                ],
                default="",
                editable=False,
                max_length=16,
                verbose_name="ที่มาของรายได้หลังเข้าร่วม",
            ),
        ),
        migrations.AlterField(
            model_name="household",
            name="income_after",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                help_text=(
                    "เว้นว่างไว้เพื่อใช้รายได้จากการติดตามผลครั้งล่าสุดในช่วงประเมินผลของปีงบประมาณ "
                    "กรอกเองเมื่อประเมินด้วยวิธีอื่น"
                ),
                max_digits=10,
                null=True,
                validators=[django.core.validators.MinValueValidator(Decimal("0"))],
                verbose_name="รายได้จากอาชีพเมื่อประเมินสิ้นปี (บาท/เดือน)",
            ),
        ),
        migrations.AddField(
            model_name="occupation",
            name="type",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="occupations",
                to="programs.occupationtype",
                verbose_name="ประเภทอาชีพ",
            ),
        ),
        migrations.RunPython(types_from_kinds, migrations.RunPython.noop),
        migrations.RunPython(incomes_typed_by_hand, migrations.RunPython.noop),
    ]
