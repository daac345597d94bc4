"""The programme in a village, as data (see DESIGN.md, "The programme, as data").

One sage per target village leads a trainer team of five (the sage and four members); a village
forum picks about twenty target households; the team trains them; households that practise become
ครัวเรือนสัมมาชีพ, are followed up, form occupational groups (``Household.group``) and develop OTOP
products. Every record belongs to a district through its village and carries an indexed
``district`` column kept equal to the village's (``derive_district``), so scoping is one indexed
filter.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Length, Upper
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from programs import locking
from programs.locking import YearLockedQuerySet
from sammachip import citizen_id, thaidate
from sammachip.citizen_id.fields import CitizenIdHashField, EncryptedCitizenIdField
from sammachip.fields import ThaiDateField, plausible_date
from sammachip.scoping import DistrictScopedQuerySet
from sammachip.validators import validate_thai_phone
from villages.models import District, Village

FISCAL_YEAR_MIN = 2550
FISCAL_YEAR_MAX = 2650

# Today's guidance figures: the defaults of ``ProgrammeYear`` (read them through
# ``programs.parameters.for_year``; kept for older imports).
TEAM_SIZE = 5  # the sage + 4 members (guidance: warn, never block)
HOUSEHOLDS_PER_VILLAGE = 20  # about this many (guidance)
TRAINER_YEAR_MIN = 2540  # the department's trainer courses (วิทยากรสัมมาชีพชุมชน) began later
# The numbers are TRAINER_YEAR_MIN and FISCAL_YEAR_MAX.
TRAINER_YEAR_MESSAGE = _("ปีที่ผ่านการอบรมวิทยากรต้องเป็นปี พ.ศ. ระหว่าง 2540 ถึง 2650")


def by_house_number():
    """Households in house-number order as people read it (2, 28, 171 — not 171, 2, 28): the
    shorter number first, then by text; for short lists (a team's grid, a sign-in sheet). The
    changelist keeps its indexed order (``household_list_idx``)."""
    return (Length("house_no"), "house_no", "id")


@deconstructible
class FiscalYearValidator:
    """A fiscal year in the Buddhist Era, FISCAL_YEAR_MIN to FISCAL_YEAR_MAX; a year that looks
    like the Common Era (2026) says which BE year it would be (the import says the same:
    ``programs.widgets.FiscalYearWidget``)."""

    def __call__(self, value):
        if value is None:
            return
        if 1900 < value < 2400:
            raise ValidationError(
                _("ปีงบประมาณต้องเป็น พ.ศ.: %(ce)d น่าจะเป็น พ.ศ. %(be)d")
                % {"ce": value, "be": value + thaidate.BE_OFFSET},
                code="common_era",
            )
        if not FISCAL_YEAR_MIN <= value <= FISCAL_YEAR_MAX:
            raise ValidationError(
                _("ปีงบประมาณ %(year)d ไม่อยู่ในช่วงที่ใช้ได้ (พ.ศ. %(min)d–%(max)d)")
                % {"year": value, "min": FISCAL_YEAR_MIN, "max": FISCAL_YEAR_MAX},
                code="out_of_range",
            )

    def __eq__(self, other):
        return isinstance(other, FiscalYearValidator)


def fiscal_year_field(**kwargs):
    return models.PositiveSmallIntegerField(
        _("ปีงบประมาณ (พ.ศ.)"),
        validators=[FiscalYearValidator()],
        help_text=_("ปีงบประมาณ พ.ศ. เช่น 2568 (1 ต.ค. 2567 – 30 ก.ย. 2568)"),
        **kwargs,
    )


def fiscal_year_check(name):
    return models.CheckConstraint(
        condition=Q(fiscal_year__gte=FISCAL_YEAR_MIN, fiscal_year__lte=FISCAL_YEAR_MAX),
        name=name,
        # The numbers are FISCAL_YEAR_MIN and FISCAL_YEAR_MAX.
        violation_error_message=_("ปีงบประมาณต้องเป็นปี พ.ศ. ระหว่าง 2550 ถึง 2650"),
    )


def district_field():
    return models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("อำเภอ"),
        editable=False,
    )


class DistrictFromVillage(models.Model):
    """A record whose district is its village's; the column is derived, never typed."""

    district_lookup = "district"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.derive_district()
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.derive_district()

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # The links as read (district, village, team…, and the fiscal year): a link is checked
        # again only when it or the district (year) changes, so an import of updates asks
        # nothing more per row.
        instance._loaded_links = {
            name: value
            for name, value in zip(field_names, values, strict=True)
            if name.endswith("_id") or name == "fiscal_year"
        }
        return instance

    def derive_district(self):
        if self.village_id:
            self.district_id = self.village.district_id

    @property
    def moved_district(self):
        """Whether this (saved) record is being moved to another district."""
        loaded = getattr(self, "_loaded_links", {}).get("district_id")
        return bool(self.pk and loaded and self.district_id and loaded != self.district_id)

    def link_to_check(self, field):
        """The record ``field`` (a foreign key) points at, when that link is to be checked: it
        is set, and the record is new, or the link or the district changed since read."""
        attname = f"{field}_id"
        value = getattr(self, attname)
        if value is None:
            return None
        loaded = getattr(self, "_loaded_links", None)
        if loaded is not None and not self.moved_district and loaded.get(attname) == value:
            return None
        return getattr(self, field)

    def same_district_errors(self, **related):
        """``{field: message}`` for each foreign key (``field=message``) whose record belongs
        to another district than this record's village: the rule behind every link between
        district-owned records (the database's side: migration ``0007_district_guards``)."""
        if not self.district_id:
            return {}
        errors = {}
        for field, message in related.items():
            record = self.link_to_check(field)
            if record is not None and record.district_id != self.district_id:
                errors[field] = message
        return errors

    def get_additional_data(self):
        """Stored with each audit entry, so the audit log is scoped like the record."""
        return {"district": self.district_id}


class Prefix(models.TextChoices):
    MR = "นาย", _("นาย")
    MRS = "นาง", _("นาง")
    MISS = "นางสาว", _("นางสาว")
    OTHER = "", _("อื่น ๆ / ไม่ระบุ")


class OccupationType(models.Model):
    """ประเภทอาชีพ (e.g. เกษตรกรรม, หัตถกรรม, อาหารแปรรูป, ค้าขาย/บริการ): the department's
    breakdown of households and groups, a list provincial staff keep in the admin."""

    name = models.CharField(_("ชื่อประเภทอาชีพ"), max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(_("ลำดับที่แสดง"), default=0)

    class Meta:
        verbose_name = _("ประเภทอาชีพ")
        verbose_name_plural = _("ประเภทอาชีพ")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class Occupation(models.Model):
    class Kind(models.TextChoices):
        AGRICULTURE = "agriculture", _("เกษตร")
        FOOD = "food", _("แปรรูปอาหาร")
        CRAFT = "craft", _("หัตถกรรม/ทอผ้า")
        SERVICE = "service", _("บริการ")
        OTHER = "other", _("อื่น ๆ")

    name = models.CharField(_("ชื่ออาชีพ"), max_length=200, unique=True)
    kind = models.CharField(_("ประเภท"), max_length=16, choices=Kind.choices, default=Kind.OTHER)
    # The breakdown of the KPI page; ``kind`` is the older fixed list it was made from
    # (migration 0010_kpi_sources), kept for the fixtures and imports that still name it.
    type = models.ForeignKey(
        OccupationType,
        on_delete=models.PROTECT,
        related_name="occupations",
        verbose_name=_("ประเภทอาชีพ"),
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("อาชีพ")
        verbose_name_plural = _("อาชีพ")
        ordering = ["name"]

    def __str__(self):
        return self.name


class PersonName(models.Model):
    prefix = models.CharField(_("คำนำหน้า"), max_length=20, blank=True, choices=Prefix.choices)
    first_name = models.CharField(_("ชื่อ"), max_length=100)
    last_name = models.CharField(_("นามสกุล"), max_length=100)

    class Meta:
        abstract = True

    @property
    def full_name(self):
        return f"{self.prefix}{self.first_name} {self.last_name}".strip()


class SageQuerySet(DistrictScopedQuerySet):
    def public(self):
        return self.filter(is_public=True)

    def for_listing(self):
        return self.select_related("village", "district")


class Sage(DistrictFromVillage, PersonName):
    """ปราชญ์ชุมชน. Public only with ``is_public`` (name, village, expertise, bio, photo); the
    phone only with ``phone_public``; the citizen ID never."""

    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="sages", verbose_name=_("หมู่บ้าน")
    )
    district = district_field()
    expertise = models.ManyToManyField(
        Occupation, blank=True, related_name="sages", verbose_name=_("ความเชี่ยวชาญ")
    )
    bio = models.TextField(_("ประวัติและผลงาน"), blank=True)
    photo = models.ImageField(_("รูปถ่าย"), upload_to="sages/", blank=True)
    phone = models.CharField(
        _("โทรศัพท์"), max_length=20, blank=True, validators=[validate_thai_phone]
    )
    phone_public = models.BooleanField(_("เปิดเผยเบอร์โทรศัพท์ต่อสาธารณะ"), default=False)
    citizen_id = EncryptedCitizenIdField(_("เลขประจำตัวประชาชน"), blank=True)
    citizen_id_hash = CitizenIdHashField(db_index=True)
    is_public = models.BooleanField(_("แสดงในทำเนียบปราชญ์ชุมชน"), default=False)
    # วิทยากรสัมมาชีพชุมชน: the department's trainer course passed at one of its study centres.
    trainer_course = models.CharField(
        _("หลักสูตรวิทยากรสัมมาชีพชุมชน (รุ่น)"),
        max_length=200,
        blank=True,
        help_text=_("หลักสูตรหรือรุ่นที่ผ่านการอบรม เช่น รุ่นที่ 3"),
    )
    trainer_centre = models.CharField(
        _("ศูนย์ที่ผ่านการอบรม"),
        max_length=200,
        blank=True,
        help_text=_("เช่น ศูนย์ศึกษาและพัฒนาชุมชนขอนแก่น"),
    )
    trainer_year = models.PositiveSmallIntegerField(
        _("ปีที่ผ่านการอบรมวิทยากร (พ.ศ.)"),
        null=True,
        blank=True,
        validators=[
            MinValueValidator(TRAINER_YEAR_MIN, message=TRAINER_YEAR_MESSAGE),
            MaxValueValidator(FISCAL_YEAR_MAX, message=TRAINER_YEAR_MESSAGE),
        ],
        help_text=_("ปี พ.ศ. เช่น 2566"),
    )

    objects = SageQuerySet.as_manager()

    class Meta:
        verbose_name = _("ปราชญ์ชุมชน")
        verbose_name_plural = _("ปราชญ์ชุมชน")
        ordering = ["first_name", "last_name"]
        permissions = [("view_full_citizen_id_sage", _("ดูเลขประจำตัวประชาชนเต็มของปราชญ์"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(trainer_year__isnull=True)
                | Q(trainer_year__gte=TRAINER_YEAR_MIN, trainer_year__lte=FISCAL_YEAR_MAX),
                name="sage_trainer_year_range",
                violation_error_message=TRAINER_YEAR_MESSAGE,
            ),
        ]

    def __str__(self):
        return self.full_name

    def __repr__(self):
        return f"<Sage {self.pk}: {self.full_name}>"

    def get_absolute_url(self):
        return reverse("programs:sage_detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.moved_district and self.teams.exclude(district_id=self.district_id).exists():
            raise ValidationError(
                {"village": _("ย้ายปราชญ์ไปหมู่บ้านในอำเภออื่นไม่ได้ เพราะเป็นปราชญ์ของทีมวิทยากรในอำเภอเดิม")}
            )
        if self.trainer_year and self.trainer_year > thaidate.be_year(timezone.localdate().year):
            raise ValidationError(
                {
                    "trainer_year": _("ปีที่ผ่านการอบรมวิทยากรต้องไม่เกินปีปัจจุบัน (พ.ศ. %(year)d)")
                    % {"year": thaidate.be_year(timezone.localdate().year)}
                }
            )

    @property
    def is_certified_trainer(self):
        return bool(self.trainer_course or self.trainer_centre or self.trainer_year)

    @property
    def trainer_label(self):
        """``วิทยากรสัมมาชีพชุมชน (รุ่นที่ 3 ปี 2566)``, or '' when no certificate is recorded
        (the centre is shown beside it, ``trainer_centre``)."""
        if not self.is_certified_trainer:
            return ""
        title = str(_("วิทยากรสัมมาชีพชุมชน"))
        year = str(_("ปี %(year)d") % {"year": self.trainer_year}) if self.trainer_year else ""
        detail = " ".join(part for part in (self.trainer_course.strip(), year) if part)
        return f"{title} ({detail})" if detail else title

    @property
    def citizen_id_masked(self):
        return citizen_id.mask(self.citizen_id)


class TrainerTeam(DistrictFromVillage):
    """ทีมวิทยากรสัมมาชีพ: one per village and fiscal year, the sage and (about) four members."""

    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="teams", verbose_name=_("หมู่บ้าน")
    )
    district = district_field()
    fiscal_year = fiscal_year_field()
    sage = models.ForeignKey(
        Sage, on_delete=models.PROTECT, related_name="teams", verbose_name=_("ปราชญ์ชุมชน")
    )
    occupation = models.ForeignKey(
        Occupation, on_delete=models.PROTECT, related_name="teams", verbose_name=_("อาชีพที่ฝึก")
    )

    objects = YearLockedQuerySet.as_manager()

    class Meta:
        verbose_name = _("ทีมวิทยากรสัมมาชีพ")
        verbose_name_plural = _("ทีมวิทยากรสัมมาชีพ")
        ordering = ["-fiscal_year", "village__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "fiscal_year"],
                name="team_one_per_village_year",
                violation_error_message=_("หมู่บ้านนี้มีทีมวิทยากรของปีงบประมาณนี้แล้ว"),
            ),
            fiscal_year_check("team_fiscal_year_range"),
        ]

    def __str__(self):
        # The village's หมู่ and code: two villages of one name (บ้านบึงสาธิต of two
        # subdistricts) read alike in a picker otherwise; no further query than the village.
        village = self.village
        return f"ทีม {village.name_th} หมู่ที่ {village.moo} ({village.code}) ปี {self.fiscal_year}"

    def clean(self):
        super().clean()
        errors = self.same_district_errors(sage=_("ปราชญ์ชุมชนของทีมต้องอยู่ในอำเภอเดียวกับหมู่บ้านของทีม"))
        if self.moved_district and (self.households.exists() or self.sessions.exists()):
            # Its households and sessions belong to the old district (some perhaps beyond the
            # editor's districts): the database would refuse the move at commit.
            errors["village"] = _(
                "ย้ายทีมที่มีครัวเรือนหรือการอบรมแล้วไปหมู่บ้านในอำเภออื่นไม่ได้ "
                "กรุณาสร้างทีมใหม่ในอำเภอนั้น หรือติดต่อเจ้าหน้าที่ระดับจังหวัด"
            )
        loaded_year = getattr(self, "_loaded_links", {}).get("fiscal_year", self.fiscal_year)
        if self.pk and self.fiscal_year and loaded_year != self.fiscal_year:
            # Its sessions' days lie in the old year (the database refuses them at commit on
            # PostgreSQL: migration 0012's ``session_in_team_fiscal_year``).
            first, last = thaidate.fiscal_year_bounds(self.fiscal_year)
            if self.sessions.exclude(start_date__gte=first, end_date__lte=last).exists():
                errors["fiscal_year"] = _(
                    "เปลี่ยนปีงบประมาณของทีมไม่ได้ เพราะมีการอบรมที่อยู่นอกปีงบประมาณ %(year)d (%(span)s)"
                ) % {"year": self.fiscal_year, "span": thaidate.fiscal_year_span(self.fiscal_year)}
        if errors:
            raise ValidationError(errors)


class TeamMember(PersonName):
    class Role(models.TextChoices):
        DEPUTY = "deputy", _("รองหัวหน้าทีม")
        TRAINER = "trainer", _("วิทยากร")
        ASSISTANT = "assistant", _("ผู้ช่วยวิทยากร")
        SECRETARY = "secretary", _("เลขานุการทีม")

    district_lookup = "team__district"

    team = models.ForeignKey(
        TrainerTeam, on_delete=models.CASCADE, related_name="members", verbose_name=_("ทีม")
    )
    role = models.CharField(
        _("บทบาทในทีม"), max_length=16, choices=Role.choices, default=Role.TRAINER
    )
    phone = models.CharField(
        _("โทรศัพท์"), max_length=20, blank=True, validators=[validate_thai_phone]
    )

    objects = YearLockedQuerySet.as_manager()

    class Meta:
        verbose_name = _("สมาชิกทีมวิทยากร")
        verbose_name_plural = _("สมาชิกทีมวิทยากร")
        ordering = ["team", "id"]

    def __str__(self):
        return self.full_name


class OccupationGroup(DistrictFromVillage):
    """กลุ่มอาชีพ. Its members are the households whose ``group`` is this group."""

    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="groups", verbose_name=_("หมู่บ้าน")
    )
    district = district_field()
    name = models.CharField(_("ชื่อกลุ่ม"), max_length=200)
    occupation = models.ForeignKey(
        Occupation, on_delete=models.PROTECT, related_name="groups", verbose_name=_("อาชีพ")
    )
    founded_on = ThaiDateField(_("วันที่ก่อตั้ง"), null=True, blank=True)

    objects = DistrictScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("กลุ่มอาชีพ")
        verbose_name_plural = _("กลุ่มอาชีพ")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=plausible_date("founded_on"),
                name="group_founded_plausible",
                violation_error_message=_(
                    "วันที่ก่อตั้งกลุ่มไม่อยู่ในช่วงที่เป็นไปได้ กรุณากรอกปีเป็น พ.ศ. เช่น 21/06/2567"
                ),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.moved_district and (
            self.members.exclude(district_id=self.district_id).exists()
            or self.products.exclude(district_id=self.district_id).exists()
        ):
            raise ValidationError(
                {"village": _("ย้ายกลุ่มไปหมู่บ้านในอำเภออื่นไม่ได้ เพราะมีสมาชิกหรือผลิตภัณฑ์ของกลุ่มในอำเภอเดิม")}
            )


class IncomeSource(models.TextChoices):
    """Where ``Household.income_after`` came from (``programs.kpis.household_income_refresh``)."""

    FOLLOWUP = "followup", _("จากการติดตามผลครั้งล่าสุด")
    MANUAL = "manual", _("กรอกเอง")
    NONE = "", _("ยังไม่มี")


class HouseholdQuerySet(YearLockedQuerySet):
    def update(self, **values):
        """An ``update()`` of what the stage is derived from (the group, the team, the year) or
        of the stage itself recomputes the stage of the rows it touched (``programs.stages``):
        a status written here does not stay."""
        if not set(values) & STAGE_UPDATE_FIELDS:
            return super().update(**values)
        pks = list(self.order_by().values_list("pk", flat=True))
        rows = super().update(**values)
        from programs.stages import household_stages_refresh

        household_stages_refresh(households=pks, income="fiscal_year" in values)
        return rows

    update.alters_data = True

    def bulk_create(self, objs, *args, refresh=True, **kwargs):
        """New rows get their stage from the one rule (``programs.stages``), as a saved row
        does: a status passed in does not stay. ``refresh=False`` for a caller that writes the
        records behind the stage next and refreshes itself (the demo)."""
        created = super().bulk_create(objs, *args, **kwargs)
        if refresh:
            from programs.stages import household_stages_refresh

            saved = [household for household in created if household.pk]
            if saved:
                household_stages_refresh(households=saved, income=True)
        return created

    bulk_create.alters_data = True

    def for_listing(self):
        return self.select_related("village", "district", "occupation")

    def with_citizen_id(self, number):
        return self.filter(citizen_id_hash=citizen_id.keyed_hash(number))

    def with_training_end(self):
        """Annotated ``training_end``: the end date of the household's latest training session
        that counts for it (``programs.stages``), ``None`` when it attended none."""
        from programs.stages import training_end_expression

        return self.annotate(training_end=training_end_expression(TrainingSession))

    def stage_pending(self):
        """Households with a stage kept by migration 0008 that an officer has yet to confirm."""
        return self.filter(
            Exists(
                StageDecision.objects.filter(
                    household=OuterRef("pk"), reason=StageDecision.PENDING_REASON
                )
            )
        )


STAGE_UPDATE_FIELDS = {
    "status",
    "group",
    "group_id",
    "trainer_team",
    "trainer_team_id",
    "fiscal_year",
}


class Household(DistrictFromVillage, PersonName):
    """ครัวเรือนเป้าหมาย, listed once per person per fiscal year across the province."""

    class Status(models.TextChoices):
        TARGET = "target", _("เป้าหมาย")
        TRAINED = "trained", _("ฝึกอบรมแล้ว")
        PRACTISING = "practising", _("ประกอบอาชีพ")
        GROUPED = "grouped", _("รวมกลุ่ม")
        DROPPED = "dropped", _("เลิก")

    class TargetGroup(models.TextChoices):
        DISASTER = "disaster", _("ได้รับผลกระทบจากภัยพิบัติ")
        ECONOMIC_SHOCK = "economic_shock", _("ได้รับผลกระทบทางเศรษฐกิจ")
        ELDERLY = "elderly", _("ผู้สูงอายุ 60 ปีขึ้นไป")
        OTHER = "other", _("อื่น ๆ")

    TRAINED_OR_BEYOND = (Status.TRAINED, Status.PRACTISING, Status.GROUPED)
    PRACTISING_STATUSES = (Status.PRACTISING, Status.GROUPED)

    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="households", verbose_name=_("หมู่บ้าน")
    )
    district = district_field()
    fiscal_year = fiscal_year_field()
    house_no = models.CharField(_("บ้านเลขที่"), max_length=20)
    citizen_id = EncryptedCitizenIdField(_("เลขประจำตัวประชาชน"))
    citizen_id_hash = CitizenIdHashField(db_index=True)
    phone = models.CharField(
        _("โทรศัพท์"), max_length=20, blank=True, validators=[validate_thai_phone]
    )
    occupation = models.ForeignKey(
        Occupation,
        on_delete=models.PROTECT,
        related_name="households",
        verbose_name=_("อาชีพที่ฝึก"),
        null=True,
        blank=True,
    )
    trainer_team = models.ForeignKey(
        TrainerTeam,
        on_delete=models.SET_NULL,
        related_name="households",
        verbose_name=_("ทีมวิทยากร"),
        null=True,
        blank=True,
    )
    status = models.CharField(
        _("สถานะ"), max_length=16, choices=Status.choices, default=Status.TARGET, db_index=True
    )
    target_group = models.CharField(
        _("กลุ่มเป้าหมาย"),
        max_length=16,
        choices=TargetGroup.choices,
        blank=True,
        default="",
    )
    income_before = models.DecimalField(
        _("รายได้จากอาชีพก่อนเข้าร่วม (บาท/เดือน)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_(
            "เว้นว่างได้ขณะบันทึก แต่ต้องกรอกก่อนอำเภอส่งรายงานประจำปี (0 เมื่อไม่มีรายได้จากอาชีพ) "
            "ระบบตรวจข้อนี้เมื่อส่งรายงาน"
        ),
    )
    income_after = models.DecimalField(
        _("รายได้จากอาชีพเมื่อประเมินสิ้นปี (บาท/เดือน)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_(
            "เว้นว่างไว้เพื่อใช้รายได้จากการติดตามผลครั้งล่าสุดในช่วงประเมินผลของปีงบประมาณ "
            "กรอกเองเมื่อประเมินด้วยวิธีอื่น"
        ),
    )
    income_after_source = models.CharField(
        _("ที่มาของรายได้หลังเข้าร่วม"),
        max_length=16,
        choices=IncomeSource.choices,
        blank=True,
        default="",
        editable=False,
    )
    # Derived like ``status`` (``programs.stages.household_stages_refresh``, every door): the end
    # date of the latest counted training session, read by the follow-up schedule in SQL.
    training_ended_on = models.DateField(
        _("วันสิ้นสุดการอบรมล่าสุด"), null=True, blank=True, editable=False
    )
    group = models.ForeignKey(
        OccupationGroup,
        on_delete=models.SET_NULL,
        related_name="members",
        verbose_name=_("กลุ่มอาชีพ"),
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("บันทึกเมื่อ"), auto_now_add=True)
    updated_at = models.DateTimeField(_("แก้ไขล่าสุด"), auto_now=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("ครัวเรือนเป้าหมาย")
        verbose_name_plural = _("ครัวเรือนเป้าหมาย")
        # ``group.members.add(h)`` writes through the base manager: with the unfiltered
        # ``objects`` its ``update()`` keeps the stage in step too (``HouseholdQuerySet``).
        base_manager_name = "objects"
        ordering = ["village__code", "house_no", "id"]
        permissions = [
            ("view_full_citizen_id", _("ดูเลขประจำตัวประชาชนเต็มของครัวเรือน")),
        ]
        indexes = [
            models.Index(fields=["district", "fiscal_year", "status"], name="household_kpi_idx"),
            # The KPI page (programs.kpis): a fiscal year's households, per district and village,
            # with every column its aggregates read, so they come from the index alone (an
            # index-only scan of one year instead of the whole table). Other databases ignore
            # ``include`` and keep the key.
            models.Index(
                fields=["fiscal_year", "district", "village", "status"],
                include=[
                    "id",
                    "income_before",
                    "income_after",
                    "group",
                    "occupation",
                    "target_group",
                ],
                name="household_kpi_year_idx",
            ),
            # The changelist's order (village code, house number, id) walks the villages in code
            # order and reads each one's households from here already in house-number order;
            # the district (scoping) is part of the key and the usual filters (fiscal year,
            # status) are read from the index, so a deep page's keys come from it alone
            # (LargeTablePaginator).
            models.Index(
                fields=["village", "district", "house_no", "id", "fiscal_year", "status"],
                name="household_list_idx",
            ),
            # ``=house_no`` in the admin's search_fields is iexact, UPPER(house_no) on
            # PostgreSQL: without this the search's OR of three conditions reads the whole table.
            models.Index(Upper("house_no"), name="household_house_no_upper_idx"),
            # Prefix search (``startswith``, i.e. LIKE 'x%') on PostgreSQL needs the pattern
            # operator class whatever the database collation; other databases ignore opclasses.
            models.Index(
                fields=["last_name"],
                name="household_last_name_idx",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(
                fields=["first_name"],
                name="household_first_name_idx",
                opclasses=["varchar_pattern_ops"],
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["citizen_id_hash", "fiscal_year"],
                name="household_once_per_year",
                violation_error_message=_("บุคคลนี้มีรายชื่อเป็นครัวเรือนเป้าหมายในปีงบประมาณนี้แล้ว"),
            ),
            fiscal_year_check("household_fiscal_year_range"),
            models.CheckConstraint(
                condition=Q(income_before__gte=0) | Q(income_before__isnull=True),
                name="household_income_before_nonnegative",
                violation_error_message=_("รายได้ก่อนเข้าร่วมต้องไม่ติดลบ"),
            ),
            models.CheckConstraint(
                condition=Q(income_after__gte=0) | Q(income_after__isnull=True),
                name="household_income_after_nonnegative",
                violation_error_message=_("รายได้เมื่อประเมินสิ้นปีต้องไม่ติดลบ"),
            ),
            models.CheckConstraint(
                condition=~Q(citizen_id_hash=""),
                name="household_citizen_id_required",
                violation_error_message=_("กรุณากรอกเลขประจำตัวประชาชน 13 หลัก"),
            ),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.house_no})"

    def __repr__(self):
        # Never the citizen ID, not even masked: reprs end up in logs and error reports.
        return f"<Household {self.pk}>"

    # Written only by ``programs.stages.household_stages_refresh``: a saved household read
    # before an attendance or a follow-up changed them never writes its stale copy back (a
    # status typed on the instance is recomputed by ``_household_saved``).
    DERIVED_FIELDS = ("status", "training_ended_on")

    def save(self, *args, **kwargs):
        if (
            not self._state.adding
            and self.pk is not None
            and kwargs.get("update_fields") is None
            and not kwargs.get("force_insert")
            and not (args and args[0])  # force_insert given positionally
        ):
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in self.DERIVED_FIELDS
            ]
        super().save(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        if "status" in field_names:
            # The stage as read: a save that changes it (or its inputs) is recomputed.
            instance._loaded_status = values[field_names.index("status")]
        return instance

    @property
    def citizen_id_masked(self):
        return citizen_id.mask(self.citizen_id)

    def clean(self):
        super().clean()
        self.clean_relations()
        if self.citizen_id and self.fiscal_year:
            self.citizen_id_hash = citizen_id.keyed_hash(self.citizen_id)
            # One listing per person and year across the province: asked through
            # programs.listings (the budget, the audit, what may be said of other districts).
            from programs.listings import validate_listing

            validate_listing(self)

    def clean_relations(self):
        """The team, the group and the training sessions are of the household's district (the
        team also of its fiscal year): another district's record is never linked to it."""
        errors = self.same_district_errors(
            trainer_team=_("ทีมวิทยากรต้องอยู่ในอำเภอเดียวกับหมู่บ้านของครัวเรือน"),
            group=_("กลุ่มอาชีพต้องอยู่ในอำเภอเดียวกับหมู่บ้านของครัวเรือน"),
        )
        team = self.link_to_check("trainer_team")
        loaded_year = getattr(self, "_loaded_links", {}).get("fiscal_year", self.fiscal_year)
        if team is None and self.trainer_team_id and loaded_year != self.fiscal_year:
            team = self.trainer_team
        same_year = team is None or not self.fiscal_year or team.fiscal_year == self.fiscal_year
        if not same_year and "trainer_team" not in errors:
            errors["trainer_team"] = _("ทีมวิทยากรต้องเป็นทีมของปีงบประมาณเดียวกับครัวเรือน")
        if (
            self.moved_district
            and self.sessions.exclude(team__district_id=self.district_id).exists()
        ):
            errors["village"] = _(
                "ย้ายครัวเรือนไปหมู่บ้านในอำเภออื่นไม่ได้ เพราะมีประวัติการเข้าอบรมกับทีมในอำเภอเดิม"
            )
        if errors:
            raise ValidationError(errors)


class TrainingSession(models.Model):
    class Place(models.TextChoices):
        SAGE_HOME = "sage_home", _("บ้านปราชญ์ชุมชน")
        LEARNING_CENTRE = "learning_centre", _("ศูนย์เรียนรู้ชุมชน")
        OTHER = "other", _("อื่น ๆ")

    district_lookup = "team__district"

    team = models.ForeignKey(
        TrainerTeam,
        on_delete=models.CASCADE,
        related_name="sessions",
        verbose_name=_("ทีมวิทยากร"),
    )
    start_date = ThaiDateField(_("วันเริ่มอบรม"))
    end_date = ThaiDateField(_("วันสิ้นสุดการอบรม"))
    place = models.CharField(
        _("สถานที่อบรม"), max_length=20, choices=Place.choices, default=Place.SAGE_HOME
    )
    place_detail = models.CharField(_("รายละเอียดสถานที่"), max_length=300, blank=True)
    attendees = models.ManyToManyField(
        Household, blank=True, related_name="sessions", verbose_name=_("ครัวเรือนที่เข้าอบรม")
    )

    objects = YearLockedQuerySet.as_manager()

    class Meta:
        verbose_name = _("การฝึกอบรม")
        verbose_name_plural = _("การฝึกอบรม")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="session_dates_ordered",
                violation_error_message=_("วันสิ้นสุดการอบรมต้องไม่ก่อนวันเริ่มอบรม"),
            ),
            models.CheckConstraint(
                condition=plausible_date("start_date"),
                name="session_start_plausible",
                violation_error_message=_(
                    "วันเริ่มอบรมไม่อยู่ในช่วงที่เป็นไปได้ กรุณากรอกปีเป็น พ.ศ. เช่น 21/06/2567"
                ),
            ),
            models.CheckConstraint(
                condition=plausible_date("end_date"),
                name="session_end_plausible",
                violation_error_message=_(
                    "วันสิ้นสุดการอบรมไม่อยู่ในช่วงที่เป็นไปได้ กรุณากรอกปีเป็น พ.ศ. เช่น 21/06/2567"
                ),
            ),
        ]

    def __str__(self):
        # The team's village and year (every list showing sessions selects team__village).
        return f"การอบรม{self.team} ({thaidate.format_thai_date(self.start_date, short=True)})"

    @property
    def days(self):
        """Days of training, both ends counted (1–3 June is 3 days)."""
        return (self.end_date - self.start_date).days + 1

    def clean(self):
        super().clean()
        errors = session_date_errors(self)
        if errors:
            raise ValidationError(errors)


def _future_error(label, day, today):
    return _("%(label)sต้องไม่เป็นวันในอนาคต (%(day)s ยังมาไม่ถึง วันนี้คือ %(today)s)") % {
        "label": label,
        "day": thaidate.format_thai_date(day),
        "today": thaidate.format_thai_date(today),
    }


def session_date_errors(session):
    """``{field: message}``: a session's days lie inside its team's fiscal year (1 Oct – 30 Sep),
    in order, and not in the future (``timezone.localdate()``, Asia/Bangkok). A year typed in
    the wrong era (1990 CE, 2533 BE for an FY 2570 team) is said as such: outside the year."""
    errors = {}
    today = timezone.localdate()
    team = session.team if session.team_id else None
    for field in ("start_date", "end_date"):
        day = getattr(session, field)
        if not isinstance(day, datetime.date):
            continue
        label = session._meta.get_field(field).verbose_name
        if team is not None and team.fiscal_year:
            first, last = thaidate.fiscal_year_bounds(team.fiscal_year)
            if not first <= day <= last:
                errors[field] = _("%(label)s %(day)s อยู่นอกปีงบประมาณ %(year)d ของทีม (%(span)s)") % {
                    "label": label,
                    "day": thaidate.format_day_month_year(day),
                    "year": team.fiscal_year,
                    "span": thaidate.fiscal_year_span(team.fiscal_year),
                }
                continue
        if day > today:
            errors[field] = _future_error(label, day, today)
    start, end = session.start_date, session.end_date
    if start and end and end < start and "end_date" not in errors:
        errors["end_date"] = _("วันสิ้นสุดการอบรมต้องไม่ก่อนวันเริ่มอบรม")
    return errors


def attendees_check(*, team, households):
    """Refuse (ValidationError) attendees of another district than the session's team.

    The one rule for every door: the session form, ``session.attendees.add/set`` and
    ``household.sessions.add`` (``m2m_changed``, below), and the database (a trigger on
    PostgreSQL, ``programs.district_guards``)."""
    foreign = [h for h in households if h.district_id != team.district_id]
    if foreign:
        raise ValidationError(
            _("ครัวเรือนที่เข้าอบรมต้องอยู่ในอำเภอเดียวกับทีมวิทยากร (%(names)s อยู่ต่างอำเภอ)")
            % {"names": ", ".join(h.full_name for h in foreign[:5])},
            code="attendee_other_district",
        )


@receiver(m2m_changed, sender=TrainingSession.attendees.through)
def _attendees_stay_in_district(sender, instance, action, reverse, pk_set, **kwargs):
    if action != "pre_add" or not pk_set:
        return
    if not reverse:  # session.attendees.add(households)
        households = Household.objects.filter(pk__in=pk_set).only(
            "id", "district_id", "prefix", "first_name", "last_name"
        )
        attendees_check(team=instance.team, households=households)
        return
    # household.sessions.add(sessions)
    for session in TrainingSession.objects.filter(pk__in=pk_set).select_related("team"):
        attendees_check(team=session.team, households=[instance])


def _stages_refresh(households, *, income=False):
    """The stage (and, with ``income``, ``income_after``) of ``households`` recomputed from the
    record (``programs.stages.household_stages_refresh``: at most two queries for one)."""
    from programs.stages import household_stages_refresh

    household_stages_refresh(households=households, income=income)


class FollowUpQuerySet(YearLockedQuerySet):
    """Follow-ups written in bulk (``bulk_create``, ``bulk_update``, ``update``) send no signal:
    the households' stage and ``income_after`` are refreshed here, once per call. (``delete()``
    sends ``post_delete`` for each row: the receivers below refresh.)"""

    def bulk_create(self, objs, *args, refresh=True, **kwargs):
        """The year lock's ``bulk_create``, then the households' refresh; ``refresh=False`` for
        a caller that refreshes the stages itself, once for many calls (the field app's sync:
        ``programs.field.services``)."""
        objs = super().bulk_create(objs, *args, **kwargs)
        if refresh:
            _stages_refresh({obj.household_id for obj in objs}, income=True)
        return objs

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        households = {obj.household_id for obj in objs}
        if "household" in fields or "household_id" in fields:  # the households they left too
            households |= set(
                self.model.objects.filter(pk__in=[o.pk for o in objs]).values_list(
                    "household_id", flat=True
                )
            )
        rows = super().bulk_update(objs, fields, *args, **kwargs)
        _stages_refresh(households, income=True)
        return rows

    def update(self, **values):
        households = set(self.order_by().values_list("household_id", flat=True).distinct())
        rows = super().update(**values)
        moved_to = values.get("household", values.get("household_id"))
        if moved_to is not None:
            households.add(getattr(moved_to, "pk", moved_to))
        _stages_refresh(households, income=True)
        return rows

    update.alters_data = True


@receiver(m2m_changed, sender=TrainingSession.attendees.through)
def _attendance_moves_stages(sender, instance, action, reverse, pk_set, **kwargs):
    """Attendance added or removed, however (the session form, ``session.attendees.add/remove/
    set/clear``, ``household.sessions.add``): the stage follows (``programs.stages``)."""
    if reverse:  # household.sessions.…: the one household
        if action in ("post_add", "post_remove", "post_clear"):
            _stages_refresh([instance])
        return
    if action == "pre_clear":
        instance._cleared_attendees = list(instance.attendees.values_list("pk", flat=True))
    elif action == "post_clear":
        _stages_refresh(getattr(instance, "_cleared_attendees", []))
    elif action in ("post_add", "post_remove") and pk_set:
        _stages_refresh(pk_set)


class FollowUp(models.Model):
    """A visit to a household (the year's income is ``Household.income_after``)."""

    district_lookup = "household__district"

    household = models.ForeignKey(
        Household,
        on_delete=models.CASCADE,
        related_name="follow_ups",
        verbose_name=_("ครัวเรือน"),
    )
    visited_on = ThaiDateField(_("วันที่ติดตาม"))
    practising = models.BooleanField(_("ยังประกอบอาชีพ"), default=True)
    monthly_income = models.DecimalField(
        _("รายได้จากอาชีพ (บาท/เดือน)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    notes = models.TextField(_("บันทึก"), blank=True)
    # A visit that found the household has given the occupation up (เลิกประกอบอาชีพ), and why:
    # the household's stage becomes ``dropped`` (``programs.stages``).
    stopped_reason = models.TextField(
        _("เหตุผลที่เลิกประกอบอาชีพ"),
        blank=True,
        help_text=_("กรอกเมื่อครัวเรือนเลิกประกอบอาชีพแล้ว (ไม่ต้องเลือก “ยังประกอบอาชีพ”)"),
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("เจ้าหน้าที่ผู้ติดตาม"),
    )
    # The phone's own id of a visit recorded in the field app (``programs.field``): sending it
    # again returns the saved visit, never a second one. Empty for visits entered in the admin.
    client_uuid = models.UUIDField(_("รหัสการบันทึกจากโทรศัพท์"), null=True, blank=True, editable=False)
    # Field app extras: a photo (checked and re-encoded without EXIF by sammachip.images) and the
    # place of the visit, taken from the phone's GPS only when the officer taps "บันทึกตำแหน่ง".
    photo = models.ImageField(_("รูปถ่าย"), upload_to="followups/", blank=True)
    latitude = models.DecimalField(
        _("ละติจูด"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-90)), MaxValueValidator(Decimal(90))],
    )
    longitude = models.DecimalField(
        _("ลองจิจูด"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-180)), MaxValueValidator(Decimal(180))],
    )

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("การติดตามผล")
        verbose_name_plural = _("การติดตามผล")
        ordering = ["-visited_on"]
        constraints = [
            models.CheckConstraint(
                condition=plausible_date("visited_on"),
                name="followup_date_plausible",
                violation_error_message=_(
                    "วันที่ติดตามไม่อยู่ในช่วงที่เป็นไปได้ กรุณากรอกปีเป็น พ.ศ. เช่น 21/06/2567"
                ),
            ),
            models.CheckConstraint(
                condition=Q(monthly_income__gte=0) | Q(monthly_income__isnull=True),
                name="followup_income_nonnegative",
                violation_error_message=_("รายได้จากอาชีพต้องไม่ติดลบ"),
            ),
            models.CheckConstraint(
                condition=Q(stopped_reason="") | Q(practising=False),
                name="followup_stopped_not_practising",
                violation_error_message=_("ครัวเรือนที่เลิกประกอบอาชีพแล้วต้องไม่เลือก “ยังประกอบอาชีพ”"),
            ),
            models.UniqueConstraint(
                fields=["client_uuid"],
                condition=Q(client_uuid__isnull=False),
                name="followup_client_uuid_unique",
                violation_error_message=_("บันทึกการติดตามนี้ส่งมาแล้ว"),
            ),
        ]

    def __str__(self):
        # The household's name (every list showing follow-ups selects the household).
        visited = thaidate.format_thai_date(self.visited_on, short=True)
        return f"ติดตามผล {self.household.full_name} ({visited})"

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        if "household_id" in field_names:
            # A visit moved to another household: the one it left is recomputed too.
            instance._loaded_household_id = values[field_names.index("household_id")]
        return instance

    def clean(self):
        super().clean()
        self.stopped_reason = self.stopped_reason.strip()
        if self.stopped_reason and self.practising:
            raise ValidationError(
                {"practising": _("ครัวเรือนที่เลิกประกอบอาชีพแล้วต้องไม่เลือก “ยังประกอบอาชีพ”")}
            )
        date_errors = followup_date_errors(self)
        if date_errors:
            raise ValidationError(date_errors)


def followup_date_errors(follow_up):
    """``{"visited_on": message}``: a visit is not before its household's fiscal year starts, nor
    later than the year's follow-up window (the last scheduled month and the evaluation window
    after the year's end, ``programs.parameters``), not before the household's first training
    and not in the future."""
    day = follow_up.visited_on
    if not isinstance(day, datetime.date):
        return {}
    try:
        household = follow_up.household
    except Household.DoesNotExist:
        household = None
    today = timezone.localdate()
    label = follow_up._meta.get_field("visited_on").verbose_name
    # A household's year out of range (2026 typed for 2569) is the year's own error; the visit
    # is not measured against it.
    if household is not None and FISCAL_YEAR_MIN <= (household.fiscal_year or 0) <= FISCAL_YEAR_MAX:
        year = household.fiscal_year
        first, last = thaidate.fiscal_year_bounds(year)
        if day < first:
            return {
                "visited_on": _("%(label)s %(day)s อยู่ก่อนปีงบประมาณ %(year)d ของครัวเรือน (%(span)s)")
                % {
                    "label": label,
                    "day": thaidate.format_day_month_year(day),
                    "year": year,
                    "span": thaidate.fiscal_year_span(year),
                }
            }
        if day > last:
            from programs.parameters import for_year

            parameters = for_year(year)
            months = max(parameters.followup_months, default=0) + parameters.evaluation_months
            # To the end of the month: the window after 30 Sep is whole months.
            until = thaidate.add_months(last + datetime.timedelta(days=1), months)
            until -= datetime.timedelta(days=1)
            if day > until:
                return {
                    "visited_on": _(
                        "%(label)s %(day)s เลยช่วงติดตามผลของปีงบประมาณ %(year)d ของครัวเรือน "
                        "(ติดตามได้ตั้งแต่ %(first)s ถึง %(until)s)"
                    )
                    % {
                        "label": label,
                        "day": thaidate.format_day_month_year(day),
                        "year": year,
                        "first": thaidate.format_day_month_year(first),
                        "until": thaidate.format_day_month_year(until),
                    }
                }
        if household.pk:
            trained_from = (
                TrainingSession.objects.filter(attendees=household.pk)
                .order_by("start_date")
                .values_list("start_date", flat=True)
                .first()
            )
            if trained_from and day < trained_from:
                return {
                    "visited_on": _("%(label)sต้องไม่ก่อนวันเริ่มอบรมของครัวเรือน (%(start)s)")
                    % {"label": label, "start": thaidate.format_thai_date(trained_from)}
                }
    if day > today:
        return {"visited_on": _future_error(label, day, today)}
    return {}


class StageDecision(models.Model):
    """An officer's dated, reasoned decision on a household's stage (``programs.stages``): the
    only way besides a follow-up "เลิกประกอบอาชีพ" to make a household ``dropped``. Migration
    0008 also kept here each stage typed before the stage was derived that the record did not
    bear out (``stage`` the old value, ``reason`` ``PENDING_REASON``) for officers to confirm."""

    PENDING_REASON = "บันทึกสถานะเดิมก่อนปรับระบบ — รอเจ้าหน้าที่ยืนยัน"

    district_lookup = "household__district"

    household = models.ForeignKey(
        Household,
        on_delete=models.CASCADE,
        related_name="stage_decisions",
        verbose_name=_("ครัวเรือน"),
    )
    decided_on = ThaiDateField(_("วันที่ตัดสินใจ"))
    stage = models.CharField(
        _("สถานะที่ตัดสินใจ"),
        max_length=16,
        choices=Household.Status.choices,
        default=Household.Status.DROPPED,
    )
    reason = models.TextField(_("เหตุผล"))
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("เจ้าหน้าที่ผู้บันทึก"),
    )
    created_at = models.DateTimeField(_("บันทึกเมื่อ"), auto_now_add=True)

    objects = YearLockedQuerySet.as_manager()

    class Meta:
        verbose_name = _("การตัดสินใจสถานะครัวเรือน")
        verbose_name_plural = _("การตัดสินใจสถานะครัวเรือน")
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=plausible_date("decided_on"),
                name="stagedecision_date_plausible",
                violation_error_message=_(
                    "วันที่ตัดสินใจไม่อยู่ในช่วงที่เป็นไปได้ กรุณากรอกปีเป็น พ.ศ. เช่น 21/06/2567"
                ),
            ),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="stagedecision_reason_required",
                violation_error_message=_("กรุณาระบุเหตุผล"),
            ),
        ]

    def __str__(self):
        return f"{self.get_stage_display()} ({thaidate.format_thai_date(self.decided_on)})"

    def clean(self):
        super().clean()
        self.reason = (self.reason or "").strip()
        if self.decided_on and self.decided_on > timezone.localdate():
            raise ValidationError({"decided_on": _("วันที่ตัดสินใจต้องไม่เกินวันนี้")})

    @property
    def is_pending(self):
        return self.reason == self.PENDING_REASON


# The stage follows every change of the record it is derived from (``programs.stages``).
# Saves made with ``.update()`` or ``bulk_create`` send no signal: their callers refresh.


def _deleted_with_household(origin):
    return isinstance(origin, Household) or getattr(origin, "model", None) is Household


def _followup_household(follow_up):
    # The household itself when the visit holds it (its year is known: no query to read it).
    if FollowUp._meta.get_field("household").is_cached(follow_up):
        return follow_up.household
    return follow_up.household_id


@receiver(post_save, sender=FollowUp)
def _followup_saved(sender, instance, **kwargs):
    """The stage and ``income_after`` follow the visit: at most two queries."""
    households = [_followup_household(instance)]
    left = getattr(instance, "_loaded_household_id", None)
    if left is not None and left != instance.household_id:
        households.append(left)
    instance._loaded_household_id = instance.household_id
    _stages_refresh(households, income=True)


@receiver(post_save, sender=StageDecision)
def _decision_saved(sender, instance, **kwargs):
    _stages_refresh([instance.household_id])


@receiver(post_delete, sender=FollowUp)
@receiver(post_delete, sender=StageDecision)
def _record_deleted(sender, instance, origin=None, **kwargs):
    if not _deleted_with_household(origin):
        _stages_refresh([instance.household_id], income=sender is FollowUp)


@receiver(post_save, sender=TrainingSession)
def _session_saved(sender, instance, created, **kwargs):
    if not created:  # its dates or team changed: its attendees' training too
        _stages_refresh(Household.objects.filter(sessions=instance))


@receiver(pre_delete, sender=TrainingSession)
@receiver(pre_delete, sender=OccupationGroup)
def _remember_households(sender, instance, **kwargs):
    households = instance.attendees if sender is TrainingSession else instance.members
    instance._stage_households = list(households.values_list("pk", flat=True))


@receiver(post_delete, sender=TrainingSession)
@receiver(post_delete, sender=OccupationGroup)
def _households_lost_record(sender, instance, **kwargs):
    _stages_refresh(getattr(instance, "_stage_households", []))


STAGE_INPUTS = ("status", "group", "trainer_team", "fiscal_year")


@receiver(post_save, sender=Household)
def _household_saved(sender, instance, created, update_fields=None, **kwargs):
    """A new household, or one whose group, team, year or typed status changed: recomputed (a
    status typed by hand does not stay)."""
    if not created:
        if update_fields is not None and not set(update_fields) & {
            *STAGE_INPUTS,
            "group_id",
            "trainer_team_id",
        }:
            return
        loaded = getattr(instance, "_loaded_links", None)
        if (
            loaded is not None
            and getattr(instance, "_loaded_status", None) == instance.status
            and loaded.get("group_id") == instance.group_id
            and loaded.get("trainer_team_id") == instance.trainer_team_id
            and loaded.get("fiscal_year") == instance.fiscal_year
        ):
            return
    _stages_refresh([instance], income=True)
    if loaded := getattr(instance, "_loaded_links", None):
        loaded.update(
            group_id=instance.group_id,
            trainer_team_id=instance.trainer_team_id,
            fiscal_year=instance.fiscal_year,
        )


def validate_followup_schedule(value):
    """``"1, 3, 6"``: months after the training, whole numbers from 1 to 36, rising."""
    from programs.parameters import parse_followup_months

    parse_followup_months(value)


class ProgrammeYearQuerySet(models.QuerySet):
    """Writes that skip ``save()`` and the signals still drop the cached parameters
    (``programs.parameters``), which would otherwise be served for up to an hour. (A QuerySet
    ``delete()`` sends ``post_delete`` for each row: the signal drops them.)"""

    def _forget(self):
        from programs import parameters

        parameters.forget()

    def update(self, **kwargs):
        updated = super().update(**kwargs)
        self._forget()
        return updated

    update.queryset_only = True

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        self._forget()
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        updated = super().bulk_update(objs, fields, *args, **kwargs)
        self._forget()
        return updated


class ProgrammeYear(models.Model):
    """The programme's figures for one fiscal year (provincial staff set them; read through
    ``programs.parameters.for_year``, which gives today's defaults for a year with no row).
    Guidance figures (team size, households per village) only ever warn."""

    fiscal_year = fiscal_year_field(unique=True)
    team_size = models.PositiveSmallIntegerField(
        _("จำนวนคนในทีมวิทยากร (แนวทาง)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("รวมปราชญ์ชุมชน ใช้เตือนเท่านั้น ไม่บังคับ"),
    )
    households_per_village = models.PositiveSmallIntegerField(
        _("ครัวเรือนเป้าหมายต่อหมู่บ้าน (แนวทาง)"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
        help_text=_("ใช้เตือนเท่านั้น ไม่บังคับ"),
    )
    minimum_training_days = models.PositiveSmallIntegerField(
        _("จำนวนวันอบรมขั้นต่ำ"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("ครัวเรือนที่เข้าอบรมกับทีมของตนรวมอย่างน้อยเท่านี้วัน ถือว่าผ่านการฝึกอบรม"),
    )
    followup_schedule = models.CharField(
        _("กำหนดการติดตามผล (เดือนหลังการอบรม)"),
        max_length=100,
        default="1, 3, 6",
        validators=[validate_followup_schedule],
        help_text=_("เดือนหลังวันสิ้นสุดการอบรม คั่นด้วยจุลภาค เรียงจากน้อยไปมาก เช่น 1, 3, 6"),
    )
    evaluation_months = models.PositiveSmallIntegerField(
        _("ช่วงประเมินรายได้หลังสิ้นปีงบประมาณ (เดือน)"),
        default=6,
        validators=[MaxValueValidator(24)],
        help_text=_("รายได้หลังอบรมใช้การติดตามผลครั้งล่าสุดในปีงบประมาณและไม่เกินกี่เดือนหลังสิ้นปี"),
    )
    target_practising = models.DecimalField(
        _("เป้าหมายครัวเรือนที่ประกอบอาชีพ (ร้อยละ)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(85),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    target_income_change = models.DecimalField(
        _("เป้าหมายรายได้เพิ่มขึ้น (ร้อยละ)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(3),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    target_groups = models.DecimalField(
        _("เป้าหมายหมู่บ้านที่มีกลุ่มอาชีพ (ร้อยละ)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(10),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    updated_at = models.DateTimeField(_("แก้ไขล่าสุด"), auto_now=True)
    # The data-quality rules of the year (programs.quality; issue 16).
    income_rise_max = models.PositiveSmallIntegerField(
        _("เตือนเมื่อรายได้เพิ่มขึ้นเกิน (ร้อยละ)"),
        default=300,
        validators=[MinValueValidator(1), MaxValueValidator(10000)],
    )
    income_drop_max = models.PositiveSmallIntegerField(
        _("เตือนเมื่อรายได้ลดลงเกิน (ร้อยละ)"),
        default=50,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    phone_shared_max = models.PositiveSmallIntegerField(
        _("เตือนเมื่อเบอร์โทรศัพท์เดียวกันใช้กับครัวเรือนเกิน"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    quality_rules_off = models.JSONField(_("กฎคุณภาพข้อมูลที่ปิดไว้"), default=list, blank=True)
    report_deadline = ThaiDateField(_("กำหนดส่งรายงานของอำเภอ"), null=True, blank=True)

    objects = ProgrammeYearQuerySet.as_manager()

    class Meta:
        verbose_name = _("ค่ากำหนดโครงการประจำปี")
        verbose_name_plural = _("ค่ากำหนดโครงการประจำปี")
        ordering = ["-fiscal_year"]
        constraints = [
            fiscal_year_check("programmeyear_fiscal_year_range"),
            models.CheckConstraint(
                condition=Q(team_size__gte=1, households_per_village__gte=1),
                name="programmeyear_guidance_positive",
                violation_error_message=_("จำนวนคนในทีมและครัวเรือนต่อหมู่บ้านต้องมากกว่า 0"),
            ),
            models.CheckConstraint(
                condition=Q(minimum_training_days__gte=1),
                name="programmeyear_training_days_positive",
                violation_error_message=_("จำนวนวันอบรมขั้นต่ำต้องอย่างน้อย 1 วัน"),
            ),
            models.CheckConstraint(
                condition=Q(
                    target_practising__gte=0,
                    target_practising__lte=100,
                    target_income_change__gte=0,
                    target_income_change__lte=100,
                    target_groups__gte=0,
                    target_groups__lte=100,
                ),
                name="programmeyear_targets_percent",
                violation_error_message=_("เป้าหมายต้องเป็นร้อยละระหว่าง 0 ถึง 100"),
            ),
        ]

    def __str__(self):
        return f"ค่ากำหนดโครงการ ปีงบประมาณ {self.fiscal_year}"

    @property
    def followup_months(self):
        """The schedule as a list of whole months after the training's end, e.g. ``[1, 3, 6]``."""
        from programs.parameters import parse_followup_months

        try:
            return parse_followup_months(self.followup_schedule)
        except ValidationError:
            return []

    @followup_months.setter
    def followup_months(self, months):
        self.followup_schedule = ", ".join(str(int(month)) for month in months)


class Product(DistrictFromVillage):
    """An OTOP product of an occupational group or of one producer."""

    class Category(models.TextChoices):
        FOOD = "food", _("อาหาร")
        DRINK = "drink", _("เครื่องดื่ม")
        TEXTILE = "textile", _("ผ้า เครื่องแต่งกาย")
        CRAFT = "craft", _("ของใช้ ของตกแต่ง ของที่ระลึก")
        HERB = "herb", _("สมุนไพรที่ไม่ใช่อาหาร")

    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="products", verbose_name=_("หมู่บ้าน")
    )
    district = district_field()
    name = models.CharField(_("ชื่อผลิตภัณฑ์"), max_length=200)
    category = models.CharField(_("ประเภท OTOP"), max_length=16, choices=Category.choices)
    group = models.ForeignKey(
        OccupationGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="products",
        verbose_name=_("กลุ่มผู้ผลิต"),
    )
    producer_name = models.CharField(
        _("ผู้ผลิตรายบุคคล"), max_length=200, blank=True, help_text=_("กรณีไม่ใช่กลุ่ม")
    )
    stars = models.PositiveSmallIntegerField(
        _("ระดับดาว OTOP"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    star_year = models.PositiveSmallIntegerField(
        _("ปีที่คัดสรร (พ.ศ.)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2545), MaxValueValidator(FISCAL_YEAR_MAX)],
    )
    standards = models.CharField(
        _("มาตรฐานที่ได้รับ"), max_length=300, blank=True, help_text=_("เช่น อย., มผช., GMP")
    )
    price = models.DecimalField(
        _("ราคา (บาท)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    unit = models.CharField(_("หน่วย"), max_length=50, blank=True)
    description = models.TextField(_("รายละเอียด"), blank=True)
    photo = models.ImageField(_("รูปผลิตภัณฑ์"), upload_to="products/", blank=True)
    is_featured = models.BooleanField(_("แนะนำบนหน้าแรก"), default=False)

    objects = DistrictScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("ผลิตภัณฑ์ OTOP")
        verbose_name_plural = _("ผลิตภัณฑ์ OTOP")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stars__isnull=True) | Q(stars__gte=1, stars__lte=5),
                name="product_stars_range",
                violation_error_message=_("ระดับดาว OTOP ต้องอยู่ระหว่าง 1 ถึง 5"),
            ),
            models.CheckConstraint(
                condition=Q(stars__isnull=True) | Q(star_year__isnull=False),
                name="product_stars_have_year",
                violation_error_message=_("กรุณาระบุปีที่คัดสรรเมื่อกรอกระดับดาว"),
            ),
            models.CheckConstraint(
                condition=Q(price__isnull=True) | Q(price__gte=0),
                name="product_price_nonnegative",
                violation_error_message=_("ราคาต้องไม่ติดลบ"),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        errors = self.same_district_errors(group=_("กลุ่มผู้ผลิตต้องอยู่ในอำเภอเดียวกับหมู่บ้านของผลิตภัณฑ์"))
        if errors:
            raise ValidationError(errors)


class DistrictReportQuerySet(DistrictScopedQuerySet):
    def locking(self):
        """The reports that lock their district-year (``programs.locking``)."""
        return self.filter(status__in=DistrictReport.LOCKING)

    # A bulk write of reports (no signals) forgets the lock's cached read too.
    def update(self, **kwargs):
        locking.forget()
        return super().update(**kwargs)

    update.alters_data = True

    def delete(self):
        locking.forget()
        return super().delete()

    delete.alters_data = True
    delete.queryset_only = True

    def bulk_create(self, objs, *args, **kwargs):
        locking.forget()
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        locking.forget()
        return super().bulk_update(objs, fields, *args, **kwargs)


class DistrictReport(models.Model):
    """The reporting cycle of one district and fiscal year (issue 16): open → submitted →
    approved, or submitted → returned → submitted …; approved → open only by provincial staff
    with a reason. Changed only through ``programs.reporting``; while ``submitted`` or
    ``approved`` the district-year's records are locked (``programs.locking``)."""

    class Status(models.TextChoices):
        OPEN = "open", _("เปิดบันทึกข้อมูล")
        SUBMITTED = "submitted", _("ส่งรายงานแล้ว รอตรวจสอบ")
        RETURNED = "returned", _("ส่งกลับให้แก้ไข")
        APPROVED = "approved", _("อนุมัติแล้ว")

    LOCKING = (Status.SUBMITTED, Status.APPROVED)

    district_lookup = "district"

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="+", verbose_name=_("อำเภอ")
    )
    fiscal_year = fiscal_year_field()
    status = models.CharField(
        _("สถานะรายงาน"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    submit_note = models.TextField(_("คำชี้แจงของอำเภอ"), blank=True)
    reviewer_comment = models.TextField(_("ความเห็นของผู้ตรวจสอบ"), blank=True)
    reopen_reason = models.TextField(_("เหตุผลที่เปิดแก้ไขอีกครั้ง"), blank=True)
    submitted_at = models.DateTimeField(_("ส่งรายงานเมื่อ"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ผู้ส่งรายงาน"),
    )
    approved_at = models.DateTimeField(_("อนุมัติเมื่อ"), null=True, blank=True)
    # The local (Asia/Bangkok) day of the approval: follow-ups dated after it stay open.
    approved_on = models.DateField(_("วันที่อนุมัติ"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ผู้อนุมัติ"),
    )
    snapshot = models.JSONField(_("ตัวเลขที่อนุมัติ"), null=True, blank=True, editable=False)
    # The data-quality findings when submitted (``programs.quality``), read with the note.
    quality = models.JSONField(_("ผลตรวจคุณภาพข้อมูล"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("สร้างเมื่อ"), auto_now_add=True)
    updated_at = models.DateTimeField(_("แก้ไขล่าสุด"), auto_now=True)

    objects = DistrictReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("รายงานประจำปีของอำเภอ")
        verbose_name_plural = _("รายงานประจำปีของอำเภอ")
        ordering = ["-fiscal_year", "district_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "fiscal_year"],
                name="districtreport_one_per_district_year",
                violation_error_message=_("อำเภอนี้มีรายงานของปีงบประมาณนี้แล้ว"),
            ),
            fiscal_year_check("districtreport_fiscal_year_range"),
        ]
        indexes = [
            models.Index(fields=["status", "fiscal_year"], name="districtreport_status_idx"),
        ]

    def __str__(self):
        return f"รายงานอำเภอ {self.district_id} ปีงบประมาณ {self.fiscal_year}"

    @property
    def is_locking(self):
        return self.status in self.LOCKING


class DistrictReportEvent(models.Model):
    """One step of a district report's cycle: who, when, from which state to which, and the
    comment (the officer's note, the reviewer's comment, the reason to reopen)."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("ส่งรายงาน")
        RETURN = "return", _("ส่งกลับให้แก้ไข")
        APPROVE = "approve", _("อนุมัติ")
        REOPEN = "reopen", _("เปิดแก้ไขอีกครั้ง")

    district_lookup = "report__district"

    report = models.ForeignKey(
        DistrictReport, on_delete=models.CASCADE, related_name="events", verbose_name=_("รายงาน")
    )
    action = models.CharField(_("ขั้นตอน"), max_length=16, choices=Action.choices)
    from_status = models.CharField(
        _("สถานะเดิม"), max_length=16, choices=DistrictReport.Status.choices
    )
    to_status = models.CharField(
        _("สถานะใหม่"), max_length=16, choices=DistrictReport.Status.choices
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("ผู้ดำเนินการ"),
    )
    comment = models.TextField(_("ความเห็น"), blank=True)
    created_at = models.DateTimeField(_("เมื่อ"), auto_now_add=True)

    objects = DistrictScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("ประวัติรายงานประจำปีของอำเภอ")
        verbose_name_plural = _("ประวัติรายงานประจำปีของอำเภอ")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_action_display()} ({thaidate.format_thai_datetime(self.created_at)})"


class ExportLog(models.Model):
    """One row per export of a household list: who, when, what filter, how many rows."""

    class Source(models.TextChoices):
        ADMIN = "admin", _("หน้าจัดการข้อมูล")
        COMMAND = "command", _("คำสั่งระบบ (command line)")

    created_at = models.DateTimeField(_("เวลา"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ผู้ส่งออก"),
    )

    class Format(models.TextChoices):
        XLSX = "xlsx", _("Excel (xlsx)")
        CSV = "csv", _("CSV")
        PDF = "pdf", _("PDF")
        HTML = "html", _("หน้าพิมพ์")

    source = models.CharField(_("ช่องทาง"), max_length=16, choices=Source.choices)
    file_format = models.CharField(_("รูปแบบไฟล์"), max_length=8, choices=Format.choices)
    filters = models.TextField(_("เงื่อนไขการกรอง"), blank=True)
    # The filter in words as the file's info sheet says it (``ExportInfo.filter_text``),
    # written at export time: '' is "no filter", NULL "not kept" (the rows recorded before
    # the column existed; the export log rebuilds their words from ``filters``).
    filter_words = models.TextField(  # noqa: DJ001 - NULL and '' say different things
        _("เงื่อนไขการกรอง (ตามที่เลือก)"), null=True, blank=True
    )
    districts = models.CharField(_("อำเภอที่มีสิทธิ์"), max_length=500, blank=True)
    row_count = models.PositiveIntegerField(_("จำนวนแถว"))
    full_ids = models.BooleanField(_("มีเลขประจำตัวประชาชนเต็ม"), default=False)
    remote_addr = models.GenericIPAddressField(_("ที่อยู่ IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("บันทึกการส่งออกข้อมูล")
        verbose_name_plural = _("บันทึกการส่งออกข้อมูล")
        ordering = ["-created_at"]
        permissions = [
            ("export_household", _("ส่งออกรายชื่อครัวเรือน")),
            ("export_full_citizen_id", _("ส่งออกรายชื่อครัวเรือนพร้อมเลขประจำตัวประชาชนเต็ม")),
        ]

    def __str__(self):
        return f"ส่งออก {self.row_count} แถว ({self.get_source_display()})"


class PendingImport(models.Model):
    """An uploaded household list between its preview and its confirmation (see
    ``programs.storage``): encrypted, shared by every app server through the database, removed on
    confirmation or after ``storage.LIFETIME``."""

    name = models.CharField(max_length=64, unique=True)
    data = models.BinaryField()
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("ไฟล์นำเข้าที่รอยืนยัน")
        verbose_name_plural = _("ไฟล์นำเข้าที่รอยืนยัน")

    def __str__(self):
        return self.name
