"""A household's stage, derived from the record: the one rule behind ``Household.status``.

``stage_from_facts`` is the rule, a pure function of what the record says of one household
(``StageFacts``):

* ``dropped`` when the latest follow-up says the household gave the occupation up
  (``FollowUp.stopped_reason``, เลิกประกอบอาชีพ with a reason);
* else ``grouped`` when it is a member of an occupational group (``Household.group``);
* else ``practising`` when the latest follow-up says it practises;
* else ``trained`` when it attended training sessions of its team (any session when it has no
  team) for at least the year's ``minimum_training_days`` (``programs.parameters``), days
  counted inclusively;
* else ``target`` (listed).

An officer's ``StageDecision`` (dated, with a reason) overrides the record until a newer dated
fact supersedes it: a follow-up visited, or an attended session ended, after the decision's date
(a decision and a visit of the same day: the decision holds). Group membership has no date, so
joining a group does not supersede a decision. The decisions migration 0008 kept for stages
typed before the stage was derived (``StageDecision.PENDING_REASON``) are decisions like any
other: they hold until a newer fact, or until an officer confirms them (rewrites the reason) or
deletes them (the record decides).

``household_stages_refresh`` recomputes and saves the stage of some households: one query to
read the facts, one ``UPDATE`` per stage that changed (none when nothing changed), so a saved
follow-up or attendance costs at most two queries. Every door calls it: the signals in
``programs.models`` (follow-ups, attendance ``m2m_changed``, sessions, groups, decisions, the
household's own save) and, where no signal is sent (``bulk_create``, ``queryset.update``), the
caller. It writes with ``.update()``: no audit entry, no ``updated_at``, never someone's edit.
"""

import dataclasses
import datetime

from django.db import transaction
from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Model,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

TARGET, TRAINED, PRACTISING, GROUPED, DROPPED = (
    "target",
    "trained",
    "practising",
    "grouped",
    "dropped",
)
# The programme's steps in order (``dropped`` is off the ladder).
LADDER = (TARGET, TRAINED, PRACTISING, GROUPED)
DEFAULT_MINIMUM_TRAINING_DAYS = 1
CHUNK = 500  # households per query (the pk list stays under every database's parameter limit)


@dataclasses.dataclass(frozen=True)
class StageFacts:
    """What the record says of one household, as ``stage_from_facts`` reads it."""

    training_days: int = 0
    minimum_training_days: int = DEFAULT_MINIMUM_TRAINING_DAYS
    training_end: datetime.date | None = None
    followup_on: datetime.date | None = None
    followup_practising: bool = False
    followup_stopped: bool = False
    in_group: bool = False
    decision_on: datetime.date | None = None
    decision_stage: str = ""


def record_stage(facts):
    """The stage the record alone gives (no decision)."""
    if facts.followup_on is not None and facts.followup_stopped:
        return DROPPED
    if facts.in_group:
        return GROUPED
    if facts.followup_on is not None and facts.followup_practising:
        return PRACTISING
    if facts.training_days and facts.training_days >= max(1, facts.minimum_training_days):
        return TRAINED
    return TARGET


def decision_holds(facts):
    """Whether the latest decision is the stage: no dated fact after the decision's date."""
    if not facts.decision_stage or facts.decision_on is None:
        return False
    dates = [d for d in (facts.followup_on, facts.training_end) if d is not None]
    return not dates or max(dates) <= facts.decision_on


def stage_from_facts(facts):
    """The household's stage (a ``Household.Status`` value) from its ``StageFacts``."""
    if decision_holds(facts):
        return facts.decision_stage
    return record_stage(facts)


# ---- reading the facts ----------------------------------------------------------------------


def _models():
    from programs import models

    return models.Household, models.FollowUp, models.TrainingSession, models.StageDecision


def attended_sessions(TrainingSession):
    """The sessions the outer household attended that count for it: its team's, or any when it
    has no team (a subquery, ``OuterRef`` to the household)."""
    return (
        TrainingSession.objects.filter(attendees=OuterRef("pk"))
        .filter(team_id=Coalesce(OuterRef("trainer_team_id"), F("team_id")))
        .order_by()
        .values("attendees")
    )


def training_end_expression(TrainingSession):
    """The end date of the household's latest counted session (``None`` when none)."""
    return Subquery(
        attended_sessions(TrainingSession).annotate(end=Max("end_date")).values("end")[:1]
    )


def annotate_facts(
    queryset, *, FollowUp, TrainingSession, StageDecision, ProgrammeYear=None, income=False
):
    """``queryset`` (households) with the facts of ``StageFacts`` as annotations (one query,
    correlated subqueries); the model classes are passed so that migrations use theirs. With
    ``income``: also the household's year and income, and the date and income of its latest
    follow-up with an income (``income_on``, ``income_latest``)."""
    extra, fields = {}, ()
    if income:
        latest = FollowUp.objects.filter(
            household=OuterRef("pk"), monthly_income__isnull=False
        ).order_by("-visited_on", "-pk")
        extra = {
            "income_on": Subquery(latest.values("visited_on")[:1]),
            "income_latest": Subquery(latest.values("monthly_income")[:1]),
        }
        fields = (
            "fiscal_year",
            "income_after",
            "income_after_source",
            "income_on",
            "income_latest",
        )
    sessions = attended_sessions(TrainingSession)
    span = ExpressionWrapper(F("end_date") - F("start_date"), output_field=DurationField())
    followup = FollowUp.objects.filter(household=OuterRef("pk")).order_by("-visited_on", "-pk")
    decision = StageDecision.objects.filter(household=OuterRef("pk")).order_by("-decided_on", "-pk")
    if ProgrammeYear is not None:
        minimum = Coalesce(
            Subquery(
                ProgrammeYear.objects.filter(fiscal_year=OuterRef("fiscal_year")).values(
                    "minimum_training_days"
                )[:1]
            ),
            Value(DEFAULT_MINIMUM_TRAINING_DAYS),
            output_field=IntegerField(),
        )
    else:
        minimum = Value(DEFAULT_MINIMUM_TRAINING_DAYS, output_field=IntegerField())
    return queryset.annotate(
        stage_sessions=Subquery(
            sessions.annotate(n=Count("id")).values("n")[:1],
            output_field=IntegerField(),
        ),
        stage_span=Subquery(sessions.annotate(s=Sum(span)).values("s")[:1]),
        stage_training_end=training_end_expression(TrainingSession),
        stage_minimum_days=minimum,
        stage_followup_on=Subquery(followup.values("visited_on")[:1]),
        stage_followup_practising=Subquery(followup.values("practising")[:1]),
        stage_followup_stopped=Subquery(followup.values("stopped_reason")[:1]),
        stage_decision_on=Subquery(decision.values("decided_on")[:1]),
        stage_decision_stage=Subquery(decision.values("stage")[:1]),
        **extra,
    ).values(
        *fields,
        # The stored training date (migration 0013 on; migration 0008's models have none).
        *[f.name for f in queryset.model._meta.concrete_fields if f.name == "training_ended_on"],
        "pk",
        "status",
        "group_id",
        "stage_sessions",
        "stage_span",
        "stage_training_end",
        "stage_minimum_days",
        "stage_followup_on",
        "stage_followup_practising",
        "stage_followup_stopped",
        "stage_decision_on",
        "stage_decision_stage",
    )


def facts_from_row(row):
    """``StageFacts`` from a row of ``annotate_facts``."""
    span = row["stage_span"]
    if isinstance(span, datetime.timedelta):
        span = span.days
    sessions = row["stage_sessions"] or 0
    return StageFacts(
        # Each session's days inclusively: (end − start) + 1.
        training_days=(int(span or 0) + sessions) if sessions else 0,
        minimum_training_days=row["stage_minimum_days"] or DEFAULT_MINIMUM_TRAINING_DAYS,
        training_end=_as_date(row["stage_training_end"]),
        followup_on=_as_date(row["stage_followup_on"]),
        followup_practising=bool(row["stage_followup_practising"]),
        followup_stopped=bool((row["stage_followup_stopped"] or "").strip()),
        in_group=row["group_id"] is not None,
        decision_on=_as_date(row["stage_decision_on"]),
        decision_stage=row["stage_decision_stage"] or "",
    )


def _as_date(value):
    # A subquery's date may come back as text on SQLite.
    if isinstance(value, str):
        return datetime.date.fromisoformat(value[:10])
    if isinstance(value, datetime.datetime):
        return value.date()
    return value


# ---- saving the stage -----------------------------------------------------------------------


def _chunks(households):
    """Lists of at most ``CHUNK`` pks (and the instances given, by pk)."""
    if isinstance(households, QuerySet):
        pks = list(households.order_by().values_list("pk", flat=True))
        instances = {}
    else:
        if isinstance(households, (int, str, Model)):
            households = [households]
        instances = {h.pk: h for h in households if isinstance(h, Model)}
        pks = [h.pk if isinstance(h, Model) else h for h in households]
        pks = list(dict.fromkeys(pk for pk in pks if pk is not None))
    for start in range(0, len(pks), CHUNK):
        yield pks[start : start + CHUNK], instances


def _income_in_window(years, FollowUp):
    """``{pk: income}`` of the latest follow-up with an income inside the evaluation window of
    each household's year (``years``: ``{fiscal_year: [pk…]}``)."""
    from programs import parameters

    found = {}
    for fiscal_year, year in parameters.for_years(years).items():
        rows = (
            FollowUp.objects.filter(
                household__in=years[fiscal_year],
                monthly_income__isnull=False,
                visited_on__lte=parameters.income_window_end(year),
            )
            .order_by("household_id", "-visited_on", "-pk")
            .values_list("household_id", "monthly_income")
        )
        for household_id, income in rows:
            found.setdefault(household_id, income)
    return found


def _wanted_income(row, *, years, late_incomes):
    """``(income_after, income_after_source)`` the record gives ``row``, or ``None`` when the
    income was typed by hand (any income not from a follow-up is left alone)."""
    from programs import parameters
    from programs.models import IncomeSource

    if row["income_after"] is not None and row["income_after_source"] != IncomeSource.FOLLOWUP:
        return None
    on = _as_date(row["income_on"])
    if on is None:
        return (None, IncomeSource.NONE)
    if on <= parameters.income_window_end(years[row["fiscal_year"]]):
        return (row["income_latest"], IncomeSource.FOLLOWUP)
    if row["pk"] in late_incomes:
        return (late_incomes[row["pk"]], IncomeSource.FOLLOWUP)
    return (None, IncomeSource.NONE)


def household_stages_refresh(*, households, income=True):
    """Recompute and save ``Household.status`` of ``households`` (a queryset, model instances
    or pks) and, with ``income``, ``income_after``: the latest follow-up's income inside the
    evaluation window of the household's fiscal year (a follow-up belongs to its household's
    year, whatever its date), source ``followup``; none: empty; an income typed by hand (source
    ``manual``, or any income not from a follow-up) is left alone. Instances given are updated
    in memory too.

    One query reads the facts and the latest income of up to ``CHUNK`` households; one
    ``UPDATE`` writes each distinct change (for one household: at most one, none when nothing
    changed). The years' parameters come from the cache (``programs.parameters``). So a saved
    follow-up or attendance change costs at most two queries; only a household whose latest
    income was visited after its year's evaluation window costs one more (the income inside
    the window). Returns how many stages changed."""
    Household, FollowUp, TrainingSession, StageDecision = _models()
    from programs import parameters
    from programs.models import ProgrammeYear

    changed = 0
    touched = False
    for pks, instances in _chunks(households):
        rows = list(
            annotate_facts(
                Household.objects.filter(pk__in=pks).order_by(),
                FollowUp=FollowUp,
                TrainingSession=TrainingSession,
                StageDecision=StageDecision,
                ProgrammeYear=ProgrammeYear,
                income=income,
            )
        )
        years, late_incomes = {}, {}
        if income and rows:
            years = parameters.for_years({row["fiscal_year"] for row in rows})
            late = {}
            for row in rows:
                on = _as_date(row["income_on"])
                if on and on > parameters.income_window_end(years[row["fiscal_year"]]):
                    late.setdefault(row["fiscal_year"], []).append(row["pk"])
            if late:
                late_incomes = _income_in_window(late, FollowUp)
        writes = {}  # the values to write: [pk…]
        for row in rows:
            values = {}
            facts = facts_from_row(row)
            stage = stage_from_facts(facts)
            if stage != row["status"]:
                values["status"] = stage
            if facts.training_end != _as_date(row.get("training_ended_on")):
                values["training_ended_on"] = facts.training_end
            wanted = income and _wanted_income(row, years=years, late_incomes=late_incomes)
            if wanted and wanted != (row["income_after"], row["income_after_source"]):
                values["income_after"], values["income_after_source"] = wanted
            instance = instances.get(row["pk"])
            if instance is not None:
                instance.status = stage
                instance._loaded_status = stage
                instance.training_ended_on = facts.training_end
                if wanted:
                    instance.income_after, instance.income_after_source = wanted
            if values:
                writes.setdefault(tuple(sorted(values.items())), []).append(row["pk"])
        for key, moved in writes.items():
            values = dict(key)
            count = stored_update(Household.objects.filter(pk__in=moved), **values)
            touched = True
            if "status" in values:
                changed += count
    if touched:
        # .update() sends no post_save: the public figures are refreshed here.
        from sammachip.cache import bump_content_version

        bump_content_version()
        transaction.on_commit(bump_content_version)
    return changed


def stored_update(queryset, **values):
    """``queryset.update(**values)`` as stored, without the refresh ``HouseholdQuerySet.update``
    adds (the refresh's own write)."""
    return QuerySet.update(queryset, **values)


def household_training_date(household):
    """The end date of the household's latest counted training session, or ``None``."""
    Household, _followup, _session, _decision = _models()
    known = getattr(household, "training_end", False)
    if known is not False:
        return known
    return (
        Household.objects.filter(pk=household.pk)
        .with_training_end()
        .values_list("training_end", flat=True)
        .first()
    )


@transaction.atomic
def stage_decisions_record(*, households, decided_on, reason, officer=None, stage=DROPPED):
    """Record an officer's dated, reasoned decision (``dropped`` by default) on each household
    and refresh their stages. Returns the decisions made."""
    *_others, StageDecision = _models()
    reason = (reason or "").strip()
    decisions = StageDecision.objects.bulk_create(
        [
            StageDecision(
                household_id=pk,
                decided_on=decided_on,
                stage=stage,
                reason=reason,
                officer=officer,
            )
            for pk in (
                households.order_by().values_list("pk", flat=True)
                if isinstance(households, QuerySet)
                else [h.pk if isinstance(h, Model) else h for h in households]
            )
        ]
    )
    # bulk_create sends no post_save.
    household_stages_refresh(households=[d.household_id for d in decisions])
    return decisions
