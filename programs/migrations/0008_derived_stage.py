# Issue 15: the household's stage derived from the record (programs/stages.py).
import datetime

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

import sammachip.fields

PENDING_REASON = "บันทึกสถานะเดิมก่อนปรับระบบ — รอเจ้าหน้าที่ยืนยัน"
BATCH = 2000


def typed_stage_kept(old, derived):
    """Whether a stage typed before this migration is kept as a decision: the record does not
    bear it out (it puts the household lower on the ladder, or it says nothing of a drop)."""
    from programs.stages import DROPPED, LADDER

    if old == derived or derived == DROPPED:
        return False
    if old == DROPPED:
        return True
    if old in LADDER and derived in LADDER:
        return LADDER.index(old) > LADDER.index(derived)
    return False


def derive_stages(apps, schema_editor):
    """Each household's stage from its record; a typed stage with no record behind it is kept
    as a ``StageDecision`` dated today (``PENDING_REASON``), so no officer's work is erased.
    The rule is ``programs.stages.record_stage`` (a pure function of the facts)."""
    from programs.stages import annotate_facts, facts_from_row, record_stage

    Household = apps.get_model("programs", "Household")
    FollowUp = apps.get_model("programs", "FollowUp")
    TrainingSession = apps.get_model("programs", "TrainingSession")
    StageDecision = apps.get_model("programs", "StageDecision")
    today = timezone.localdate()
    last = 0
    while True:
        pks = list(
            Household.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH]
        )
        if not pks:
            break
        last = pks[-1]
        rows = annotate_facts(
            Household.objects.filter(pk__in=pks).order_by(),
            FollowUp=FollowUp,
            TrainingSession=TrainingSession,
            StageDecision=StageDecision,
        )
        moves, kept = {}, []
        for row in rows:
            derived = record_stage(facts_from_row(row))
            if typed_stage_kept(row["status"], derived):
                kept.append(
                    StageDecision(
                        household_id=row["pk"],
                        decided_on=today,
                        stage=row["status"],
                        reason=PENDING_REASON,
                    )
                )
            elif derived != row["status"]:
                moves.setdefault(derived, []).append(row["pk"])
        StageDecision.objects.bulk_create(kept)
        for stage, moved in moves.items():
            Household.objects.filter(pk__in=moved).update(status=stage)


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0007_district_guards"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="StageDecision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("decided_on", sammachip.fields.ThaiDateField(verbose_name="วันที่ตัดสินใจ")),
                (
                    "stage",
                    models.CharField(
                        choices=[
                            ("target", "เป้าหมาย"),
                            ("trained", "ฝึกอบรมแล้ว"),
                            ("practising", "ประกอบอาชีพ"),
                            ("grouped", "รวมกลุ่ม"),
                            ("dropped", "เลิก"),
                        ],
                        default="dropped",
                        max_length=16,
                        verbose_name="สถานะที่ตัดสินใจ",
                    ),
                ),
                ("reason", models.TextField(verbose_name="เหตุผล")),
                (
                    "created_at",
                    models.DateTimeField(auto_now_add=True, verbose_name="บันทึกเมื่อ"),
                ),
                (
                    "household",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="stage_decisions",
                        to="programs.household",
                        verbose_name="ครัวเรือน",
                    ),
                ),
                (
                    "officer",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="เจ้าหน้าที่ผู้บันทึก",
                    ),
                ),
            ],
            options={
                "verbose_name": "การตัดสินใจสถานะครัวเรือน",
                "verbose_name_plural": "การตัดสินใจสถานะครัวเรือน",
                "ordering": ["-decided_on", "-id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("decided_on__gte", datetime.date(1990, 1, 1)),
                                ("decided_on__lte", datetime.date(2100, 12, 31)),
                            ),
                            ("decided_on__isnull", True),
                            _connector="OR",
                        ),
                        name="stagedecision_date_plausible",
                        violation_error_message=(
                            "วันที่ตัดสินใจไม่อยู่ในช่วงที่เป็นไปได้ กรุณากรอกปีเป็น พ.ศ. เช่น 21/06/2567"
                        ),
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("reason", ""), _negated=True),
                        name="stagedecision_reason_required",
                        violation_error_message="กรุณาระบุเหตุผล",
                    ),
                ],
            },
        ),
        migrations.AddField(
            model_name="followup",
            name="stopped_reason",
            field=models.TextField(
                blank=True,
                help_text="กรอกเมื่อครัวเรือนเลิกประกอบอาชีพแล้ว (ไม่ต้องเลือก “ยังประกอบอาชีพ”)",
                verbose_name="เหตุผลที่เลิกประกอบอาชีพ",
            ),
        ),
        migrations.AddConstraint(
            model_name="followup",
            constraint=models.CheckConstraint(
                condition=models.Q(("stopped_reason", ""), ("practising", False), _connector="OR"),
                name="followup_stopped_not_practising",
                violation_error_message="ครัวเรือนที่เลิกประกอบอาชีพแล้วต้องไม่เลือก “ยังประกอบอาชีพ”",
            ),
        ),
        migrations.RunPython(derive_stages, migrations.RunPython.noop),
    ]
