"""The completeness of the districts' yearly reports (issue 16), for provincial staff: per
district of the province, the report's state, the date of its last step, the share of villages
with complete records, and the days overdue since the year's deadline
(``ProgrammeYear.report_deadline``). Six queries (five once the year's parameters are cached),
whatever the number of districts.

A village *takes part* in a year when it has households or a trainer team of that year. It is
*complete* when every household of the year has ``income_before`` **and** the village has a
trainer team of the year with at least one training session. A district is *overdue* when it
takes part (a village taking part, or a report row) and its report is not sent (open or
returned) after the deadline day.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, Q
from django.utils import timezone

from programs import parameters
from programs.models import DistrictReport, DistrictReportEvent, Household, TrainerTeam
from villages.models import District

NOT_SENT = (DistrictReport.Status.OPEN, DistrictReport.Status.RETURNED)


@dataclass
class DistrictRow:
    district: District
    status: str
    status_label: str
    last_step_at: object  # datetime or None
    villages: int  # villages taking part
    complete: int  # of them, complete
    days_overdue: int  # 0 unless taking part, not sent and past the deadline

    @property
    def complete_share(self):
        return Decimal(self.complete) / Decimal(self.villages) if self.villages else None


def district_rows(fiscal_year, *, today=None):
    """``(rows, deadline)`` for ``fiscal_year`` (BE): one ``DistrictRow`` per district of the
    province: those taking part first (the most overdue first), then by code; ``deadline`` is
    the year's report deadline or None."""
    today = today or timezone.localdate()
    deadline = parameters.for_year(fiscal_year).report_deadline
    districts = list(District.objects.in_province().order_by("code"))
    reports = {r.district_id: r for r in DistrictReport.objects.filter(fiscal_year=fiscal_year)}
    last_steps = dict(
        DistrictReportEvent.objects.filter(report__fiscal_year=fiscal_year)
        .order_by()
        .values("report__district_id")
        .annotate(last=Max("created_at"))
        .values_list("report__district_id", "last")
    )
    villages = {}  # (district, village) -> [households complete?, team with a session?]
    for row in (
        Household.objects.filter(fiscal_year=fiscal_year)
        .order_by()
        .values("district_id", "village_id")
        .annotate(missing=Count("id", filter=Q(income_before__isnull=True)))
    ):
        villages[(row["district_id"], row["village_id"])] = [row["missing"] == 0, False]
    for row in (
        TrainerTeam.objects.filter(fiscal_year=fiscal_year)
        .order_by()
        .values("district_id", "village_id")
        .annotate(sessions=Count("sessions"))
    ):
        state = villages.setdefault((row["district_id"], row["village_id"]), [True, False])
        state[1] = state[1] or row["sessions"] > 0
    taking_part = {}
    complete = {}
    for (district_id, _village), (incomes, trained) in villages.items():
        taking_part[district_id] = taking_part.get(district_id, 0) + 1
        complete[district_id] = complete.get(district_id, 0) + (incomes and trained)
    rows = []
    for district in districts:
        report = reports.get(district.pk)
        status = report.status if report else DistrictReport.Status.OPEN
        overdue = 0
        takes_part = report is not None or taking_part.get(district.pk, 0) > 0
        if takes_part and deadline and status in NOT_SENT and today > deadline:
            overdue = (today - deadline).days
        rows.append(
            DistrictRow(
                district=district,
                status=status,
                status_label=DistrictReport.Status(status).label,
                last_step_at=last_steps.get(district.pk),
                villages=taking_part.get(district.pk, 0),
                complete=complete.get(district.pk, 0),
                days_overdue=overdue,
            )
        )
    # The districts taking part first (overdue ones at the top), then the others, by code.
    rows.sort(key=lambda row: (not (row.villages or row.district.pk in reports), -row.days_overdue))
    return rows, deadline
