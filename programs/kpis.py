"""The department's KPIs, as it reports them (DESIGN.md, "KPIs per district and fiscal year").

* **KPI 1, share practising** = households ``practising`` + ``grouped`` / households *ever trained*
  that year: trained or beyond, and those dropped after attending a training session (a household
  dropped before any session was never trained);
* **KPI 2, income change** over the **practising** households (``practising``, ``grouped``) with
  both incomes recorded and ``income_before`` > 0, reported two ways: the mean form
  ((mean ``income_after`` − mean ``income_before``) / mean ``income_before``) and the village
  form (the number and share of villages whose practising households' mean rose by at least the
  target). ``income_after`` is the latest follow-up's income in the year's evaluation window
  unless an officer typed it (``Household.income_after_source``, kept by
  ``household_income_refresh``);
* **KPI 3, groups** = target villages (those with a trainer team that fiscal year) where at least
  one of the year's households is in an occupational group / target villages.

Targets are the year's parameters (``programs.parameters.for_year``: per cent), compared here as
fractions. A ratio whose denominator is zero is ``None`` (shown "—"), never a division by zero.
Everything is computed live from the tables, in a fixed number of queries whatever the data size.
"""

from collections import Counter
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils.translation import gettext as _

from programs import parameters
from programs.models import (
    FollowUp,
    Household,
    Occupation,
    OccupationType,
    Product,
    TrainerTeam,
    TrainingSession,
)

HUNDRED = Decimal(100)
# Today's targets as fractions (the defaults of ``ProgrammeYear``): the public pages measure
# against these.
TARGET_PRACTISING = Decimal("0.85")
TARGET_INCOME_CHANGE = Decimal("0.03")
TARGET_GROUPS = Decimal("0.10")

# What the drill-down of the KPI page (``?kpi=``, ``programs.admin.households.KpiFilter``) and
# the aggregates share: each KPI's households as one condition on the household table.
# Dropped after a session: one uncorrelated subquery over the dropped households' attendance
# (hashed once by PostgreSQL, so the big aggregates stay parallel), not a probe per row.
DROPPED_ATTENDED = TrainingSession.attendees.through.objects.filter(
    household__status=Household.Status.DROPPED
).values("household_id")
EVER_TRAINED = Q(status__in=Household.TRAINED_OR_BEYOND) | Q(
    status=Household.Status.DROPPED, pk__in=DROPPED_ATTENDED
)
PRACTISING = Q(status__in=Household.PRACTISING_STATUSES)
WITH_INCOME = PRACTISING & Q(income_before__gt=0, income_after__isnull=False)
GROUPED = Q(group__isnull=False)
DRILL_DOWN = {
    "trained": EVER_TRAINED,
    "practising": PRACTISING,
    "income": WITH_INCOME,
    "grouped": GROUPED,
}


def ratio(numerator, denominator):
    """``numerator / denominator`` as a Decimal, ``None`` when the denominator is zero or None."""
    if not denominator or numerator is None:
        return None
    return Decimal(numerator) / Decimal(denominator)


def targets(year):
    """The year's targets (a ``ProgrammeYear``) as fractions."""
    return {
        "practising": Decimal(year.target_practising) / HUNDRED,
        "income": Decimal(year.target_income_change) / HUNDRED,
        "groups": Decimal(year.target_groups) / HUNDRED,
    }


def _measures(*only):
    """The aggregates every KPI is made from, for ``.values(...).annotate(**_measures())``;
    ``only`` names a subset (fewer expressions a row when the table is large)."""
    measures = {
        "total": Count("id"),
        "trained": Count("id", filter=EVER_TRAINED),
        "practising": Count("id", filter=PRACTISING),
        "dropped": Count("id", filter=Q(status=Household.Status.DROPPED)),
        "with_income": Count("id", filter=WITH_INCOME),
        "sum_before": Sum("income_before", filter=WITH_INCOME),
        "sum_after": Sum("income_after", filter=WITH_INCOME),
        "grouped": Count("id", filter=GROUPED),
    }
    return {name: measures[name] for name in only} if only else measures


def _add(into, row):
    for key in ("total", "trained", "practising", "dropped", "with_income", "grouped"):
        into[key] = into.get(key, 0) + (row.get(key) or 0)
    for key in ("sum_before", "sum_after"):
        into[key] = into.get(key, Decimal(0)) + Decimal(row.get(key) or 0)
    return into


def _income_change(row):
    """(mean after − mean before) / mean before over the same households: the ratio of sums."""
    if not row.get("with_income") or not row.get("sum_before"):
        return None
    return (Decimal(row["sum_after"]) - Decimal(row["sum_before"])) / Decimal(row["sum_before"])


def _figures(row, goal):
    """KPI 1 and the mean form of KPI 2 from summed measures."""
    n = row.get("with_income", 0)
    share = ratio(row.get("practising", 0), row.get("trained", 0))
    change = _income_change(row)
    return {
        "households": row.get("total", 0),
        "trained": row.get("trained", 0),
        "practising": row.get("practising", 0),
        "dropped": row.get("dropped", 0),
        "households_with_income": n,
        "mean_income_before": Decimal(row["sum_before"]) / n if n else None,
        "mean_income_after": Decimal(row["sum_after"]) / n if n else None,
        "practising_share": share,
        "income_change": change,
        "practising_met": share is not None and share >= goal["practising"],
        "income_met": change is not None and change >= goal["income"],
    }


def district_kpis(*, fiscal_year, districts=None, year=None, names=None):
    """The department's three KPIs per district for one fiscal year (BE), both forms of KPI 2.

    One dict per district with households that year, in code order; besides the figures of
    ``_figures``: ``villages`` (target villages: with a team that year), ``grouped_villages``
    (of those, with a household of the year in a group), ``group_share``, ``groups_met``,
    ``listed_villages`` (villages with households), ``income_villages`` (villages with practising
    households with both incomes), ``income_villages_rose`` (of those, whose mean rose by at
    least the target), ``income_villages_share``, ``targets`` (fractions) and ``sums`` (the
    measures ``kpi_totals`` adds up). Four queries: the year's parameters (none when ``year``,
    its ``ProgrammeYear``, is given), one aggregate of the year's households per village (an
    index-only scan of ``household_kpi_year_idx``, already in district and village order), the
    target villages, and the districts' names (none when ``names``, ``{code: name}``, is given).
    """
    goal = targets(year if year is not None else parameters.for_year(fiscal_year))
    households = Household.objects.filter(fiscal_year=fiscal_year)
    teams = TrainerTeam.objects.filter(fiscal_year=fiscal_year)
    if districts is not None:
        households = households.filter(district__in=districts)
        teams = teams.filter(district__in=districts)
    per_village = households.values("district_id", "village_id").annotate(**_measures()).order_by()
    team_villages = {}
    for district_id, village_id in teams.values_list("district_id", "village_id").distinct():
        team_villages.setdefault(district_id, set()).add(village_id)

    districts_seen = {}
    for row in per_village:
        district = districts_seen.setdefault(row["district_id"], {"sums": {}, "villages": []})
        _add(district["sums"], row)
        district["villages"].append(row)
    if names is None and districts_seen:
        from villages.models import District

        names = dict(
            District.objects.filter(code__in=list(districts_seen)).values_list("code", "name_th")
        )

    result = []
    for code in sorted(districts_seen):
        district = districts_seen[code]
        target_villages = team_villages.get(code, set())
        grouped = {r["village_id"] for r in district["villages"] if r["grouped"]}
        grouped_villages = len(grouped & target_villages)
        village_changes = [_income_change(r) for r in district["villages"]]
        measured = [change for change in village_changes if change is not None]
        rose = sum(1 for change in measured if change >= goal["income"])
        group_share = ratio(grouped_villages, len(target_villages))
        result.append(
            {
                "district_code": code,
                "district_name": names.get(code, code),
                **_figures(district["sums"], goal),
                "listed_villages": len(district["villages"]),
                "villages": len(target_villages),
                "grouped_villages": grouped_villages,
                "group_share": group_share,
                "groups_met": group_share is not None and group_share >= goal["groups"],
                "income_villages": len(measured),
                "income_villages_rose": rose,
                "income_villages_share": ratio(rose, len(measured)),
                "targets": goal,
                "sums": district["sums"],
            }
        )
    return result


def kpi_totals(rows):
    """The province (or the user's districts) from ``district_kpis`` rows: the sums, and the
    ratios made from them (no query)."""
    if not rows:
        return None
    goal = rows[0]["targets"]
    sums = {}
    for row in rows:
        _add(sums, row["sums"])
    villages = sum(r["villages"] for r in rows)
    grouped = sum(r["grouped_villages"] for r in rows)
    measured = sum(r["income_villages"] for r in rows)
    rose = sum(r["income_villages_rose"] for r in rows)
    group_share = ratio(grouped, villages)
    return {
        **_figures(sums, goal),
        "sums": sums,
        "listed_villages": sum(r["listed_villages"] for r in rows),
        "villages": villages,
        "grouped_villages": grouped,
        "group_share": group_share,
        "groups_met": group_share is not None and group_share >= goal["groups"],
        "income_villages": measured,
        "income_villages_rose": rose,
        "income_villages_share": ratio(rose, measured),
        "targets": goal,
    }


def _breakdown_rows(rows, labels, goal):
    result = []
    for value, label in labels:
        row = rows.get(value)
        if row is None:
            continue
        result.append({"key": value, "label": label, **_figures(row, goal), "sums": row})
    return result


def breakdown_labels():
    """The rows ``kpi_breakdown`` may return, in its order: ``{"occupation_types": [(type pk,
    name), ..., (None, "ไม่ระบุประเภท")], "target_groups": [(value, label), ..., ("",
    "ไม่ระบุกลุ่มเป้าหมาย")]}``. One query (the types)."""
    return {
        "occupation_types": [
            *OccupationType.objects.values_list("pk", "name"),
            (None, _("ไม่ระบุประเภท")),
        ],
        "target_groups": [*Household.TargetGroup.choices, ("", _("ไม่ระบุกลุ่มเป้าหมาย"))],
    }


def kpi_breakdown(*, fiscal_year, households, year=None):
    """KPI 1 and KPI 2 (mean form) of the year's ``households`` (a scoped queryset) by occupation
    type and by target group, with the number of occupational groups of each occupation type.
    Returns ``{"occupation_types": [...], "target_groups": [...]}``, each row with ``key`` (the
    changelist filter's value; ``None``: not recorded), ``label``, the figures and ``sums`` (the
    measures they are made from, which ``breakdown_totals`` adds up); an occupation type's row
    also ``groups``. Five queries (the targets, none when ``year`` is given; the types; each
    occupation's type; one scan of the year's households by occupation × target group, from the
    KPI index alone, no join; the groups by type)."""
    goal = targets(year if year is not None else parameters.for_year(fiscal_year))
    households = households.filter(fiscal_year=fiscal_year)
    labels = breakdown_labels()
    type_of = dict(Occupation.objects.values_list("pk", "type_id"))
    by_type, by_group = {}, {}
    for row in (
        households.values("occupation_id", "target_group").annotate(**_measures()).order_by()
    ):
        _add(by_type.setdefault(type_of.get(row["occupation_id"]), {}), row)
        _add(by_group.setdefault(row["target_group"], {}), row)
    # Groups of each type (the group's occupation) with a member household of the year.
    group_counts = {
        row["group__occupation__type"]: row["n"]
        for row in households.filter(GROUPED)
        .values("group__occupation__type")
        .annotate(n=Count("group", distinct=True))
        .order_by()
    }
    for type_key in group_counts.keys() - by_type.keys():
        by_type[type_key] = {"total": 0}  # groups of a type none of the year's households has
    occupation_rows = _breakdown_rows(by_type, labels["occupation_types"], goal)
    for row in occupation_rows:
        row["groups"] = group_counts.get(row["key"], 0)
    return {
        "occupation_types": occupation_rows,
        "target_groups": _breakdown_rows(by_group, labels["target_groups"], goal),
    }


BREAKDOWN_PARTS = ("occupation_types", "target_groups")


def _stored_sums(row):
    """The measures of a breakdown row: its ``sums``, or, for a row stored before they were
    (a snapshot approved earlier), rebuilt from its figures: counts as they are, each income sum
    the mean times the households with both incomes, to the satang (the incomes have two
    decimals). ``grouped`` is not in such a row (no breakdown figure uses it): 0."""
    if row.get("sums"):
        return row["sums"]
    n = row.get("households_with_income") or 0

    def income_sum(mean):
        if not n or mean is None or mean == "":
            return Decimal(0)
        return (Decimal(str(mean)) * n).quantize(Decimal("0.01"))

    return {
        "total": row.get("households") or 0,
        "trained": row.get("trained") or 0,
        "practising": row.get("practising") or 0,
        "dropped": row.get("dropped") or 0,
        "with_income": n,
        "sum_before": income_sum(row.get("mean_income_before")),
        "sum_after": income_sum(row.get("mean_income_after")),
        "grouped": 0,
    }


def breakdown_totals(breakdowns, *, goal, labels):
    """One breakdown from several scopes' (``kpi_breakdown`` results, or as stored in approval
    snapshots: JSON, numbers may be strings), like ``kpi_totals`` for the district rows: per row
    key, the measures added up (``_stored_sums``) and the figures made again from the sums
    against ``goal`` (fractions), never an average of ratios. An occupation type's ``groups``
    are added too: a group's members are households of its own district (the district guards
    of migration 0007 and ``Household.clean``), so no group is counted in two districts. Rows
    in the order of ``labels`` (``breakdown_labels()``), keys it does not know (a type
    deleted since) after them; each row keeps the label first stored. No query."""
    result = {}
    for part in BREAKDOWN_PARTS:
        merged = {}
        for breakdown in breakdowns:
            for row in (breakdown or {}).get(part) or []:
                entry = merged.setdefault(
                    row["key"], {"label": row["label"], "sums": {}, "groups": 0}
                )
                _add(entry["sums"], _stored_sums(row))
                entry["groups"] += row.get("groups") or 0
        known = [key for key, _label in labels[part]]
        order = [key for key in known if key in merged]
        order += [key for key in merged if key not in known]
        rows = []
        for key in order:
            entry = merged[key]
            row = {"key": key, "label": entry["label"], **_figures(entry["sums"], goal)}
            row["sums"] = entry["sums"]
            if part == "occupation_types":
                row["groups"] = entry["groups"]
            rows.append(row)
        result[part] = rows
    return result


TREND_MEASURES = ("trained", "practising", "with_income", "sum_before", "sum_after")


def kpi_trend(*, households, teams, fiscal_years, years=None, known=None):
    """The three KPIs (KPI 2 in its mean form) of the scoped ``households`` and ``teams`` for
    each of ``fiscal_years``, oldest first, each with its year's targets. ``years``: the years'
    ``ProgrammeYear`` rows (``parameters.for_years``) when already read; ``known``: ``{fiscal
    year: kpi_totals(...)}`` of years whose households were already aggregated over the same
    scope (the KPI page's current year): their households are not read again (their target
    villages are, with the others'). Four queries (three when ``years`` is given): the targets,
    one aggregate of the households per year (parallel on PostgreSQL), the villages with a
    household in a group, the teams; none with a ``COUNT(DISTINCT)`` over the households (it
    would sort every row of six years)."""
    all_years = sorted(fiscal_years)
    known = known or {}
    if years is None:
        years = parameters.for_years(all_years)
    goals = {year: targets(years[year]) for year in all_years}
    to_read = [year for year in all_years if year not in known]
    rows = {
        row["fiscal_year"]: row
        for row in households.filter(fiscal_year__in=to_read)
        .values("fiscal_year")
        .annotate(**_measures(*TREND_MEASURES))
        .order_by()
    }
    grouped_villages = set(
        households.filter(GROUPED, fiscal_year__in=to_read)
        .values_list("fiscal_year", "village_id")
        .distinct()
        .order_by()
    )
    team_villages = set(
        teams.filter(fiscal_year__in=all_years).values_list("fiscal_year", "village_id")
    )
    targeted = Counter(year for year, _village in team_villages)
    grouped_targeted = Counter(year for year, _village in grouped_villages & team_villages)
    trend = []
    for year in all_years:
        goal = goals[year]
        villages = targeted[year]
        if year in known:
            # Grouped villages are where the year's households are: the known count is whole.
            row = {name: known[year]["sums"][name] for name in TREND_MEASURES}
            grouped = known[year]["grouped_villages"]
        else:
            row, grouped = rows.get(year, {}), grouped_targeted[year]
        group_share = ratio(grouped, villages)
        trend.append(
            {
                "fiscal_year": year,
                **_figures(row, goal),
                "villages": villages,
                "grouped_villages": grouped,
                "group_share": group_share,
                "groups_met": group_share is not None and group_share >= goal["groups"],
                "targets": goal,
            }
        )
    return trend


def village_progress(*, fiscal_year, villages, with_kpis=False, year=None):
    """Per village, the stages of the programme for one fiscal year, derived from the data.

    Stages follow the legacy post's objectives: sage chosen → team formed (the sage + 4) →
    households selected → trained → followed up → practising share → group formed → OTOP product.
    A fixed number of queries for any number of villages: three (the teams, the households'
    aggregate, the products). (The public district page shows it: its counts are the household
    statuses, as they were.) ``with_kpis`` (the KPI page) adds ``kpi`` to each row: the village's
    KPI 1 and KPI 2 figures (``_figures``, and ``grouped``: its households in a group) from the
    same aggregate, against the year's targets (``year``, its ``ProgrammeYear``; one query more
    when not given).
    """
    teams = {
        team.village_id: team
        for team in TrainerTeam.objects.filter(fiscal_year=fiscal_year, village__in=villages)
        .select_related("sage", "occupation")
        .annotate(member_count=Count("members"))
    }
    kpi_measures = {f"kpi_{name}": measure for name, measure in _measures().items()}
    household_rows = {
        row["village_id"]: row
        for row in Household.objects.filter(
            # The villages' districts too (the same households): a range of the KPI index.
            fiscal_year=fiscal_year,
            district__in={village.district_id for village in villages},
            village__in=villages,
        )
        .values("village_id")
        .annotate(
            total=Count("id"),
            trained=Count("id", filter=Q(status__in=Household.TRAINED_OR_BEYOND)),
            practising=Count("id", filter=Q(status__in=Household.PRACTISING_STATUSES)),
            grouped=Count("id", filter=Q(group__isnull=False)),
            followed=Count(
                "id", filter=Q(Exists(FollowUp.objects.filter(household=OuterRef("pk"))))
            ),
            **(kpi_measures if with_kpis else {}),
        )
        .order_by()
    }
    with_product = set(
        Product.objects.filter(village__in=villages).values_list("village_id", flat=True)
    )
    if with_kpis:
        goal = targets(year if year is not None else parameters.for_year(fiscal_year))
    progress = []
    for village in villages:
        team = teams.get(village.pk)
        row = household_rows.get(village.pk, {})
        trained = row.get("trained", 0)
        progress.append(
            {
                "village": village,
                "team": team,
                "sage_chosen": team is not None,
                "team_formed": team is not None and team.member_count >= 4,
                "team_size": (team.member_count + 1) if team else 0,
                "households": row.get("total", 0),
                "trained": trained,
                "followed_up": row.get("followed", 0),
                "practising_share": ratio(row.get("practising", 0), trained),
                "group_formed": row.get("grouped", 0) > 0,
                "otop_product": village.pk in with_product,
            }
        )
        if with_kpis:
            sums = _add({}, {name: row.get(f"kpi_{name}") for name in _measures()})
            progress[-1]["kpi"] = {**_figures(sums, goal), "grouped": sums["grouped"]}
    return progress


def occupation_types_from_kinds():
    """Give each occupation with no type the type of its older ``kind`` (the names migration
    ``0010_kpi_sources`` made; a missing one is made): for lists loaded with ``kind`` only, such as
    ``fixtures/occupations.json``. Returns how many occupations were linked."""
    names = {
        Occupation.Kind.AGRICULTURE: ("เกษตรกรรม", 1),
        Occupation.Kind.CRAFT: ("หัตถกรรม", 2),
        Occupation.Kind.FOOD: ("อาหารแปรรูป", 3),
        Occupation.Kind.SERVICE: ("ค้าขาย/บริการ", 4),
        Occupation.Kind.OTHER: ("อื่น ๆ", 9),
    }
    linked = 0
    for kind in (
        Occupation.objects.filter(type__isnull=True).values_list("kind", flat=True).distinct()
    ):
        name, order = names.get(kind, names[Occupation.Kind.OTHER])
        occupation_type = OccupationType.objects.get_or_create(
            name=name, defaults={"order": order}
        )[0]
        linked += Occupation.objects.filter(kind=kind, type__isnull=True).update(
            type=occupation_type
        )
    return linked


# ---- where income_after comes from ---------------------------------------------------------


def household_income_refresh(*, households):
    """Set ``income_after`` of the given households (instances, pks or a queryset) from their
    latest follow-up with an income inside the evaluation window of the household's fiscal year
    (up to ``parameters.income_window_end``), source ``followup``; with none, empty; an income
    typed by hand is left alone. The rule lives once, in ``programs.stages`` (which keeps the
    stage and the income in step together): this is its door for a caller that changed only
    the income (the household form's emptied income). Returns how many households changed."""
    from programs.stages import household_stages_refresh

    return household_stages_refresh(households=households, income=True)
