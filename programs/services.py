"""Cross-model work of the programme: status changes, KPIs, village progress."""

from decimal import Decimal

from django.db import transaction
from django.db.models import Avg, Count, Exists, OuterRef, Q

from programs.models import FollowUp, Household, Product, TrainerTeam
from villages.models import District

TARGET_PRACTISING = Decimal("0.85")
TARGET_INCOME_CHANGE = Decimal("0.03")
TARGET_GROUPS = Decimal("0.10")


@transaction.atomic
def households_set_status(*, households, status):
    """Move the given households to ``status``, row by row so the audit log records each.

    Only the household rows are locked (``of=("self",)``, no ``select_related``): the admin
    passes its changelist queryset, whose outer joins (a household's occupation may be empty)
    PostgreSQL refuses to lock."""
    changed = 0
    locked = households.select_related(None).select_for_update(of=("self",))
    for household in locked.exclude(status=status):
        household.status = status
        household.save(update_fields=["status", "updated_at"])
        changed += 1
    return changed


def _ratio(numerator, denominator):
    if not denominator:
        return None
    return Decimal(numerator) / Decimal(denominator)


def district_kpis(*, fiscal_year, districts=None):
    """The department's three KPIs per district for one fiscal year (BE).

    * share practising = households ``practising`` + ``grouped`` / households trained or beyond
      (``trained``, ``practising``, ``grouped``); target ≥ 85 %;
    * income change = (mean ``income_after`` − mean ``income_before``) / mean ``income_before``
      over households with both recorded and ``income_before`` > 0; target ≥ +3 %;
    * groups = villages with ≥ 1 household in an occupational group / target villages (villages
      with households listed that year); target ≥ 10 %.

    Returns a list of dicts, one per district that has households that year, in code order.
    A ratio is ``None`` when its denominator is zero. Three queries whatever the data size.
    """
    households = Household.objects.filter(fiscal_year=fiscal_year)
    if districts is not None:
        households = households.filter(district__in=districts)

    counts = households.values("district_id").annotate(
        total=Count("id"),
        trained=Count("id", filter=Q(status__in=Household.TRAINED_OR_BEYOND)),
        practising=Count("id", filter=Q(status__in=Household.PRACTISING_STATUSES)),
        dropped=Count("id", filter=Q(status=Household.Status.DROPPED)),
        villages=Count("village", distinct=True),
        grouped_villages=Count("village", filter=Q(group__isnull=False), distinct=True),
    )
    incomes = {
        row["district_id"]: row
        for row in households.filter(income_before__gt=0, income_after__isnull=False)
        .values("district_id")
        .annotate(before=Avg("income_before"), after=Avg("income_after"), with_income=Count("id"))
    }
    names = dict(
        District.objects.filter(code__in=[r["district_id"] for r in counts]).values_list(
            "code", "name_th"
        )
    )
    result = []
    for row in sorted(counts, key=lambda r: r["district_id"]):
        income = incomes.get(row["district_id"])
        income_change = None
        if income and income["before"]:
            income_change = (Decimal(income["after"]) - Decimal(income["before"])) / Decimal(
                income["before"]
            )
        practising_share = _ratio(row["practising"], row["trained"])
        group_share = _ratio(row["grouped_villages"], row["villages"])
        result.append(
            {
                "district_code": row["district_id"],
                "district_name": names.get(row["district_id"], row["district_id"]),
                "households": row["total"],
                "trained": row["trained"],
                "practising": row["practising"],
                "dropped": row["dropped"],
                "villages": row["villages"],
                "grouped_villages": row["grouped_villages"],
                "households_with_income": income["with_income"] if income else 0,
                "mean_income_before": Decimal(income["before"]) if income else None,
                "mean_income_after": Decimal(income["after"]) if income else None,
                "practising_share": practising_share,
                "income_change": income_change,
                "group_share": group_share,
                "practising_met": practising_share is not None
                and practising_share >= TARGET_PRACTISING,
                "income_met": income_change is not None and income_change >= TARGET_INCOME_CHANGE,
                "groups_met": group_share is not None and group_share >= TARGET_GROUPS,
            }
        )
    return result


def village_progress(*, fiscal_year, villages):
    """Per village, the stages of the programme for one fiscal year, derived from the data.

    Stages follow the legacy post's objectives: sage chosen → team formed (the sage + 4) →
    households selected → trained → followed up → practising share → group formed → OTOP product.
    A fixed number of queries for any number of villages.
    """
    teams = {
        team.village_id: team
        for team in TrainerTeam.objects.filter(fiscal_year=fiscal_year, village__in=villages)
        .select_related("sage", "occupation")
        .annotate(member_count=Count("members"))
    }
    household_rows = {
        row["village_id"]: row
        for row in Household.objects.filter(fiscal_year=fiscal_year, village__in=villages)
        .values("village_id")
        .annotate(
            total=Count("id"),
            trained=Count("id", filter=Q(status__in=Household.TRAINED_OR_BEYOND)),
            practising=Count("id", filter=Q(status__in=Household.PRACTISING_STATUSES)),
            grouped=Count("id", filter=Q(group__isnull=False)),
            followed=Count(
                "id", filter=Q(Exists(FollowUp.objects.filter(household=OuterRef("pk"))))
            ),
        )
    }
    with_product = set(
        Product.objects.filter(village__in=villages).values_list("village_id", flat=True)
    )
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
                "practising_share": _ratio(row.get("practising", 0), trained),
                "group_formed": row.get("grouped", 0) > 0,
                "otop_product": village.pk in with_product,
            }
        )
    return progress


def household_list_export(
    *, queryset, target, file_format, full_ids, user=None, filters="", source, remote_addr=None
):
    """Write a household list to ``target`` (binary file) and record the export.

    The one path for every export (admin, command): columns from ``HouseholdResource``, rows
    from ``queryset`` (already scoped and filtered by the caller), IDs masked unless
    ``full_ids``. Returns the number of rows. Raises ``spreadsheets.TooManyRows``.
    """
    from programs import spreadsheets
    from programs.models import ExportLog
    from programs.resources import HouseholdResource

    resource = HouseholdResource(user=user, full_ids=full_ids)
    if file_format == "csv":
        rows = spreadsheets.write_csv_bytes(target, queryset, resource)
    else:
        rows = spreadsheets.write_xlsx(target, queryset, resource)
    if user is None or user.sees_all_districts:
        districts = "ทุกอำเภอ"
    else:
        districts = ", ".join(sorted(user.district_codes))
    ExportLog.objects.create(
        user=user,
        source=source,
        file_format=file_format,
        filters=filters,
        districts=districts,
        row_count=rows,
        full_ids=full_ids,
        remote_addr=remote_addr,
    )
    return rows
