"""The programme's panel on the officer's admin home (``sammachip.admin_site.register_home_panel``,
wired in ``ProgramsConfig.ready``): for the user's districts, the visits due this week, the
overdue ones by village, households trained and never visited (``programs.schedule``), this
fiscal year's teams without a training session and villages without a sage. Each list links to
the changelist filtered to exactly its rows. A fixed number of queries whatever the data size."""

import datetime
from collections import defaultdict
from urllib.parse import urlencode

from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from programs import schedule
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


def _household_row(visits, visit=None):
    row = visits.row
    return {
        "name": f"{row['prefix']}{row['first_name']} {row['last_name']}".strip(),
        "house_no": row["house_no"],
        "village": f"{row['village__name_th']} ม.{row['village__moo']}",
        "training_end": visits.training_end,
        "visit": visit,
        "url": reverse("admin:programs_household_change", args=[visits.household_id]),
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
    """The panel's lists for ``user`` (scoped): a dict the template reads."""
    today = today or timezone.localdate()
    fiscal_year = thaidate.fiscal_year(today)
    households = schedule.followed_households(Household.objects.for_user(user), today=today)
    followed = schedule.visits_for(households, today=today, fields=HOUSEHOLD_FIELDS)

    due, never = [], []
    overdue = {}  # village pk: {...}
    districts = defaultdict(lambda: defaultdict(int))
    district_names = {}
    for visits in followed.values():
        row = visits.row
        district = row["district_id"]
        district_names[district] = row["district__name_th"]
        current = visits.current
        if current and current.state == schedule.State.DUE:
            due.append((current.due_on, row["village_id"], visits, current))
            districts[district]["due"] += 1
        elif current and current.state == schedule.State.OVERDUE:
            village = overdue.setdefault(
                row["village_id"],
                {
                    "name": f"{row['village__name_th']} ม.{row['village__moo']}",
                    "district": row["district__name_th"],
                    "count": 0,
                    "oldest": current.due_on,
                    "url": _url(
                        "programs_household_changelist",
                        followup=schedule.State.OVERDUE,
                        village__id__exact=row["village_id"],
                    ),
                },
            )
            village["count"] += 1
            village["oldest"] = min(village["oldest"], current.due_on)
            districts[district]["overdue"] += 1
        if visits.never_visited:
            never.append((visits.training_end, row["village_id"], visits))
            districts[district]["never"] += 1
    due.sort(key=lambda item: (item[0], item[1], item[2].household_id))
    never.sort(key=lambda item: (item[0], item[1], item[2].household_id))
    overdue_villages = sorted(overdue.values(), key=lambda v: (-v["count"], v["oldest"], v["name"]))

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
                    "due": counts["due"],
                    "overdue": counts["overdue"],
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
            "count": len(due),
            "rows": [_household_row(v, visit) for _, _, v, visit in due[:LIST_LIMIT]],
            "url": _url("programs_household_changelist", followup=schedule.State.DUE),
        },
        "overdue": {
            "count": sum(v["count"] for v in overdue_villages),
            "villages": overdue_villages[:LIST_LIMIT],
            "village_count": len(overdue_villages),
            "url": _url("programs_household_changelist", followup=schedule.State.OVERDUE),
        },
        "never": {
            "count": len(never),
            "rows": [_household_row(v) for _, _, v in never[:LIST_LIMIT]],
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
    return render_to_string(
        "admin/programs/home_panel.html", {"lists": home_lists(user)}, request=request
    )
