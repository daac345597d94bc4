"""The rule "one person, one listing per fiscal year, across the province", and how it is asked.

The check must look at every district (a person listed in อ.พล cannot be listed again in อ.เมือง),
so its answer says something about households the asker may not see. Asked freely, it was an
oracle: a masked ID (``4-2522-xxxxx-xx-7``) leaves ~909,000 valid candidates, and a 5,000-row
file of them named the one that was listed. So:

* **Within the asker's districts** a duplicate is named (row, name, village): the asker may see it.
* **Outside them** the answer never says which number: a form says "listed in another district"
  for the one number typed; an import refuses the whole file and says only how many rows clash,
  not which (so a file of candidates says "at least one of these").
* **A budget**: a district officer may have at most ``SAMMACHIP_ID_CHECKS_PER_HOUR`` numbers
  checked against the province an hour (default 2,000), counted per user in the shared cache
  (every app server together). A number already stored on the row being edited costs nothing
  (the asker knows it); provincial staff and command-line callers see every district anyway and
  are not counted. A check over budget is refused before anything is looked up.
* **Every answer about another district is audited**: one audit row per clashing household (who
  asked, when, how many numbers the check covered), visible to provincial staff and to that
  district; so are refusals over budget (in the security log).

With 2,000 numbers an hour, the ~909,000 candidates of one masked ID take ~455 hours of checking
(19 days without a pause), every hit is on record and a bisection of "at least one" costs more
checks still; a district's whole year (~1,800 households) imports in one file, and a normal
200-row list leaves room for ten corrected re-uploads an hour.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sammachip import audit, citizen_id
from sammachip.ratelimit import window_spend

logger = logging.getLogger("sammachip.security")

WINDOW_SECONDS = 3600
CHUNK = 2000  # hashes per IN (...) query


@dataclass(frozen=True)
class Listing:
    """An existing listing that clashes with a number being checked."""

    pk: int
    district_id: str
    visible: bool
    label: str = ""  # name, house and village: only for a listing the asker may see


class CheckLimitExceeded(ValidationError):
    """The asker's hourly budget of ID checks is spent: nothing was looked up."""


def checks_per_hour():
    return int(getattr(settings, "SAMMACHIP_ID_CHECKS_PER_HOUR", 2000))


def is_counted(user):
    """District officers are counted; provincial staff and unscoped callers see everything."""
    return user is not None and not user.sees_all_districts


def spend_checks(user, count):
    """Take ``count`` checks from ``user``'s hourly budget or raise ``CheckLimitExceeded``."""
    if not count or not is_counted(user):
        return
    spend = window_spend(
        f"id-checks:{user.pk}", count, limit=checks_per_hour(), window=WINDOW_SECONDS
    )
    if spend.allowed:
        return
    logger.warning(
        "citizen ID check refused: user %s asked for %d checks, %d of %d used this hour",
        user.pk,
        count,
        spend.used,
        spend.limit,
    )
    minutes = max(1, -(-spend.retry_after // 60))
    raise CheckLimitExceeded(
        _(
            "ตรวจเลขประจำตัวประชาชนซ้ำได้ไม่เกิน %(limit)s เลขต่อชั่วโมง (ใช้ไปแล้ว %(used)s เลข "
            "ครั้งนี้ขอตรวจ %(count)s เลข) เพื่อคุ้มครองข้อมูลส่วนบุคคล ระบบยังไม่ได้ตรวจและไม่ได้บันทึกอะไร "
            "กรุณาลองใหม่ในอีกประมาณ %(minutes)d นาที แบ่งไฟล์ให้เล็กลง "
            "หรือติดต่อเจ้าหน้าที่ระดับจังหวัด"
        )
        % {
            "limit": f"{spend.limit:,}",
            "used": f"{spend.used:,}",
            "count": f"{count:,}",
            "minutes": minutes,
        },
        code="id_check_limit",
    )


def find_listings(keys, *, user):
    """``{(hash, fiscal_year): [Listing, ...]}`` for the given keys, in one query per chunk."""
    from programs.models import Household

    keys = set(keys)
    found = {}
    if not keys:
        return found
    years = {year for _hash, year in keys}
    district_codes = None if user is None or user.sees_all_districts else user.district_codes
    hashes = sorted({number_hash for number_hash, _year in keys})
    for start in range(0, len(hashes), CHUNK):
        rows = Household.objects.filter(
            citizen_id_hash__in=hashes[start : start + CHUNK], fiscal_year__in=years
        ).values_list(
            "citizen_id_hash",
            "fiscal_year",
            "pk",
            "district_id",
            "prefix",
            "first_name",
            "last_name",
            "house_no",
            "village__name_th",
            "village__moo",
        )
        for number_hash, year, pk, district_id, *named in rows:
            if (number_hash, year) not in keys:
                continue
            visible = district_codes is None or district_id in district_codes
            label = _label(*named) if visible else ""
            found.setdefault((number_hash, year), []).append(
                Listing(pk, district_id, visible, label)
            )
    return found


def _label(prefix, first_name, last_name, house_no, village_name, moo):
    return _("%(name)s บ้านเลขที่ %(house)s %(village)s") % {
        "name": f"{prefix}{first_name} {last_name}".strip(),
        "house": house_no,
        "village": f"{village_name} ม.{moo}",
    }


def record_hidden_answers(listings, *, user, checked, source):
    """Audit each clash outside the asker's districts: who asked, when, how many numbers."""
    from programs.models import Household

    hidden = [listing.pk for listing in listings if not listing.visible]
    if not hidden or user is None:
        return
    note = _(
        "ตรวจพบเลขประจำตัวประชาชนซ้ำกับครัวเรือนนี้ จาก%(source)s ของผู้ใช้นอกอำเภอ "
        "(ตรวจทั้งหมด %(checked)s เลข)"
    ) % {"source": source, "checked": f"{checked:,}"}
    for household in Household.objects.filter(pk__in=hidden).select_related("village"):
        audit.record_access(instance=household, user=user, what=note)


def clash_message(listing):
    """The row-level message for one clash the asker may or may not see."""
    if listing.visible:
        return _(
            "บุคคลนี้มีรายชื่อเป็นครัวเรือนเป้าหมายในปีงบประมาณนี้แล้ว: %(label)s "
            "(รหัสรายการ %(pk)d) หนึ่งคนมีได้หนึ่งรายชื่อต่อปีทั้งจังหวัด"
        ) % {"label": listing.label, "pk": listing.pk}
    return _(
        "บุคคลนี้มีรายชื่อเป็นครัวเรือนเป้าหมายในปีงบประมาณนี้แล้วในอำเภออื่น "
        "(ทั้งจังหวัด หนึ่งคนมีได้หนึ่งรายชื่อต่อปี) "
        "หากเห็นว่าผิดพลาด กรุณาติดต่อเจ้าหน้าที่ระดับจังหวัด"
    )


def validate_listing(household):
    """``Household.clean``'s listing rule. An import sets ``household.listing_clash`` (``None``
    or a ``Listing``) from its one check of the whole file; a form sets
    ``household.listing_checked_by`` (the user, so the budget and the audit apply); the ORM
    without either asks the database, unscoped."""
    if not household.citizen_id or not household.fiscal_year:
        return
    number_hash = citizen_id.keyed_hash(household.citizen_id)
    if hasattr(household, "listing_clash"):
        clash = household.listing_clash
    else:
        user = getattr(household, "listing_checked_by", None)
        key = (number_hash, household.fiscal_year)
        # The asker's own row, unchanged, costs nothing: nothing new is learnt.
        spend_checks(user, 0 if household.pk and _stored_key(household) == key else 1)
        listings = [
            listing
            for listing in find_listings([key], user=user).get(key, [])
            if listing.pk != household.pk
        ]
        record_hidden_answers(listings, user=user, checked=1, source=_("แบบฟอร์ม"))
        clash = listings[0] if listings else None
    if clash is not None:
        raise ValidationError({"citizen_id": clash_message(clash)}, code="duplicate_listing")


def _stored_key(household):
    from programs.models import Household

    row = (
        Household.objects.filter(pk=household.pk)
        .values_list("citizen_id_hash", "fiscal_year")
        .first()
    )
    return tuple(row) if row else None


def hidden_clash_error(count):
    """The file-level refusal when rows clash with listings the importer may not see."""
    return ValidationError(
        ngettext(
            "มี %(n)d แถวในไฟล์นี้ที่บุคคลมีรายชื่อเป็นครัวเรือนเป้าหมายในปีงบประมาณเดียวกันแล้วในอำเภออื่น "
            "เพื่อคุ้มครองข้อมูลส่วนบุคคล ระบบไม่บอกว่าเป็นแถวใด ระบบยังไม่ได้บันทึกข้อมูลใด "
            "กรุณาติดต่อเจ้าหน้าที่ระดับจังหวัดเพื่อตรวจสอบรายชื่อ",
            "มี %(n)d แถวในไฟล์นี้ที่บุคคลมีรายชื่อเป็นครัวเรือนเป้าหมายในปีงบประมาณเดียวกันแล้วในอำเภออื่น "
            "เพื่อคุ้มครองข้อมูลส่วนบุคคล ระบบไม่บอกว่าเป็นแถวใด ระบบยังไม่ได้บันทึกข้อมูลใด "
            "กรุณาติดต่อเจ้าหน้าที่ระดับจังหวัดเพื่อตรวจสอบรายชื่อ",
            count,
        )
        % {"n": count},
        code="hidden_duplicate_listing",
    )
