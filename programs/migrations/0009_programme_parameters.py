# Issue 15, the programme parameters: ProgrammeYear (the figures of each fiscal year, defaults
# in programs.parameters), Household.target_group, the sage's trainer certificate.
from decimal import Decimal

import django.core.validators
from django.db import migrations, models

import programs.models


class Migration(migrations.Migration):
    dependencies = [("programs", "0008_derived_stage")]

    operations = [
        migrations.CreateModel(
            name="ProgrammeYear",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "fiscal_year",
                    models.PositiveSmallIntegerField(
                        help_text="ปีงบประมาณ พ.ศ. เช่น 2568 (1 ต.ค. 2567 – 30 ก.ย. 2568)",
                        unique=True,
                        validators=[
                            django.core.validators.MinValueValidator(2550),
                            django.core.validators.MaxValueValidator(2650),
                        ],
                        verbose_name="ปีงบประมาณ (พ.ศ.)",
                    ),
                ),
                (
                    "team_size",
                    models.PositiveSmallIntegerField(
                        default=5,
                        help_text="รวมปราชญ์ชุมชน ใช้เตือนเท่านั้น ไม่บังคับ",
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(30),
                        ],
                        verbose_name="จำนวนคนในทีมวิทยากร (แนวทาง)",
                    ),
                ),
                (
                    "households_per_village",
                    models.PositiveSmallIntegerField(
                        default=20,
                        help_text="ใช้เตือนเท่านั้น ไม่บังคับ",
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(500),
                        ],
                        verbose_name="ครัวเรือนเป้าหมายต่อหมู่บ้าน (แนวทาง)",
                    ),
                ),
                (
                    "minimum_training_days",
                    models.PositiveSmallIntegerField(
                        default=1,
                        help_text="ครัวเรือนที่เข้าอบรมกับทีมของตนรวมอย่างน้อยเท่านี้วัน ถือว่าผ่านการฝึกอบรม",
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(60),
                        ],
                        verbose_name="จำนวนวันอบรมขั้นต่ำ",
                    ),
                ),
                (
                    "followup_schedule",
                    models.CharField(
                        default="1, 3, 6",
                        help_text="เดือนหลังวันสิ้นสุดการอบรม คั่นด้วยจุลภาค เรียงจากน้อยไปมาก เช่น 1, 3, 6",
                        max_length=100,
                        validators=[programs.models.validate_followup_schedule],
                        verbose_name="กำหนดการติดตามผล (เดือนหลังการอบรม)",
                    ),
                ),
                (
                    "evaluation_months",
                    models.PositiveSmallIntegerField(
                        default=6,
                        help_text="รายได้หลังอบรมใช้การติดตามผลครั้งล่าสุดในปีงบประมาณและไม่เกินกี่เดือนหลังสิ้นปี",
                        validators=[django.core.validators.MaxValueValidator(24)],
                        verbose_name="ช่วงประเมินรายได้หลังสิ้นปีงบประมาณ (เดือน)",
                    ),
                ),
                (
                    "target_practising",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("85"),
                        max_digits=5,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0")),
                            django.core.validators.MaxValueValidator(Decimal("100")),
                        ],
                        verbose_name="เป้าหมายครัวเรือนที่ประกอบอาชีพ (ร้อยละ)",
                    ),
                ),
                (
                    "target_income_change",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("3"),
                        max_digits=5,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0")),
                            django.core.validators.MaxValueValidator(Decimal("100")),
                        ],
                        verbose_name="เป้าหมายรายได้เพิ่มขึ้น (ร้อยละ)",
                    ),
                ),
                (
                    "target_groups",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("10"),
                        max_digits=5,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0")),
                            django.core.validators.MaxValueValidator(Decimal("100")),
                        ],
                        verbose_name="เป้าหมายหมู่บ้านที่มีกลุ่มอาชีพ (ร้อยละ)",
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="แก้ไขล่าสุด")),
            ],
            options={
                "verbose_name": "ค่ากำหนดโครงการประจำปี",
                "verbose_name_plural": "ค่ากำหนดโครงการประจำปี",
                "ordering": ["-fiscal_year"],
            },
        ),
        migrations.AddField(
            model_name="household",
            name="target_group",
            field=models.CharField(
                blank=True,
                choices=[
                    ("disaster", "ได้รับผลกระทบจากภัยพิบัติ"),
                    ("economic_shock", "ได้รับผลกระทบทางเศรษฐกิจ"),
                    ("elderly", "ผู้สูงอายุ 60 ปีขึ้นไป"),
                    ("other", "อื่น ๆ"),
                ],
                default="",
                max_length=16,
                verbose_name="กลุ่มเป้าหมาย",
            ),
        ),
        migrations.AddField(
            model_name="sage",
            name="trainer_centre",
            field=models.CharField(
                blank=True,
                help_text="เช่น ศูนย์ศึกษาและพัฒนาชุมชนขอนแก่น",
                max_length=200,
                verbose_name="ศูนย์ที่ผ่านการอบรม",
            ),
        ),
        migrations.AddField(
            model_name="sage",
            name="trainer_course",
            field=models.CharField(
                blank=True,
                help_text="หลักสูตรหรือรุ่นที่ผ่านการอบรม เช่น รุ่นที่ 3",
                max_length=200,
                verbose_name="หลักสูตรวิทยากรสัมมาชีพชุมชน (รุ่น)",
            ),
        ),
        migrations.AddField(
            model_name="sage",
            name="trainer_year",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="ปี พ.ศ. เช่น 2566",
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(
                        2540, message="ปีที่ผ่านการอบรมวิทยากรต้องเป็นปี พ.ศ. ระหว่าง 2540 ถึง 2650"
                    ),
                    django.core.validators.MaxValueValidator(
                        2650, message="ปีที่ผ่านการอบรมวิทยากรต้องเป็นปี พ.ศ. ระหว่าง 2540 ถึง 2650"
                    ),
                ],
                verbose_name="ปีที่ผ่านการอบรมวิทยากร (พ.ศ.)",
            ),
        ),
        migrations.AddConstraint(
            model_name="sage",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("trainer_year__isnull", True),
                    models.Q(("trainer_year__gte", 2540), ("trainer_year__lte", 2650)),
                    _connector="OR",
                ),
                name="sage_trainer_year_range",
                violation_error_message="ปีที่ผ่านการอบรมวิทยากรต้องเป็นปี พ.ศ. ระหว่าง 2540 ถึง 2650",
            ),
        ),
        migrations.AddConstraint(
            model_name="programmeyear",
            constraint=models.CheckConstraint(
                condition=models.Q(("fiscal_year__gte", 2550), ("fiscal_year__lte", 2650)),
                name="programmeyear_fiscal_year_range",
                violation_error_message="ปีงบประมาณต้องเป็นปี พ.ศ. ระหว่าง 2550 ถึง 2650",
            ),
        ),
        migrations.AddConstraint(
            model_name="programmeyear",
            constraint=models.CheckConstraint(
                condition=models.Q(("households_per_village__gte", 1), ("team_size__gte", 1)),
                name="programmeyear_guidance_positive",
                violation_error_message="จำนวนคนในทีมและครัวเรือนต่อหมู่บ้านต้องมากกว่า 0",
            ),
        ),
        migrations.AddConstraint(
            model_name="programmeyear",
            constraint=models.CheckConstraint(
                condition=models.Q(("minimum_training_days__gte", 1)),
                name="programmeyear_training_days_positive",
                violation_error_message="จำนวนวันอบรมขั้นต่ำต้องอย่างน้อย 1 วัน",
            ),
        ),
        migrations.AddConstraint(
            model_name="programmeyear",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("target_groups__gte", 0),
                    ("target_groups__lte", 100),
                    ("target_income_change__gte", 0),
                    ("target_income_change__lte", 100),
                    ("target_practising__gte", 0),
                    ("target_practising__lte", 100),
                ),
                name="programmeyear_targets_percent",
                violation_error_message="เป้าหมายต้องเป็นร้อยละระหว่าง 0 ถึง 100",
            ),
        ),
    ]
