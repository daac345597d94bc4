"""The follow-up schedule: which visits of a trained household are done, due or overdue.

A household is followed up once trained (its stage ``trained`` or beyond, with a training date:
``HouseholdQuerySet.with_training_end()``, the end of its latest counted session),
``followup_months`` months after that date (``programs.parameters`` of the household's fiscal
year; by default 1, 3 and 6). Visit *i* is due on the training date + *m_i* calendar months
(``thaidate.add_months``). The rule, here only:

* a visit's **window** opens ``TOLERANCE_DAYS`` (7) before its due date and closes when the next
  visit's window opens; the last visit's window never closes (a visit months after the fiscal
  year's end still counts: a follow-up belongs to its household's year, whatever its date);
* a visit is **done** when a follow-up falls in its window (one follow-up counts for the one
  window it falls in);
* **missed**: its window closed without a follow-up (the next visit has taken over: not listed);
* **due**: not done and due from today to ``DUE_SOON_DAYS`` (7) days ahead;
* **overdue**: not done, its due date passed, its window still open;
* **upcoming**: its window has not opened yet.

The tolerance equals the "due this week" horizon, so a visit enters the week's list the day a
follow-up starts to count for it. At most one visit of a household is due or overdue at a time.
Households are followed in their fiscal year and the years after it for as long as the longest
schedule can run (``followed_households``); dropped households are not followed.

Two implementations of the one rule, tested against each other: ``schedule_visits`` (Python,
every visit of a few households: ``visits_for``) and ``annotate_current`` (SQL: the current
visit's state, due date and number as annotations, ``AddMonths`` doing the calendar months in the
database), which the changelist filter (``households_in``, a subquery) and the officer's home
(``programs.home``: counts and the first rows, aggregated in the database) use, so that no list
of households or of their follow-ups is read into Python whatever the data size. "Today" is
``timezone.localdate()`` (Asia/Bangkok).
"""

import datetime
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import NotSupportedError
from django.db.models import Case, DateField, Exists, F, Func, IntegerField, OuterRef, Value, When
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs import parameters
from programs.models import FollowUp, Household
from sammachip import thaidate

TOLERANCE_DAYS = 7
DUE_SOON_DAYS = 7


class State:
    DONE = "done"
    MISSED = "missed"
    DUE = "due"
    OVERDUE = "overdue"
    UPCOMING = "upcoming"


# The household list filter's choices (``FollowUpDueFilter``), also the home panel's lists.
NEVER = "never"
FILTER_CHOICES = [
    (State.DUE, _("ถึงกำหนดติดตามภายใน 7 วัน")),
    (State.OVERDUE, _("เลยกำหนดติดตาม")),
    (NEVER, _("อบรมแล้วแต่ยังไม่เคยติดตาม")),
]


@dataclass(frozen=True)
class Visit:
    number: int  # 1, 2, 3… in the schedule
    months: int  # after the training date
    due_on: datetime.date
    state: str
    visited_on: datetime.date | None = None  # the follow-up that did it


@dataclass
class HouseholdVisits:
    household_id: int
    fiscal_year: int
    training_end: datetime.date
    visits: list = field(default_factory=list)
    visit_count: int = 0  # follow-ups recorded, whatever their date
    row: dict = field(default_factory=dict, repr=False)  # the household's values() row

    @property
    def current(self):
        """The visit due this week or overdue, if any (never more than one)."""
        return next((v for v in self.visits if v.state in (State.DUE, State.OVERDUE)), None)

    @property
    def state(self):
        current = self.current
        return current.state if current else None

    @property
    def never_visited(self):
        return self.visit_count == 0


def followed_households(households, *, today):
    """The households of ``households`` still followed up on ``today``: trained or beyond (not
    dropped), of a fiscal year whose longest schedule can still run (this year and the one
    before with the 1-3-6 default)."""
    first_year = _first_followed_year(today)
    return households.filter(status__in=Household.TRAINED_OR_BEYOND, fiscal_year__gte=first_year)


def _first_followed_year(today):
    current = thaidate.fiscal_year(today)
    longest = max(parameters.for_year(current).followup_months or [0])
    return current - 1 - longest // 12


def schedule_visits(*, training_end, months, visit_dates, today):
    """The visits of one household: ``months`` after ``training_end``, ``visit_dates`` its
    follow-ups' dates in order. Pure arithmetic (the rule in the module docstring)."""
    due = [thaidate.add_months(training_end, m) for m in months]
    opens = [d - datetime.timedelta(days=TOLERANCE_DAYS) for d in due]
    visits = []
    for index, (number_months, due_on, opens_on) in enumerate(zip(months, due, opens, strict=True)):
        closes_on = opens[index + 1] if index + 1 < len(opens) else None
        first = bisect_left(visit_dates, opens_on)
        visited_on = None
        if first < len(visit_dates) and (closes_on is None or visit_dates[first] < closes_on):
            visited_on = visit_dates[first]
        if visited_on is not None:
            state = State.DONE
        elif today < opens_on:
            state = State.UPCOMING
        elif closes_on is not None and today >= closes_on:
            state = State.MISSED
        elif due_on < today:
            state = State.OVERDUE
        else:
            state = State.DUE
        visits.append(Visit(index + 1, number_months, due_on, state, visited_on))
    return visits


def visits_for(households, *, today=None, fields=()):
    """``{household pk: HouseholdVisits}`` for the trained households of ``households`` (a
    queryset, already scoped) that have a training date. ``fields``: more ``values()`` names
    kept in each ``row`` (for display). Three queries whatever the number of households."""
    today = today or timezone.localdate()
    rows = list(
        households.filter(status__in=Household.TRAINED_OR_BEYOND)
        .with_training_end()
        .filter(training_end__isnull=False)
        .order_by()
        .values("pk", "fiscal_year", "training_end", *fields)
    )
    if not rows:
        return {}
    dates = defaultdict(list)
    for household_id, visited_on in (
        FollowUp.objects.filter(
            household__in=households.filter(status__in=Household.TRAINED_OR_BEYOND).values("pk")
        )
        .order_by("visited_on")
        .values_list("household_id", "visited_on")
    ):
        dates[household_id].append(visited_on)
    years = parameters.for_years({row["fiscal_year"] for row in rows})
    result = {}
    for row in rows:
        visit_dates = dates.get(row["pk"], [])
        result[row["pk"]] = HouseholdVisits(
            household_id=row["pk"],
            fiscal_year=row["fiscal_year"],
            training_end=row["training_end"],
            visits=schedule_visits(
                training_end=row["training_end"],
                months=list(years[row["fiscal_year"]].followup_months),
                visit_dates=visit_dates,
                today=today,
            ),
            visit_count=len(visit_dates),
            row=row,
        )
    return result


# ---- the same rule in SQL ---------------------------------------------------------------------


def without_jit():
    """The schedule's queries in SQL, run inside: PostgreSQL's JIT compiler, set off by the large
    estimated cost of the per-household ``CASE`` (its correlated ``EXISTS``), spent seconds
    compiling it (2.8 s against 0.4 s without, 73,000 households): ``sammachip.postgres``."""
    from sammachip.postgres import without_jit

    return without_jit()


class AddMonths(Func):
    """``expression`` (a date) ``months`` calendar months later, on the same day or the month's
    last (``thaidate.add_months``), less ``minus_days`` days: SQLite and PostgreSQL."""

    output_field = DateField()

    def __init__(self, expression, months, minus_days=0):
        self.months, self.minus_days = int(months), int(minus_days)
        super().__init__(expression, output_field=DateField())

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError("AddMonths: SQLite and PostgreSQL only")

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        months = self.months
        # date(x, '+1 months') rolls 31 Jan over into March: the month's last day caps it.
        moved = (
            f"min(date({sql}, '+{months} months'), "
            f"date({sql}, 'start of month', '+{months + 1} months', '-1 day'))"
        )
        return f"date({moved}, '-{self.minus_days} days')", [*params, *params]

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        # date + interval is a timestamp (on the month's last day when the day is missing).
        return (
            f"((({sql})::date + make_interval(months => {self.months}))::date - {self.minus_days})",
            params,
        )


def latest_training_end(months, bound):
    """The latest training date ``d`` with ``add_months(d, months) <= bound``: comparing the
    household's training date with it is comparing its due date with ``bound`` (``add_months``
    never goes back as the date goes forward), with no date arithmetic per row."""
    day = thaidate.add_months(bound, -months)
    while thaidate.add_months(day + datetime.timedelta(days=1), months) <= bound:
        day += datetime.timedelta(days=1)
    while thaidate.add_months(day, months) > bound:
        day -= datetime.timedelta(days=1)
    return day


def _year_current(months, today, *, what):
    """For one year's ``months``, the current visit's ``what`` (``state``, ``due`` or ``number``)
    as an expression over the household (``training_end`` annotated). Which visit is current
    and whether it is overdue are comparisons of the training date with dates computed here
    (``latest_training_end``); only the follow-up's window is date arithmetic in SQL."""
    end = F("training_end")
    week = datetime.timedelta(days=TOLERANCE_DAYS)
    whens = []
    for index in reversed(range(len(months))):
        # Its window is open: due date − 7 days <= today.
        opened = LessThanOrEqual(end, Value(latest_training_end(months[index], today + week)))
        if what == "due":
            then = AddMonths(end, months[index])
        elif what == "number":
            then = Value(index + 1)
        else:
            outer_end = OuterRef("training_end")  # inside the follow-ups' subquery
            window = {
                "household": OuterRef("pk"),
                "visited_on__gte": AddMonths(outer_end, months[index], TOLERANCE_DAYS),
            }
            if index + 1 < len(months):
                window["visited_on__lt"] = AddMonths(outer_end, months[index + 1], TOLERANCE_DAYS)
            # Due before today: due date <= yesterday.
            overdue = LessThanOrEqual(
                end,
                Value(latest_training_end(months[index], today - datetime.timedelta(days=1))),
            )
            then = Case(
                When(Exists(FollowUp.objects.filter(**window)), then=Value(State.DONE)),
                When(overdue, then=Value(State.OVERDUE)),
                default=Value(State.DUE),
            )
        whens.append(When(opened, then=then))
    default = {"state": Value(State.UPCOMING), "due": Value(None, output_field=DateField())}
    return Case(*whens, default=default.get(what, Value(None, output_field=IntegerField())))


def annotate_current(households, *, today):
    """``households`` (followed: ``followed_households``) with their training date
    (``training_end``, the stored ``Household.training_ended_on``) and their
    current visit in SQL: ``followup_state`` (``State`` value: ``due``, ``overdue``, ``done``
    when its follow-up is recorded, ``upcoming`` before the first window, ``None`` without a
    training date), ``followup_due`` (its due date) and ``followup_visit`` (its number)."""
    current = thaidate.fiscal_year(today)
    first_year = _first_followed_year(today)
    years = parameters.for_years(range(first_year, current + 2))
    annotations = {}
    for what, name in (("state", "followup_state"), ("due", "followup_due")):
        annotations[name] = Case(
            *[
                When(
                    fiscal_year=year,
                    then=_year_current(list(row.followup_months), today, what=what),
                )
                for year, row in sorted(years.items())
                if row.followup_months
            ],
            default=Value(None, output_field=DateField() if what == "due" else None),
        )
    annotations["followup_visit"] = Case(
        *[
            When(
                fiscal_year=year,
                then=_year_current(list(row.followup_months), today, what="number"),
            )
            for year, row in sorted(years.items())
            if row.followup_months
        ],
        default=Value(None, output_field=IntegerField()),
    )
    return _with_training_date(households).annotate(**annotations)


def never_visited(households):
    """``households`` (followed) trained, with a training date, and no follow-up at all."""
    return _with_training_date(households).filter(
        ~Exists(FollowUp.objects.filter(household=OuterRef("pk")))
    )


def _with_training_date(households):
    # The stored column (``Household.training_ended_on``, kept with the stage): no per-row
    # subquery, however often the expressions refer to it.
    return households.filter(training_ended_on__isnull=False).annotate(
        training_end=F("training_ended_on")
    )


def households_in(households, choice, *, today=None):
    """The households of ``households`` followed up today whose visit is ``due`` this week,
    ``overdue``, or which were trained and ``never`` visited (``FILTER_CHOICES``): a filter by
    subquery, computed by the database."""
    today = today or timezone.localdate()
    followed = followed_households(Household.objects.all(), today=today)
    if choice == NEVER:
        chosen = never_visited(followed)
    else:
        chosen = annotate_current(followed, today=today).filter(followup_state=choice)
    return households.filter(pk__in=chosen.order_by().values("pk"))
