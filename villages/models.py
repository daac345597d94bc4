"""Thai administrative geography keyed by DOPA codes: province 2 digits, district (อำเภอ) 4,
subdistrict (ตำบล) 6, village (หมู่บ้าน) 8 = subdistrict code + หมู่ที่ on two digits.

Provinces, districts and subdistricts come from the ``geothai`` package (``load_geography``);
villages are added by officers.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from sammachip.scoping import DistrictScopedQuerySet


def _code_length(field, length):
    return Exact(Length(field), length)


class Province(models.Model):
    code = models.CharField(_("รหัสจังหวัด"), max_length=2, primary_key=True)
    name_th = models.CharField(_("ชื่อจังหวัด"), max_length=100)
    name_en = models.CharField(_("ชื่อภาษาอังกฤษ"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("จังหวัด")
        verbose_name_plural = _("จังหวัด")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=_code_length("code", 2),
                name="province_code_len",
                violation_error_message=_("รหัสจังหวัดต้องมี 2 หลัก"),
            ),
        ]

    def __str__(self):
        return self.name_th


class DistrictQuerySet(DistrictScopedQuerySet):
    def in_province(self):
        """The districts of the province this installation serves (``SAMMACHIP_PROVINCE_CODE``):
        the one province filter. District-owned rows follow it with
        ``.in_districts(District.objects.in_province())``."""
        return self.filter(province_id=settings.SAMMACHIP_PROVINCE_CODE)


class District(models.Model):
    district_lookup = "pk"

    code = models.CharField(_("รหัสอำเภอ"), max_length=4, primary_key=True)
    name_th = models.CharField(_("ชื่ออำเภอ"), max_length=100)
    name_en = models.CharField(_("ชื่อภาษาอังกฤษ"), max_length=100, blank=True)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="districts", verbose_name=_("จังหวัด")
    )

    objects = DistrictQuerySet.as_manager()

    class Meta:
        verbose_name = _("อำเภอ")
        verbose_name_plural = _("อำเภอ")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=_code_length("code", 4),
                name="district_code_len",
                violation_error_message=_("รหัสอำเภอต้องมี 4 หลัก"),
            ),
            models.CheckConstraint(
                condition=models.Q(code__startswith=models.F("province_id")),
                name="district_code_in_province",
                violation_error_message=_("รหัสอำเภอต้องขึ้นต้นด้วยรหัสจังหวัด"),
            ),
        ]

    def __str__(self):
        return self.name_th


class Subdistrict(models.Model):
    district_lookup = "district"

    code = models.CharField(_("รหัสตำบล"), max_length=6, primary_key=True)
    name_th = models.CharField(_("ชื่อตำบล"), max_length=100)
    name_en = models.CharField(_("ชื่อภาษาอังกฤษ"), max_length=100, blank=True)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="subdistricts", verbose_name=_("อำเภอ")
    )
    postcode = models.CharField(_("รหัสไปรษณีย์"), max_length=5, blank=True)
    other_postcodes = models.CharField(
        _("รหัสไปรษณีย์อื่นในตำบล"), max_length=100, blank=True, help_text=_("คั่นด้วยช่องว่าง")
    )

    objects = DistrictScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("ตำบล")
        verbose_name_plural = _("ตำบล")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=_code_length("code", 6),
                name="subdistrict_code_len",
                violation_error_message=_("รหัสตำบลต้องมี 6 หลัก"),
            ),
            models.CheckConstraint(
                condition=models.Q(code__startswith=models.F("district_id")),
                name="subdistrict_code_in_district",
                violation_error_message=_("รหัสตำบลต้องขึ้นต้นด้วยรหัสอำเภอ"),
            ),
        ]

    def __str__(self):
        return f"{self.name_th} ({self.code})"


def village_code(subdistrict_code, moo):
    """The DOPA village code: the subdistrict's 6 digits and หมู่ที่ on 2 (``40120711``)."""
    return f"{subdistrict_code}{int(moo):02d}"


class VillageQuerySet(DistrictScopedQuerySet):
    def for_listing(self):
        return self.select_related("subdistrict", "district")


class Village(models.Model):
    district_lookup = "district"

    code = models.CharField(
        _("รหัสหมู่บ้าน"),
        max_length=8,
        unique=True,
        editable=False,
        help_text=_("รหัสตำบล 6 หลัก ตามด้วยหมู่ที่ 2 หลัก คำนวณให้อัตโนมัติ"),
    )
    subdistrict = models.ForeignKey(
        Subdistrict, on_delete=models.PROTECT, related_name="villages", verbose_name=_("ตำบล")
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="villages",
        verbose_name=_("อำเภอ"),
        editable=False,
    )
    moo = models.PositiveSmallIntegerField(
        _("หมู่ที่"), validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    name_th = models.CharField(_("ชื่อหมู่บ้าน"), max_length=200)

    objects = VillageQuerySet.as_manager()

    class Meta:
        verbose_name = _("หมู่บ้าน")
        verbose_name_plural = _("หมู่บ้าน")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["subdistrict", "moo"],
                name="village_unique_moo",
                violation_error_message=_("หมู่บ้านหมู่ที่นี้มีอยู่แล้วในตำบลนี้"),
            ),
            models.CheckConstraint(
                condition=models.Q(moo__gte=1, moo__lte=99),
                name="village_moo_range",
                violation_error_message=_("หมู่ที่ต้องอยู่ระหว่าง 1 ถึง 99"),
            ),
            models.CheckConstraint(
                condition=_code_length("code", 8),
                name="village_code_len",
                violation_error_message=_("รหัสหมู่บ้านต้องมี 8 หลัก"),
            ),
            models.CheckConstraint(
                condition=models.Q(code__startswith=models.F("subdistrict_id")),
                name="village_code_in_subdistrict",
                violation_error_message=_("รหัสหมู่บ้านต้องขึ้นต้นด้วยรหัสตำบล"),
            ),
            models.CheckConstraint(
                condition=models.Q(code__startswith=models.F("district_id")),
                name="village_district_matches_code",
                violation_error_message=_("อำเภอของหมู่บ้านต้องตรงกับรหัสหมู่บ้าน"),
            ),
        ]

    def __str__(self):
        return f"{self.name_th} หมู่ที่ {self.moo} ({self.code})"

    def save(self, *args, **kwargs):
        self.derive_keys()
        super().save(*args, **kwargs)

    def derive_keys(self):
        """Set ``code`` and ``district`` from the subdistrict and หมู่ที่ (they never disagree)."""
        if self.subdistrict_id and self.moo:
            self.code = village_code(self.subdistrict_id, self.moo)
            self.district_id = self.subdistrict_id[:4]

    def clean(self):
        self.derive_keys()
