"""The KPI page of households (ตัวชี้วัด): the officer's dashboard of the department's KPIs.

Per district and fiscal year, and per village: the three KPIs against the year's targets, both
forms of KPI 2, the breakdown by occupation type and by target group, the trend over fiscal years
(a server-drawn SVG with its table), each number a link to the households behind it (the
household changelist, filtered by ``?kpi=`` and scoped like every changelist). Provincial staff
see the district summary first; the village table is one district at a time, paged, so the page
costs a fixed number of queries whatever the province's size (``bench/kpis.py``).
"""

from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programs import kpis, parameters
from programs.models import Household, TrainerTeam
from sammachip import thaidate
from villages.models import District, Village

VILLAGES_PER_PAGE = 50
TREND_YEARS = 6


class KpiFilter(admin.SimpleListFilter):
    """The households behind a KPI (the drill-down of the KPI page): ever trained (dropped after
    a session included), practising, practising with both incomes (KPI 2's), in a group."""

    title = gettext_lazy("ตัวชี้วัด")
    parameter_name = "kpi"

    def lookups(self, request, model_admin):
        return [
            ("trained", gettext_lazy("ฝึกอบรมแล้ว (รวมที่เลิกหลังอบรม)")),
            ("practising", gettext_lazy("ประกอบอาชีพ")),
            ("income", gettext_lazy("ประกอบอาชีพและมีรายได้ก่อน-หลัง")),
            ("grouped", gettext_lazy("อยู่ในกลุ่มอาชีพ")),
        ]

    def queryset(self, request, queryset):
        condition = kpis.DRILL_DOWN.get(self.value())
        return queryset if condition is None else queryset.filter(condition)


class VillageFilter(admin.SimpleListFilter):
    """One village (``?village=<DOPA code>``), offered only when a link of the KPI page asks
    for it: a choice list of every village would be thousands long."""

    title = gettext_lazy("หมู่บ้าน")
    parameter_name = "village"

    def lookups(self, request, model_admin):
        value = self.value()
        if not value:
            return []
        village = Village.objects.for_user(request.user).filter(code=value).first()
        return [(value, str(village) if village else value)]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(village__code=self.value())
        return queryset


def _percent(value):
    return "—" if value is None else f"{value * 100:.1f}%"


def trend_svg(trend, *, key, title, chart_id):
    """A small line chart of ``key`` (a fraction) per fiscal year with each year's target
    dashed; the page's trend table is its text alternative. No JavaScript, escaped text."""
    # The right padding leaves room for the last year's label, centred on its point.
    width, height, left, right_pad, top, bottom = 340, 150, 36, 28, 18, 28
    plot = height - top - bottom
    values = [row[key] for row in trend]
    goals = [row["targets"][target_key(key)] for row in trend]
    highest = max([float(v) for v in values if v is not None] + [float(g) for g in goals] + [0.1])
    step = (width - left - right_pad) / max(len(trend) - 1, 1)

    def y(value):
        return top + plot - plot * float(value) / highest

    points = [
        (left + i * step, y(value), row, value)
        for i, (row, value) in enumerate(zip(trend, values, strict=True))
        if value is not None
    ]
    target = " ".join(f"{left + i * step:.1f},{y(goal):.1f}" for i, goal in enumerate(goals))
    line = " ".join(f"{x:.1f},{py:.1f}" for x, py, _row, _v in points)
    desc = ", ".join(
        _("ปี %(year)d: %(value)s") % {"year": row["fiscal_year"], "value": _percent(value)}
        for row, value in zip(trend, values, strict=True)
    )
    marks = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="3.5" fill="#1d5e3a"/>'
        '<text x="{}" y="{}" text-anchor="middle" font-size="11">{}</text>',
        (
            (f"{x:.1f}", f"{py:.1f}", f"{x:.1f}", f"{py - 6:.1f}", _percent(value))
            for x, py, _row, value in points
        ),
    )
    years = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="middle" font-size="11">{}</text>',
        ((f"{left + i * step:.1f}", height - 8, row["fiscal_year"]) for i, row in enumerate(trend)),
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="kpi-trend" id="{id}" '
        'viewBox="0 0 {w} {h}" role="img" aria-labelledby="{id}-title {id}-desc">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
        '<line x1="{left}" y1="{base}" x2="{right}" y2="{base}" stroke="#595959"/>'
        '<polyline points="{target}" fill="none" stroke="#a34f00" stroke-dasharray="4 3"/>'
        '<polyline points="{line}" fill="none" stroke="#1d5e3a" stroke-width="2"/>'
        "{marks}{years}</svg>",
        id=chart_id,
        w=width,
        h=height,
        title=title,
        desc=desc,
        left=left,
        right=width - right_pad,
        base=f"{top + plot:.1f}",
        target=target,
        line=line,
        marks=marks,
        years=years,
    )


def target_key(key):
    return {"practising_share": "practising", "income_change": "income", "group_share": "groups"}[
        key
    ]


class HouseholdProgressMixin:
    """``progress_view`` (wired by ``HouseholdAdmin.get_urls``)."""

    def progress_view(self, request):
        """The dashboard for one fiscal year (``?fiscal_year=``), one district of the user's
        (``?district=``) or all of them, scoped."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        user = request.user
        current = thaidate.current_fiscal_year()
        try:
            fiscal_year = int(request.GET.get("fiscal_year", ""))
        except ValueError:
            fiscal_year = current
        own = list(District.objects.for_user(user).in_province().order_by("code"))
        district_code = request.GET.get("district", "")
        district = next((d for d in own if d.code == district_code), None)
        if district is not None:
            scope = [district.code]
        elif user.sees_all_districts:
            scope = None
        else:
            scope = user.district_codes
        households = Household.objects.for_user(user)
        teams = TrainerTeam.objects.for_user(user)
        if district is not None:
            households = households.filter(district=district)
            teams = teams.filter(district=district)
        trend_years = range(fiscal_year - TREND_YEARS + 1, fiscal_year + 1)
        # Each year's parameters read once, for every table of the page.
        years = parameters.for_years(trend_years)
        year = years[fiscal_year]

        rows = kpis.district_kpis(
            fiscal_year=fiscal_year,
            districts=scope,
            year=year,
            names={d.code: d.name_th for d in own},
        )
        base = {"fiscal_year": fiscal_year}
        for row in rows:
            row["links"] = self._links(base, district__code__exact=row["district_code"])
        totals = kpis.kpi_totals(rows)
        if totals is not None:
            totals["links"] = self._links(
                base, district__code__exact=district.code if district else None
            )
        scoped = {"district__code__exact": district.code if district else None}
        breakdown = kpis.kpi_breakdown(fiscal_year=fiscal_year, households=households, year=year)
        for row in breakdown["occupation_types"]:
            key = (
                {"occupation__type__id__exact": row["key"]}
                if row["key"] is not None
                else {"occupation__type__isnull": "True"}
            )
            row["links"] = self._links(base, **scoped, **key)
        for row in breakdown["target_groups"]:
            row["links"] = self._links(base, **scoped, target_group__exact=row["key"])
        # The current year's households were just aggregated over the same scope: the trend
        # reads the five years before it.
        trend = kpis.kpi_trend(
            households=households,
            teams=teams,
            fiscal_years=trend_years,
            years=years,
            known={fiscal_year: totals} if totals is not None else None,
        )

        # The village table: one district at a time for provincial staff (a province has
        # thousands of villages), paged.
        village_page = None
        progress = []
        if district is not None or not user.sees_all_districts:
            # Two semi-joins (index-only on the households' KPI index), no DISTINCT over a join.
            villages = (
                Village.objects.for_user(user)
                .filter(
                    Q(pk__in=households.filter(fiscal_year=fiscal_year).values("village_id"))
                    | Q(pk__in=teams.filter(fiscal_year=fiscal_year).values("village_id"))
                )
                .select_related("subdistrict", "district")
                .order_by("code")
            )
            if district is not None:
                villages = villages.filter(district=district)
            village_page = Paginator(villages, VILLAGES_PER_PAGE).get_page(request.GET.get("page"))
            progress = kpis.village_progress(
                fiscal_year=fiscal_year, villages=list(village_page), with_kpis=True, year=year
            )
            for row in progress:
                row["links"] = row["kpi"]["links"] = self._links(base, village=row["village"].code)

        titles = {
            "practising_share": _("สัดส่วนครัวเรือนที่ประกอบอาชีพ"),
            "income_change": _("รายได้จากอาชีพเปลี่ยนแปลง (ค่าเฉลี่ย)"),
            "group_share": _("หมู่บ้านเป้าหมายที่มีกลุ่มอาชีพ"),
        }
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("ความก้าวหน้าและตัวชี้วัด ปีงบประมาณ %(year)d") % {"year": fiscal_year},
            "fiscal_year": fiscal_year,
            "years": range(current + 1, current - 6, -1),
            "districts": own,
            "district": district,
            "kpis": rows,
            "totals": totals,
            "targets": kpis.targets(year),
            "breakdown": breakdown,
            "trend": trend,
            "charts": [
                (title, trend_svg(trend, key=key, title=title, chart_id=f"trend-{key}"))
                for key, title in titles.items()
            ],
            "progress": progress,
            "village_page": village_page,
            "page_query": urlencode(
                {"fiscal_year": fiscal_year, **({"district": district.code} if district else {})}
            ),
        }
        return TemplateResponse(request, "admin/programs/progress.html", context)

    @staticmethod
    def _links(base, **params):
        """Each KPI's drill-down: the household changelist filtered to exactly the households
        behind the number (``None`` values left out)."""
        changelist = reverse("admin:programs_household_changelist")  # once a row, not a link
        links = {}
        for kpi in ("all", *kpis.DRILL_DOWN):
            query = {**base, **params, "kpi": None if kpi == "all" else kpi}
            query = {key: value for key, value in query.items() if value is not None}
            links[kpi] = f"{changelist}?{urlencode(query)}"
        return links
