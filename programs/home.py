"""The programme's panel on the officer's admin home (``sammachip.admin_site.register_home_panel``,
wired in ``ProgramsConfig.ready``): for the user's districts, the visits due this week, the
overdue ones by village, households trained and never visited (``programs.schedule``), this
fiscal year's teams without a training session and villages without a sage. Each list links to
the changelist filtered to exactly its rows. A fixed number of queries whatever the data size,
the schedule computed, counted and limited by the database (no household list read in Python)."""

import datetime
from collections import defaultdict
from urllib.parse import urlencode

from django.db.models import Count, Exists, Min, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from programs import parameters, schedule
from programs.models import Household, Sage, TrainerTeam, TrainingSession
from sammachip import thaidate
from villages.models import Village

LIST_LIMIT = 10  # rows shown per list; the link leads to all of them

HOUSEHOLD_FIELDS = (
    "prefix",
    "first_name",
    "last_name",
    "house_no",
    "village_id",
    "village__name_th",
    "village__moo",
    "district_id",
    "district__name_th",
)


def _url(name, **query):
    url = reverse(f"admin:{name}")
    return f"{url}?{urlencode(query)}" if query else url


def _household_row(row):
    number = row.get("followup_visit")
    months = None
    if number:  # the year's schedule (cached parameters): the visit's months after the training
        schedule_months = parameters.for_year(row["fiscal_year"]).followup_months
        months = schedule_months[number - 1] if number <= len(schedule_months) else None
    return {
        "name": f"{row['prefix']}{row['first_name']} {row['last_name']}".strip(),
        "house_no": row["house_no"],
        "village": f"{row['village__name_th']} ม.{row['village__moo']}",
        "training_end": row["training_end"],
        "visit": {"number": number, "months": months, "due_on": row.get("followup_due")},
        "url": reverse("admin:programs_household_change", args=[row["pk"]]),
    }


def teams_without_session(user, *, fiscal_year):
    """This fiscal year's teams (of the user's districts) with no training session recorded."""
    return (
        TrainerTeam.objects.for_user(user)
        .filter(fiscal_year=fiscal_year)
        .filter(~Exists(TrainingSession.objects.filter(team=OuterRef("pk"))))
        .order_by("village__code")
    )


def villages_without_sage(user, *, fiscal_year):
    """Villages (of the user's districts) with households or a team this fiscal year and no
    sage recorded in the village."""
    return (
        Village.objects.for_user(user)
        .filter(
            Q(Exists(Household.objects.filter(village=OuterRef("pk"), fiscal_year=fiscal_year)))
            | Q(Exists(TrainerTeam.objects.filter(village=OuterRef("pk"), fiscal_year=fiscal_year)))
        )
        .filter(~Exists(Sage.objects.filter(village=OuterRef("pk"))))
        .order_by("code")
    )


def home_lists(user, *, today=None):
    """The panel's lists for ``user`` (scoped): a dict the template reads. The schedule is
    computed and counted by the database (``schedule.annotate_current``): only the counts per
    district and the first ``LIST_LIMIT`` rows of each list are read."""
    today = today or timezone.localdate()
    fiscal_year = thaidate.fiscal_year(today)
    followed = schedule.followed_households(Household.objects.for_user(user), today=today)
    current = schedule.annotate_current(followed, today=today).order_by()
    never_visited = schedule.never_visited(followed).order_by()
    listed = (schedule.State.DUE, schedule.State.OVERDUE)

    districts = defaultdict(lambda: defaultdict(int))
    district_names = {}
    # One pass over the year's followed households, grouped by village and state: the counts
    # per district, the overdue villages and their number all come from it (three scans were
    # a second of the province's home at 1.5 million households, bench/kpis.py).
    overdue_by_village = []
    for row in (
        current.filter(followup_state__in=listed)
        .values(
            "village_id",
            "village__name_th",
            "village__moo",
            "district_id",
            "district__name_th",
            "followup_state",
        )
        .annotate(n=Count("pk"), oldest=Min("followup_due"))
    ):
        district_names[row["district_id"]] = row["district__name_th"]
        districts[row["district_id"]][row["followup_state"]] += row["n"]
        if row["followup_state"] == schedule.State.OVERDUE:
            overdue_by_village.append(row)
    overdue_by_village.sort(
        key=lambda v: (-v["n"], v["oldest"], v["village__name_th"], v["village__moo"])
    )
    for row in never_visited.values("district_id", "district__name_th").annotate(n=Count("pk")):
        district_names[row["district_id"]] = row["district__name_th"]
        districts[row["district_id"]]["never"] += row["n"]

    fields = ("pk", "fiscal_year", *HOUSEHOLD_FIELDS, "training_end")
    due = list(
        current.filter(followup_state=schedule.State.DUE)
        .order_by("followup_due", "village_id", "pk")
        .values(*fields, "followup_due", "followup_visit")[:LIST_LIMIT]
    )
    never = list(
        never_visited.order_by("training_end", "village_id", "pk").values(*fields)[:LIST_LIMIT]
    )
    overdue_villages = [
        {
            "name": f"{v['village__name_th']} ม.{v['village__moo']}",
            "district": v["district__name_th"],
            "count": v["n"],
            "oldest": v["oldest"],
            "url": _url(
                "programs_household_changelist",
                followup=schedule.State.OVERDUE,
                village__id__exact=v["village_id"],
            ),
        }
        for v in overdue_by_village[:LIST_LIMIT]
    ]
    overdue_village_count = len(overdue_by_village)
    due_count = sum(d[schedule.State.DUE] for d in districts.values())
    overdue_count = sum(d[schedule.State.OVERDUE] for d in districts.values())
    never_count = sum(d["never"] for d in districts.values())

    teams = list(
        teams_without_session(user, fiscal_year=fiscal_year).values(
            "pk", "village__name_th", "village__moo", "district_id", "district__name_th"
        )
    )
    villages = list(
        villages_without_sage(user, fiscal_year=fiscal_year).values(
            "pk", "name_th", "moo", "district_id", "district__name_th"
        )
    )
    for team in teams:
        district_names[team["district_id"]] = team["district__name_th"]
        districts[team["district_id"]]["teams"] += 1
    for village in villages:
        district_names[village["district_id"]] = village["district__name_th"]
        districts[village["district_id"]]["villages"] += 1

    def village_list_url(rows):
        return _url("villages_village_changelist", id__in=",".join(str(r["pk"]) for r in rows))

    summary = []
    if user.sees_all_districts or len(user.district_codes) > 1:
        for code in sorted(districts):
            counts = districts[code]
            of_district = {"district__code__exact": code}
            summary.append(
                {
                    "name": district_names[code],
                    "due": counts[schedule.State.DUE],
                    "overdue": counts[schedule.State.OVERDUE],
                    "never": counts["never"],
                    "teams": counts["teams"],
                    "villages": counts["villages"],
                    "due_url": _url("programs_household_changelist", followup="due", **of_district),
                    "overdue_url": _url(
                        "programs_household_changelist", followup="overdue", **of_district
                    ),
                    "never_url": _url(
                        "programs_household_changelist", followup="never", **of_district
                    ),
                    "teams_url": _url(
                        "programs_trainerteam_changelist",
                        has_session="no",
                        fiscal_year=fiscal_year,
                        **of_district,
                    ),
                    "villages_url": village_list_url(
                        [v for v in villages if v["district_id"] == code]
                    ),
                }
            )

    return {
        "today": today,
        "fiscal_year": fiscal_year,
        "week_end": today + datetime.timedelta(days=schedule.DUE_SOON_DAYS),
        "due": {
            "count": due_count,
            "rows": [_household_row(row) for row in due],
            "url": _url("programs_household_changelist", followup=schedule.State.DUE),
        },
        "overdue": {
            "count": overdue_count,
            "villages": overdue_villages,
            "village_count": overdue_village_count,
            "url": _url("programs_household_changelist", followup=schedule.State.OVERDUE),
        },
        "never": {
            "count": never_count,
            "rows": [_household_row(row) for row in never],
            "url": _url("programs_household_changelist", followup=schedule.NEVER),
        },
        "teams": {
            "count": len(teams),
            "rows": [
                {
                    "name": f"{t['village__name_th']} ม.{t['village__moo']}",
                    "district": t["district__name_th"],
                    "url": reverse("admin:programs_trainerteam_change", args=[t["pk"]]),
                }
                for t in teams[:LIST_LIMIT]
            ],
            "url": _url(
                "programs_trainerteam_changelist", has_session="no", fiscal_year=fiscal_year
            ),
        },
        "villages": {
            "count": len(villages),
            "rows": [
                {
                    "name": f"{v['name_th']} ม.{v['moo']}",
                    "district": v["district__name_th"],
                    "add_sage_url": _url("programs_sage_add", village=v["pk"]),
                }
                for v in villages[:LIST_LIMIT]
            ],
            "url": village_list_url(villages),
        },
        "summary": summary,
    }


def home_panel(request):
    """The panel's HTML for the admin home, or '' for a user who cannot see households or has
    no district to see them in."""
    user = request.user
    if not user.has_perm("programs.view_household"):
        return ""
    if not (user.sees_all_districts or user.district_codes):
        return ""
    with schedule.without_jit():
        lists = home_lists(user)
    return render_to_string("admin/programs/home_panel.html", {"lists": lists}, request=request)
