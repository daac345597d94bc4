"""Saving the visits a phone sends (``POST /field/api/visits/``), each exactly once.

``visits_sync(user=..., items=...)`` answers each item on its own (``docs/field.md``):

* ``saved`` — a new ``FollowUp`` with the item's ``client_uuid``;
* ``duplicate`` — a follow-up with that ``client_uuid`` exists already (a retry, a double tap,
  two tabs): nothing new is written;
* ``refused`` — with a Thai ``message``: a malformed item, a household the user may not reach
  (another district's, or one that no longer exists), or a visit the model's rules refuse
  (``FollowUp.full_clean``: the dates of the household's year, a visit in the future...).

Each item is saved in its own savepoint inside the request's one transaction, so one refused
item never sinks the others and the batch costs one commit. The households and the
already-saved ``client_uuid``s of the whole batch are read up front (two queries), the user's
scope through ``sammachip.scoping``. A visit is inserted with
``FollowUp.objects.bulk_create(..., refresh=False)``: the year lock's checks
(``programs.locking``: a visit of a submitted or approved district-year is refused, with the
lock's Thai reason; the locks are read once for the batch) without ``FollowUpQuerySet``'s
refresh of its household per visit: the stages and incomes of the batch's households are
refreshed once at the end (``programs.stages.household_stages_refresh``), as the household import
does. A new post_save receiver of ``FollowUp`` must be called here too.
"""

import datetime
import uuid
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from programs import locking
from programs.models import FollowUp, Household
from programs.widgets import IncomeWidget
from sammachip import images
from sammachip.scoping import scope_for_user

SAVED = "saved"
DUPLICATE = "duplicate"
REFUSED = "refused"

MAX_ITEMS = 200  # one request; the phone sends its outbox in batches of at most this
NOTES_MAX = 5000


class ItemError(ValueError):
    """An item refused before it reaches the model (its ``message`` is Thai)."""


def parse_income(text):
    """The income as typed (``"3,500"``, ``"3500.00"``, ``"๓,๕๐๐"``) through the household
    import's own reader; ``None`` when empty; ``ItemError`` (Thai) otherwise."""
    if text is None:
        return None
    if isinstance(text, bool) or not isinstance(text, (str, int, float)):
        raise ItemError(_("รายได้ต้องเป็นตัวเลข (บาทต่อเดือน)"))
    try:
        return IncomeWidget().clean(str(text))
    except ValueError as error:
        raise ItemError(str(error)) from None


def _uuid(value):
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def _text(item, key, limit=NOTES_MAX):
    value = item.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ItemError(_("ข้อมูลการติดตามไม่ถูกต้อง (%(field)s)") % {"field": key})
    return value.strip()[:limit]


def _coordinate(item, key, limit):
    value = item.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ItemError(_("ตำแหน่งที่บันทึกไม่ถูกต้อง"))
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except InvalidOperation:
        raise ItemError(_("ตำแหน่งที่บันทึกไม่ถูกต้อง")) from None
    if not number.is_finite() or abs(number) > limit:
        raise ItemError(_("ตำแหน่งที่บันทึกไม่ถูกต้อง"))
    return number


def _parsed(item, households):
    """``(household, fields)`` of one item, or ``ItemError``."""
    household_id = item.get("household")
    if isinstance(household_id, bool) or not isinstance(household_id, (int, str)):
        raise ItemError(_("ไม่ระบุครัวเรือน"))
    try:
        household = households.get(int(household_id))
    except ValueError:
        raise ItemError(_("ไม่ระบุครัวเรือน")) from None
    if household is None:
        raise ItemError(_("ครัวเรือนนี้ไม่อยู่ในอำเภอที่ท่านรับผิดชอบแล้ว (หรือถูกลบ) จึงบันทึกการติดตามไม่ได้"))
    visited_on = item.get("visited_on")
    try:
        visited_on = datetime.date.fromisoformat(visited_on)
    except (TypeError, ValueError):
        raise ItemError(_("วันที่ติดตามไม่ถูกต้อง")) from None
    practising = item.get("practising", True)
    if not isinstance(practising, bool):
        raise ItemError(_("กรุณาระบุว่ายังประกอบอาชีพหรือไม่"))
    return household, {
        "visited_on": visited_on,
        "practising": practising,
        "monthly_income": parse_income(item.get("monthly_income")),
        "notes": _text(item, "notes"),
        "stopped_reason": _text(item, "stopped_reason"),
        "latitude": _coordinate(item, "latitude", 90),
        "longitude": _coordinate(item, "longitude", 180),
    }


def _messages(error):
    if hasattr(error, "message_dict"):
        return " ".join(message for messages in error.message_dict.values() for message in messages)
    return " ".join(error.messages)


def _result(client_uuid, status, message=""):
    return {"client_uuid": client_uuid, "status": status, "message": message}


def visits_sync(*, user, items):
    """Save ``items`` (the JSON list the phone sent) as ``user``; the list of per-item results
    in the same order (module docstring)."""
    uuids = {}
    household_ids = set()
    for item in items:
        if isinstance(item, dict):
            parsed = _uuid(item.get("client_uuid"))
            if parsed is not None:
                uuids[parsed] = None
            value = item.get("household")
            if isinstance(value, int) and not isinstance(value, bool):
                household_ids.add(value)
            elif isinstance(value, str) and value.isdigit():
                household_ids.add(int(value))
    saved_uuids = set(
        FollowUp.objects.filter(client_uuid__in=list(uuids)).values_list("client_uuid", flat=True)
    )
    households = {
        household.pk: household
        for household in scope_for_user(Household.objects.all(), user).filter(pk__in=household_ids)
    }
    results = []
    saved = {}  # the households of the visits saved: their stages and incomes are refreshed
    with transaction.atomic(), locking.cached():
        for item in items:
            result, household = _answer(user, item, saved_uuids, households)
            results.append(result)
            if household is not None:
                saved[household.pk] = household
        if saved:
            from programs.stages import household_stages_refresh

            household_stages_refresh(households=list(saved), income=True)
    return results


def _answer(user, item, saved_uuids, households):
    """``(result, household)`` of one item: the household only when a visit was saved."""
    if not isinstance(item, dict):
        return _result("", REFUSED, _("ข้อมูลการติดตามไม่ถูกต้อง")), None
    raw_uuid = item.get("client_uuid")
    client_uuid = _uuid(raw_uuid)
    echo = str(client_uuid) if client_uuid else str(raw_uuid or "")[:64]
    if client_uuid is None:
        return _result(echo, REFUSED, _("ไม่มีรหัสการบันทึก (client_uuid) ที่ถูกต้อง")), None
    if client_uuid in saved_uuids:
        return _result(echo, DUPLICATE, _("บันทึกไว้แล้ว")), None
    status, message, household = _save(user, item, client_uuid, households)
    if status in (SAVED, DUPLICATE):
        saved_uuids.add(client_uuid)
    return _result(echo, status, message), household


def _save(user, item, client_uuid, households):
    """``(status, message, household)`` of one item not seen before."""
    try:
        household, fields = _parsed(item, households)
    except ItemError as error:
        return REFUSED, str(error), None
    follow_up = FollowUp(household=household, officer=user, client_uuid=client_uuid, **fields)
    try:
        # The constraints are the database's (an IntegrityError below); the model's own rules
        # (clean: the dates of the household's year, "stopped" and "practising") run here.
        follow_up.full_clean(
            exclude=["household", "officer"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        return REFUSED, _messages(error), None
    try:
        with transaction.atomic():
            # The lock's checks, not the per-visit refresh: see the module docstring.
            FollowUp.objects.bulk_create([follow_up], refresh=False)
    except locking.YearLocked as error:
        return REFUSED, _messages(error), None
    except IntegrityError:
        if FollowUp.objects.filter(client_uuid=client_uuid).exists():
            return DUPLICATE, _("บันทึกไว้แล้ว"), None
        return REFUSED, _("บันทึกไม่ได้ ข้อมูลไม่ผ่านการตรวจสอบ"), None
    return SAVED, _("บันทึกแล้ว"), household


def photo_attach(*, user, client_uuid, upload):
    """Attach ``upload`` to the visit ``client_uuid`` of ``user``'s districts, once: checked and
    re-encoded without EXIF (GPS included) by ``sammachip.images`` like every upload. Returns
    ``SAVED`` or ``DUPLICATE`` (the visit has a photo already); ``FollowUp.DoesNotExist`` when no
    such visit is reachable; ``ValidationError`` (Thai) for a file that is not a usable image."""
    follow_up = scope_for_user(FollowUp.objects.all(), user).get(client_uuid=client_uuid)
    if follow_up.photo:
        return DUPLICATE
    images.check_upload(upload)
    follow_up.photo.save(
        images.random_name("followups", upload.name), images.clean_original(upload), save=False
    )
    follow_up.save(update_fields=["photo"])
    return SAVED
