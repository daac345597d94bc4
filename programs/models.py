"""The programme in a village, as data (see DESIGN.md, "The programme, as data").

One sage per target village leads a trainer team of five (the sage and four members); a village
forum picks about twenty target households; the team trains them; households that practise become
ครัวเรือนสัมมาชีพ, are followed up, form occupational groups (``Household.group``) and develop OTOP
products. Every record belongs to a district through its village and carries an indexed
``district`` column kept equal to the village's (``derive_district``), so scoping is one indexed
filter.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sammachip import citizen_id
from sammachip.citizen_id.fields import CitizenIdHashField, EncryptedCitizenIdField
from sammachip.fields import ThaiDateField, plausible_date
from sammachip.scoping import DistrictScopedQuerySet
from sammachip.validators import validate_thai_phone
from villages.models import District, Village

FISCAL_YEAR_MIN = 2550
FISCAL_YEAR_MAX = 2650

TEAM_SIZE = 5  # the sage + 4 members (guidance: warn, never block)
HOUSEHOLDS_PER_VILLAGE = 20  # about this many (guidance)


def fiscal_year_field(**kwargs):
    return models.PositiveSmallIntegerField(
        _("ปีงบประมาณ (พ.ศ.)"),
        validators=[MinValueValidator(FISCAL_YEAR_MIN), MaxValueValidator(FISCAL_YEAR_MAX)],
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


class Occupation(models.Model):
    class Kind(models.TextChoices):
        AGRICULTURE = "agriculture", _("เกษตร")
        FOOD = "food", _("แปรรูปอาหาร")
        CRAFT = "craft", _("หัตถกรรม/ทอผ้า")
        SERVICE = "service", _("บริการ")
        OTHER = "other", _("อื่น ๆ")

    name = models.CharField(_("ชื่ออาชีพ"), max_length=200, unique=True)
    kind = models.CharField(_("ประเภท"), max_length=16, choices=Kind.choices, default=Kind.OTHER)

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

    objects = SageQuerySet.as_manager()

    class Meta:
        verbose_name = _("ปราชญ์ชุมชน")
        verbose_name_plural = _("ปราชญ์ชุมชน")
        ordering = ["first_name", "last_name"]
        permissions = [("view_full_citizen_id_sage", _("ดูเลขประจำตัวประชาชนเต็มของปราชญ์"))]

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

    objects = DistrictScopedQuerySet.as_manager()

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
        return f"ทีม {self.village.name_th} ปี {self.fiscal_year}"

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

    objects = DistrictScopedQuerySet.as_manager()

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


class HouseholdQuerySet(DistrictScopedQuerySet):
    def for_listing(self):
        return self.select_related("village", "district", "occupation")

    def with_citizen_id(self, number):
        return self.filter(citizen_id_hash=citizen_id.keyed_hash(number))


class Household(DistrictFromVillage, PersonName):
    """ครัวเรือนเป้าหมาย, listed once per person per fiscal year across the province."""

    class Status(models.TextChoices):
        TARGET = "target", _("เป้าหมาย")
        TRAINED = "trained", _("ฝึกอบรมแล้ว")
        PRACTISING = "practising", _("ประกอบอาชีพ")
        GROUPED = "grouped", _("รวมกลุ่ม")
        DROPPED = "dropped", _("เลิก")

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
    income_before = models.DecimalField(
        _("รายได้จากอาชีพก่อนเข้าร่วม (บาท/เดือน)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    income_after = models.DecimalField(
        _("รายได้จากอาชีพเมื่อประเมินสิ้นปี (บาท/เดือน)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
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
        ordering = ["village__code", "house_no", "id"]
        permissions = [
            ("view_full_citizen_id", _("ดูเลขประจำตัวประชาชนเต็มของครัวเรือน")),
        ]
        indexes = [
            models.Index(fields=["district", "fiscal_year", "status"], name="household_kpi_idx"),
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

    objects = DistrictScopedQuerySet.as_manager()

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
        return f"การอบรมของทีม #{self.team_id}"

    @property
    def days(self):
        return (self.end_date - self.start_date).days + 1


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
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("เจ้าหน้าที่ผู้ติดตาม"),
    )

    objects = DistrictScopedQuerySet.as_manager()

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
        ]

    def __str__(self):
        return f"ติดตามผลครัวเรือน #{self.household_id}"


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
    source = models.CharField(_("ช่องทาง"), max_length=16, choices=Source.choices)
    file_format = models.CharField(_("รูปแบบไฟล์"), max_length=8)
    filters = models.TextField(_("เงื่อนไขการกรอง"), blank=True)
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
