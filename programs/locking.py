"""The lock of a reported district-year: one mechanism beside scoping (``sammachip.scoping``).

While a ``DistrictReport`` of a district and fiscal year is ``submitted`` or ``approved``
(``DistrictReport.LOCKING``; a row with that status, however written, is all it takes), the
records of that district-year cannot be added, changed or deleted: households, trainer teams and
their members, training sessions (and their attendance), follow-ups and stage decisions. Follow-ups
and stage decisions dated *after* the approval day stay open (the follow-up schedule runs past the
year's end); they never change the approved snapshot.

Where it is enforced:

* the model (``pre_save``/``pre_delete`` of each locked model, attendance through
  ``m2m_changed``, an occupational group with members in a locked year cannot be deleted) —
  ``install()`` connects them, from ``ProgramsConfig.ready()``;
* the QuerySet (``YearLockedQuerySet``: ``update``, ``delete``, ``bulk_create``,
  ``bulk_update``). Writes of derived columns only (``DERIVED``: the stage and the income
  that follow the record, ``programs.stages`` and ``programs.kpis``) pass: a follow-up after
  the approval may move them;
* the admin (``programs.admin.locking``) and the household import (``HouseholdResource``).

Other doors (the field app) call ``check(obj)`` or ``is_locked(district_id, fiscal_year)``.

What it costs: outside ``cached()`` each check reads its report (one query); inside, the
locking reports are read once for the block. Every web request runs inside one block
(``programs.middleware.YearLockCacheMiddleware``), so a request asks the reports' table at most
once, however many records it checks (``tests/programs/test_lock_queries.py``,
``bench/locks.py``).
Reading and exporting are never locked.
"""

import contextlib
import contextvars
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.utils.translation import gettext as _

from sammachip.scoping import DistrictScopedQuerySet


class YearLocked(ValidationError):
    """A write to a locked district-year; the message says who to ask."""


@dataclass(frozen=True)
class Spec:
    district: str  # ORM path to the district (its ``_id`` is read)
    year: str  # ORM path to the fiscal year
    parent: str | None = None  # the FK whose record carries district and year
    date: str | None = None  # rows dated after the approval day stay open


SPECS = {
    "household": Spec("district", "fiscal_year"),
    "trainerteam": Spec("district", "fiscal_year"),
    "teammember": Spec("team__district", "team__fiscal_year", parent="team"),
    "trainingsession": Spec("team__district", "team__fiscal_year", parent="team"),
    "followup": Spec(
        "household__district", "household__fiscal_year", parent="household", date="visited_on"
    ),
    "stagedecision": Spec(
        "household__district", "household__fiscal_year", parent="household", date="decided_on"
    ),
}

# Columns that follow the record (never typed through a locked door): writing only these passes.
DERIVED = {
    "household": {
        "status",
        "income_after",
        "income_after_source",
        "training_ended_on",
        "updated_at",
    },
}


# Inside ``cached()``: ``{"locks": {(district_id, fiscal_year): report}, "moving": n}``.
_cache = contextvars.ContextVar("programs_year_locks", default=None)


@contextlib.contextmanager
def cached():
    """Within this block the locking reports are read once (one query, on first need) and
    kept: a request (every web request is one such block, ``programs.middleware``) or an
    import that checks many records asks the database once. A block inside another shares
    the outer one's read.

    A report written inside the block (its save or delete, or a QuerySet write of reports:
    ``forget()``) is never served stale: what was read is forgotten, and until the write's
    transaction commits every check reads the database again (a rolled-back write leaves the
    rest of the block uncached, never wrong)."""
    if _cache.get() is not None:
        yield
        return
    token = _cache.set({})
    try:
        yield
    finally:
        _cache.reset(token)


def forget(*args, **kwargs):
    """A report was written: the block's read (``cached()``) is forgotten and not taken again
    before the write commits. Connected to ``DistrictReport``'s ``post_save``/``post_delete``
    (``install()``) and called by its QuerySet's bulk writes; a no-op outside a block."""
    holder = _cache.get()
    if holder is None:
        return
    holder.pop("locks", None)
    holder["moving"] = holder.get("moving", 0) + 1

    def settled():
        holder["moving"] -= 1

    transaction.on_commit(settled)


def _cached_locks():
    holder = _cache.get()
    if holder is None or holder.get("moving"):
        return None
    if "locks" not in holder:
        holder["locks"] = _read_locked_years()
    return holder["locks"]


def spec_of(model):
    return SPECS.get(model._meta.model_name) if model._meta.app_label == "programs" else None


def _report_model():
    from programs.models import DistrictReport

    return DistrictReport


def _district_id(district):
    return getattr(district, "pk", district)


def lock_of(district_id, fiscal_year, *, on=None):
    """The ``DistrictReport`` that locks this district-year (for a record dated ``on``, when
    it is dated), or ``None``. One query (none inside ``cached()`` once the block has read)."""
    if not district_id or not fiscal_year:
        return None
    locks = _cached_locks()
    if locks is not None:
        report = locks.get((_district_id(district_id), fiscal_year))
    else:
        DistrictReport = _report_model()
        report = (
            DistrictReport.objects.locking()
            .filter(district_id=_district_id(district_id), fiscal_year=fiscal_year)
            .select_related("district")
            .first()
        )
    if report is None:
        return None
    if on is not None and _dated_after_approval(report, on):
        return None
    return report


def is_locked(district_id, fiscal_year, *, on=None):
    """Whether the district-year is locked (for a record dated ``on``: a follow-up or decision
    dated after the approval day is not)."""
    return lock_of(district_id, fiscal_year, on=on) is not None


def _dated_after_approval(report, on):
    return (
        report.status == report.Status.APPROVED
        and report.approved_on is not None
        and on > report.approved_on
    )


def _which(report, *, short=False):
    """``(year, district name, why)`` of a locking report: the words both messages use."""
    if report.status == type(report).Status.APPROVED:
        why = _("อนุมัติรายงานแล้ว")
    else:
        why = _("ส่งรายงานแล้ว") if short else _("ส่งรายงานแล้วและรอจังหวัดตรวจสอบ")
    return report.fiscal_year, getattr(report.district, "name_th", report.district_id), why


def short_message(report):
    """The lock in a few words, for a list (the field app's worklist): "ปีงบประมาณ 2570 ของ
    อำเภอพล ส่งรายงานแล้ว"."""
    year, district, why = _which(report, short=True)
    return _("ปีงบประมาณ %(year)d ของอำเภอ%(district)s %(why)s") % {
        "year": year,
        "district": district,
        "why": why,
    }


def message(report):
    """The Thai refusal: which district-year, why, and who to ask."""
    year, district, why = _which(report)
    return _(
        "ข้อมูลปีงบประมาณ %(year)d ของอำเภอ%(district)s %(why)s จึงเพิ่ม แก้ไข ลบ หรือนำเข้าไม่ได้ "
        "หากต้องแก้ไข กรุณาติดต่อสำนักงานพัฒนาชุมชนจังหวัดเพื่อส่งรายงานกลับหรือเปิดแก้ไขอีกครั้ง"
    ) % {"year": year, "district": district, "why": why}


def refuse(report):
    raise YearLocked(message(report), code="year_locked")


# --- one record -----------------------------------------------------------------------------


def _state(obj, spec):
    """(district_id, fiscal_year, date) of ``obj`` as it stands in memory."""
    if spec.parent is None:
        district_id = getattr(obj, "district_id", None)
        loaded = getattr(obj, "_loaded_links", {})
        village_id = getattr(obj, "village_id", None)
        # The village's district, unless the village is the one read with the row.
        if village_id and (district_id is None or loaded.get("village_id") != village_id):
            district_id = obj.village.district_id
        return district_id, obj.fiscal_year, None
    parent = getattr(obj, spec.parent) if getattr(obj, f"{spec.parent}_id", None) else None
    if parent is None:
        return None, None, None
    date = getattr(obj, spec.date) if spec.date else None
    return parent.district_id, parent.fiscal_year, date


def _saved_state(obj, spec):
    """(district_id, fiscal_year, date, parent_id) of ``obj`` as stored, or ``None`` for a new
    record (``parent_id`` is ``None`` for a record without a parent)."""
    if obj.pk is None or obj._state.adding:
        return None
    loaded = getattr(obj, "_loaded_links", None)
    if spec.parent is None and loaded and "district_id" in loaded and "fiscal_year" in loaded:
        return loaded["district_id"], loaded["fiscal_year"], None, None
    fields = [
        spec.district,
        spec.year,
        spec.date or "pk",
        f"{spec.parent}_id" if spec.parent else "pk",
    ]
    row = type(obj)._base_manager.filter(pk=obj.pk).values_list(*fields).first()
    if row is None:
        return None
    return row[0], row[1], row[2] if spec.date else None, row[3] if spec.parent else None


def _parent_lock(obj, spec):
    """The report locking a new record whose parent (household, team) is not loaded: one query
    through the parent's row instead of two (the parent, then its report)."""
    from django.db.models import Subquery

    Parent = obj._meta.get_field(spec.parent).related_model
    parent = Parent._base_manager.filter(pk=getattr(obj, f"{spec.parent}_id"))
    report = (
        _report_model()
        .objects.locking()
        .filter(
            district_id=Subquery(parent.values("district_id")[:1]),
            fiscal_year=Subquery(parent.values("fiscal_year")[:1]),
        )
        .select_related("district")
        .first()
    )
    date = getattr(obj, spec.date) if spec.date else None
    if report is None or (date is not None and _dated_after_approval(report, date)):
        return None
    return report


def check(obj, *, stored=True):
    """Raise ``YearLocked`` when ``obj`` (a record of a locked model) may not be written: its
    district-year as it stands, and (``stored``) as stored, is locked. Returns nothing.
    A follow-up saved on its own costs one query here (two when it is an update)."""
    spec = spec_of(type(obj))
    if spec is None:
        return
    saved = _saved_state(obj, spec) if stored else None
    parent_loaded = spec.parent is None or obj._meta.get_field(spec.parent).is_cached(obj)
    if saved is not None and not parent_loaded and getattr(obj, f"{spec.parent}_id") == saved[3]:
        # The same parent as stored: its district and year are the stored ones.
        states = {saved[:3], (saved[0], saved[1], getattr(obj, spec.date) if spec.date else None)}
    elif saved is None and not parent_loaded and _cached_locks() is None:
        if getattr(obj, f"{spec.parent}_id", None) is not None:
            report = _parent_lock(obj, spec)
            if report is not None:
                refuse(report)
        return
    else:
        states = {_state(obj, spec)}
        if saved is not None:
            states.add(saved[:3])
    for district_id, fiscal_year, date in states:
        report = lock_of(district_id, fiscal_year, on=date)
        if report is not None:
            refuse(report)


def check_stored(obj):
    """``check`` of the record as stored only (a delete)."""
    spec = spec_of(type(obj))
    if spec is None:
        return
    saved = _saved_state(obj, spec)
    if saved is not None:
        report = lock_of(saved[0], saved[1], on=saved[2])
        if report is not None:
            refuse(report)


def locked_report_for(obj):
    """The report locking ``obj`` as stored (for the admin's object permissions), or ``None``."""
    try:
        check_stored(obj)
    except YearLocked:
        spec = spec_of(type(obj))
        saved = _saved_state(obj, spec)
        return lock_of(saved[0], saved[1], on=saved[2])
    return None


def locked_years():
    """``{(district_id, fiscal_year): report}`` of every locking report: one query (none
    inside ``cached()``), for a door that checks many rows (the household import)."""
    locks = _cached_locks()
    return locks if locks is not None else _read_locked_years()


def _read_locked_years():
    DistrictReport = _report_model()
    return {
        (report.district_id, report.fiscal_year): report
        for report in DistrictReport.objects.locking().select_related("district")
    }


def import_refusal(household, locks=None):
    """The Thai refusal for an imported household row of a locked district-year (as the file
    has it, and as stored for an update), or ``""``. ``locks`` from ``locked_years()``."""
    if locks is None:
        locks = locked_years()
    if not locks:
        return ""
    spec = SPECS["household"]
    states = {_state(household, spec)}
    loaded = getattr(household, "_loaded_links", None)
    if household.pk and loaded:
        states.add((loaded.get("district_id"), loaded.get("fiscal_year"), None))
    for district_id, fiscal_year, _date in states:
        report = locks.get((district_id, fiscal_year))
        if report is not None:
            return message(report)
    return ""


# --- many rows ------------------------------------------------------------------------------


def rows_lock(queryset):
    """The report locking any row of ``queryset`` (of a locked model), or ``None``. The reports
    (one query, none inside ``cached()``), then, when any district-year is locked, one query
    for a row of any of them."""
    spec = spec_of(queryset.model)
    if spec is None:
        return None
    locks = locked_years()
    if not locks:
        return None
    condition = Q()
    for report in locks.values():
        one = Q(**{spec.district: report.district_id, spec.year: report.fiscal_year})
        if spec.date and report.status == report.Status.APPROVED and report.approved_on:
            one &= Q(**{f"{spec.date}__lte": report.approved_on})
        condition |= one
    hit = queryset.filter(condition).values_list(spec.district, spec.year)[:1]
    for district_id, fiscal_year in hit:
        return locks[(district_id, fiscal_year)]
    return None


def check_rows(queryset):
    """Raise ``YearLocked`` when any row of ``queryset`` is in a locked district-year."""
    report = rows_lock(queryset)
    if report is not None:
        refuse(report)


def group_delete_lock(group):
    """The report that keeps ``group`` (an occupational group) from being deleted: one of its
    members is a household of a locked year. ``None`` when it may go."""
    from programs.models import Household

    return rows_lock(Household.objects.filter(group=group))


def check_new(objs):
    """Raise ``YearLocked`` when any of ``objs`` (new records of one model) falls in a locked
    district-year. Records whose parent is not loaded (built with ``household_id=…``) are
    checked together: the reports, then, when any year is locked, their parents' district and
    year in one query (not one query per record)."""
    objs = list(objs)
    spec = spec_of(type(objs[0])) if objs else None
    if spec is None:
        return
    if spec.parent is not None:
        field = type(objs[0])._meta.get_field(spec.parent)
        unloaded = [
            obj
            for obj in objs
            if not field.is_cached(obj) and getattr(obj, field.attname) is not None
        ]
        if unloaded:
            _check_by_parent(unloaded, spec, field)
            skip = {id(obj) for obj in unloaded}
            objs = [obj for obj in objs if id(obj) not in skip]
    for obj in objs:
        check(obj, stored=False)


def _check_by_parent(objs, spec, field):
    locks = locked_years()
    if not locks:
        return
    parents = {
        pk: (district_id, fiscal_year)
        for pk, district_id, fiscal_year in field.related_model._base_manager.filter(
            pk__in={getattr(obj, field.attname) for obj in objs}
        ).values_list("pk", "district_id", "fiscal_year")
    }
    for obj in objs:
        report = locks.get(parents.get(getattr(obj, field.attname)))
        date = getattr(obj, spec.date) if spec.date else None
        if report is not None and not (date is not None and _dated_after_approval(report, date)):
            refuse(report)


class YearLockedQuerySet(DistrictScopedQuerySet):
    """The QuerySet of every locked model: bulk writes ask the lock too."""

    def _derived_only(self, fields):
        derived = DERIVED.get(self.model._meta.model_name, set())
        return bool(fields) and set(fields) <= derived

    def update(self, **kwargs):
        if not self._derived_only(kwargs):
            check_rows(self)
        return super().update(**kwargs)

    update.alters_data = True

    def delete(self):
        check_rows(self)
        return super().delete()

    delete.alters_data = True
    delete.queryset_only = True

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        check_new(objs)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        if not self._derived_only(fields):
            check_rows(self.filter(pk__in=[obj.pk for obj in objs]))
            check_new(objs)
        return super().bulk_update(objs, fields, *args, **kwargs)


# --- signals --------------------------------------------------------------------------------


def _on_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw:  # loaddata
        return
    derived = DERIVED.get(sender._meta.model_name, set())
    if update_fields is not None and set(update_fields) <= derived:
        return
    check(instance)


def _on_delete(sender, instance, **kwargs):
    check_stored(instance)


def _group_delete(sender, instance, **kwargs):
    """A group whose members include a household of a locked year cannot be deleted (its
    members would lose their group)."""
    report = group_delete_lock(instance)
    if report is not None:
        refuse(report)


def _attendance(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("pre_add", "pre_remove", "pre_clear"):
        return
    from programs.models import Household, TrainingSession

    if not reverse:  # session.attendees.…
        check(instance)
        if pk_set:
            check_rows(Household.objects.filter(pk__in=pk_set))
        elif action == "pre_clear":
            check_rows(Household.objects.filter(sessions=instance))
        return
    check(instance)  # household.sessions.…
    if pk_set:
        check_rows(TrainingSession.objects.filter(pk__in=pk_set))
    elif action == "pre_clear":
        check_rows(TrainingSession.objects.filter(attendees=instance))


def install():
    """Connect the lock to the models (``ProgramsConfig.ready()``)."""
    from django.apps import apps

    for name in SPECS:
        model = apps.get_model("programs", name)
        pre_save.connect(_on_save, sender=model, dispatch_uid=f"year_lock_save_{name}")
        pre_delete.connect(_on_delete, sender=model, dispatch_uid=f"year_lock_delete_{name}")
    group = apps.get_model("programs", "occupationgroup")
    pre_delete.connect(_group_delete, sender=group, dispatch_uid="year_lock_group_delete")
    report = apps.get_model("programs", "districtreport")
    post_save.connect(forget, sender=report, dispatch_uid="year_lock_report_save")
    post_delete.connect(forget, sender=report, dispatch_uid="year_lock_report_delete")
    session = apps.get_model("programs", "trainingsession")
    m2m_changed.connect(
        _attendance, sender=session.attendees.through, dispatch_uid="year_lock_attendance"
    )
