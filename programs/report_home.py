"""The reporting panel of the admin home (``sammachip.admin_site.register_home_panel``, wired in
``ProgramsConfig.ready``): a district officer's district-years and their report states (a
returned report and its comment first), provincial staff's queue of submitted districts with
counts. The pages it links to are in ``programs.admin.reports``."""

from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse

from programs import reporting
from programs.models import DistrictReport, Household, TrainerTeam
from villages.models import District

YEARS_SHOWN = 3  # the latest fiscal years with households, on the officer's home


def submit_url(district_id, fiscal_year):
    return reverse("admin:programs_districtreport_submit", args=[district_id, fiscal_year])


def officer_rows(user):
    """The officer's district-years (the latest years with households, and any report), a
    returned report first, then by year (latest first) and district."""
    codes = sorted(user.district_codes)
    if not codes:
        return []
    years = sorted(
        set(
            Household.objects.filter(district__in=codes)
            .order_by()
            .values_list("fiscal_year", flat=True)
            .distinct()
        ),
        reverse=True,
    )[:YEARS_SHOWN]
    reports = {
        (r.district_id, r.fiscal_year): r
        for r in DistrictReport.objects.filter(district__in=codes).select_related("district")
        if r.fiscal_year in years or r.status == DistrictReport.Status.RETURNED
    }
    names = dict(District.objects.filter(pk__in=codes).values_list("pk", "name_th"))
    rows = []
    for key in {*reports, *((code, year) for code in codes for year in years)}:
        code, year = key
        report = reports.get(key) or DistrictReport(district_id=code, fiscal_year=year)
        rows.append(
            {
                "district": names.get(code, code),
                "fiscal_year": year,
                "report": report,
                "state": reporting.describe(report),
                "returned": report.status == DistrictReport.Status.RETURNED,
                "submit_url": submit_url(code, year)
                if report.status in (DistrictReport.Status.OPEN, DistrictReport.Status.RETURNED)
                else "",
            }
        )
    rows.sort(key=lambda row: (not row["returned"], -row["fiscal_year"], row["district"]))
    return rows


def review_queue():
    """Submitted reports, oldest first, with the households and teams of each district-year
    (three queries)."""
    reports = list(
        DistrictReport.objects.filter(status=DistrictReport.Status.SUBMITTED)
        .select_related("district")
        .order_by("submitted_at", "id")
    )
    if not reports:
        return []
    pairs = Q()
    team_pairs = Q()
    for report in reports:
        pairs |= Q(district_id=report.district_id, fiscal_year=report.fiscal_year)
        team_pairs |= Q(district_id=report.district_id, fiscal_year=report.fiscal_year)
    households = {
        (row["district_id"], row["fiscal_year"]): row["n"]
        for row in Household.objects.filter(pairs)
        .order_by()
        .values("district_id", "fiscal_year")
        .annotate(n=Count("id"))
    }
    teams = {
        (row["district_id"], row["fiscal_year"]): row["n"]
        for row in TrainerTeam.objects.filter(team_pairs)
        .order_by()
        .values("district_id", "fiscal_year")
        .annotate(n=Count("id"))
    }
    return [
        {
            "report": report,
            "households": households.get((report.district_id, report.fiscal_year), 0),
            "teams": teams.get((report.district_id, report.fiscal_year), 0),
            "url": reverse("admin:programs_districtreport_review", args=[report.pk]),
        }
        for report in reports
    ]


def report_panel(request):
    """The reporting panel of the admin home: provincial staff's review queue, or the
    officer's district-years; '' for anybody else."""
    user = request.user
    if not user.has_perm("programs.view_districtreport"):
        return ""
    if user.sees_all_districts:
        context = {
            "queue": review_queue(),
            "province": True,
            "completeness_url": reverse("admin:programs_districtreport_completeness"),
        }
    elif user.district_codes:
        context = {"rows": officer_rows(user), "province": False}
    else:
        return ""
    context["list_url"] = reverse("admin:programs_districtreport_changelist")
    return render_to_string(
        "admin/programs/districtreport/home_panel.html", context, request=request
    )
