"""Data-quality rules of a district-year (issue 16; DHIS2's validation rules and outlier checks,
in Thai): rules are data and code in this one module.

Each rule has a code (``Q01``…), a Thai message, a severity (``error`` blocks a submission,
``warning`` needs the officer's written explanation) and a check that returns the rows it names
(at most ``ROWS_NAMED`` of them, with the total). ``run(district=…, fiscal_year=…)`` runs every
rule; ``programs.reporting.report_submit`` calls it.

The thresholds are per fiscal year (``ProgrammeYear.income_rise_max``, ``income_drop_max``,
``phone_shared_max``, ``target_practising``; ``programs.parameters.for_year``), and provincial
staff may turn a *warning* off for a year (``ProgrammeYear.quality_rules_off``); an error always
runs.

Not a rule: "households listed in two villages" — the constraint ``household_once_per_year``
(one citizen-ID hash per fiscal year, across the province) makes it impossible in the database,
and ``programs.listings`` names the clash when it is typed or imported.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sammachip import thaidate

ERROR = "error"
WARNING = "warning"
ROWS_NAMED = 20

HUNDRED = Decimal(100)


@dataclass
class Row:
    label: str
    url: str


@dataclass
class Finding:
    code: str
    severity: str
    message: str
    total: int
    rows: list = field(default_factory=list)

    @property
    def is_error(self):
        return self.severity == ERROR


@dataclass
class QualityReport:
    findings: list

    @property
    def errors(self):
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self):
        return [f for f in self.findings if f.severity == WARNING]

    def as_json(self):
        return [
            {"code": f.code, "severity": f.severity, "message": str(f.message), "total": f.total}
            for f in self.findings
        ]


def _models():
    from programs.models import FollowUp, Household, TrainerTeam, TrainingSession

    return Household, TrainerTeam, TrainingSession, FollowUp


def _household_rows(queryset):
    rows = [
        Row(
            f"{h.full_name} ({h.house_no}) {h.village.name_th}",
            reverse("admin:programs_household_change", args=[h.pk]),
        )
        for h in queryset.select_related("village").order_by("village__code", "house_no", "id")[
            :ROWS_NAMED
        ]
    ]
    return queryset.count(), rows


def _households(district, fiscal_year):
    Household, *_others = _models()
    return Household.objects.filter(district=district, fiscal_year=fiscal_year)


def q01_no_income_before(district, fiscal_year, year):
    return _household_rows(_households(district, fiscal_year).filter(income_before__isnull=True))


def q02_income_out_of_range(district, fiscal_year, year):
    queryset = _households(district, fiscal_year).filter(
        income_before__gt=0, income_after__isnull=False
    )
    queryset = queryset.filter(
        Q(income_after__gt=F("income_before") * ((HUNDRED + year.income_rise_max) / HUNDRED))
        | Q(income_after__lt=F("income_before") * ((HUNDRED - year.income_drop_max) / HUNDRED))
    )
    return _household_rows(queryset)


def q03_trained_never_followed(district, fiscal_year, year):
    Household, _team, _session, FollowUp = _models()
    queryset = (
        _households(district, fiscal_year)
        .filter(status__in=Household.TRAINED_OR_BEYOND)
        .exclude(Exists(FollowUp.objects.filter(household=OuterRef("pk"))))
    )
    return _household_rows(queryset)


def q04_team_without_session(district, fiscal_year, year):
    _household, TrainerTeam, _session, _followup = _models()
    queryset = (
        TrainerTeam.objects.filter(district=district, fiscal_year=fiscal_year)
        .annotate(n=Count("sessions"))
        .filter(n=0)
        .select_related("village")
        .order_by("village__code")
    )
    rows = [
        Row(str(team), reverse("admin:programs_trainerteam_change", args=[team.pk]))
        for team in queryset[:ROWS_NAMED]
    ]
    return queryset.count(), rows


def q05_session_outside_year(district, fiscal_year, year):
    _household, _team, TrainingSession, _followup = _models()
    first, last = thaidate.fiscal_year_bounds(fiscal_year)
    queryset = TrainingSession.objects.filter(
        team__district=district, team__fiscal_year=fiscal_year
    ).filter(Q(start_date__lt=first) | Q(end_date__gt=last))
    rows = [
        Row(
            f"{thaidate.format_thai_date(s.start_date, short=True)} – "
            f"{thaidate.format_thai_date(s.end_date, short=True)}",
            reverse("admin:programs_trainingsession_change", args=[s.pk]),
        )
        for s in queryset.order_by("start_date")[:ROWS_NAMED]
    ]
    return queryset.count(), rows


def q06_phone_shared(district, fiscal_year, year):
    shared = (
        _households(district, fiscal_year)
        .exclude(phone="")
        .order_by()
        .values("phone")
        .annotate(n=Count("id"))
        .filter(n__gt=year.phone_shared_max)
        .values("phone")
    )
    return _household_rows(_households(district, fiscal_year).filter(phone__in=shared))


def q07_duplicate_names(district, fiscal_year, year):
    twins = (
        _households(district, fiscal_year)
        .filter(village=OuterRef("village"), first_name=OuterRef("first_name"))
        .filter(last_name=OuterRef("last_name"))
        .exclude(pk=OuterRef("pk"))
    )
    return _household_rows(_households(district, fiscal_year).filter(Exists(twins)))


def _village_rows(villages):
    return [
        Row(f"{v.name_th} หมู่ {v.moo}", reverse("admin:villages_village_change", args=[v.pk]))
        for v in villages[:ROWS_NAMED]
    ]


def q08_village_without_sage(district, fiscal_year, year):
    """Villages with households or a trainer team of the year and no sage registered there."""
    from programs.models import Sage
    from villages.models import Village

    Household, TrainerTeam, _session, _followup = _models()
    queryset = (
        Village.objects.filter(
            Exists(Household.objects.filter(village=OuterRef("pk"), fiscal_year=fiscal_year))
            | Exists(TrainerTeam.objects.filter(village=OuterRef("pk"), fiscal_year=fiscal_year))
        )
        .filter(subdistrict__district=district)
        .exclude(Exists(Sage.objects.filter(village=OuterRef("pk"))))
        .order_by("code")
    )
    return queryset.count(), _village_rows(queryset)


def q09_practising_below_target(district, fiscal_year, year):
    """The district's share practising (KPI 1: practising or grouped / ever trained) below the
    year's target: names the villages below it, with their share."""
    from villages.models import Village

    Household, *_others = _models()
    trained = Q(status__in=Household.TRAINED_OR_BEYOND)
    practising = Q(status__in=Household.PRACTISING_STATUSES)
    totals = _households(district, fiscal_year).aggregate(
        trained=Count("id", filter=trained), practising=Count("id", filter=practising)
    )
    target = Decimal(year.target_practising)
    if not totals["trained"] or totals["practising"] * HUNDRED >= target * totals["trained"]:
        return 0, []
    per_village = (
        _households(district, fiscal_year)
        .order_by()
        .values("village")
        .annotate(trained=Count("id", filter=trained), practising=Count("id", filter=practising))
        .filter(trained__gt=0)
    )
    below = {
        row["village"]: row
        for row in per_village
        if row["practising"] * HUNDRED < target * row["trained"]
    }
    villages = Village.objects.filter(pk__in=below).order_by("code")
    rows = [
        Row(
            f"{v.name_th} หมู่ {v.moo}: "
            f"{below[v.pk]['practising']}/{below[v.pk]['trained']} "
            f"({below[v.pk]['practising'] * 100 // below[v.pk]['trained']}%)",
            reverse("admin:villages_village_change", args=[v.pk]),
        )
        for v in villages[:ROWS_NAMED]
    ]
    return len(below), rows


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    message: str
    check: object


RULES = [
    Rule("Q01", ERROR, _("ครัวเรือนที่ไม่มีรายได้ก่อนเข้าร่วม"), q01_no_income_before),
    Rule(
        "Q02",
        WARNING,
        _(
            "รายได้หลังเข้าร่วมเปลี่ยนไปมากผิดปกติ "
            "(เพิ่มเกินร้อยละ %(income_rise_max)s หรือลดลงเกินร้อยละ %(income_drop_max)s)"
        ),
        q02_income_out_of_range,
    ),
    Rule("Q03", WARNING, _("ครัวเรือนที่อบรมแล้วแต่ยังไม่เคยติดตามผล"), q03_trained_never_followed),
    Rule("Q04", WARNING, _("ทีมวิทยากรที่ยังไม่มีการฝึกอบรม"), q04_team_without_session),
    Rule("Q05", ERROR, _("การฝึกอบรมที่อยู่นอกปีงบประมาณ"), q05_session_outside_year),
    Rule(
        "Q06",
        WARNING,
        _("เบอร์โทรศัพท์เดียวกันใช้กับหลายครัวเรือน (เกิน %(phone_shared_max)s ครัวเรือน)"),
        q06_phone_shared,
    ),
    Rule("Q07", WARNING, _("ชื่อ-สกุลซ้ำกันในหมู่บ้านเดียวกัน"), q07_duplicate_names),
    Rule(
        "Q08",
        WARNING,
        _("หมู่บ้านที่มีครัวเรือนเป้าหมายหรือทีมวิทยากรแต่ไม่มีปราชญ์ชุมชน"),
        q08_village_without_sage,
    ),
    Rule(
        "Q09",
        WARNING,
        _("สัดส่วนครัวเรือนที่ประกอบอาชีพต่ำกว่าเป้าหมาย (ร้อยละ %(target_practising)s)"),
        q09_practising_below_target,
    ),
]


def _message(rule, year):
    message = str(rule.message)
    if "%(" not in message:
        return message
    return message % {
        "income_rise_max": year.income_rise_max,
        "income_drop_max": year.income_drop_max,
        "phone_shared_max": year.phone_shared_max,
        "target_practising": f"{Decimal(year.target_practising):g}",
    }


def warnings_off(year):
    """The warning codes turned off for ``year`` (a ``ProgrammeYear``); an error code is never
    off, whatever is stored."""
    errors = {rule.code for rule in RULES if rule.severity == ERROR}
    return {code for code in (year.quality_rules_off or []) if code not in errors}


def run(*, district, fiscal_year, rules=None):
    """Every rule (or ``rules``) over one district-year: the findings with rows, in code order."""
    from programs import parameters

    district = getattr(district, "pk", district)
    year = parameters.for_year(fiscal_year)
    off = warnings_off(year)
    findings = []
    for rule in rules or RULES:
        if rule.code in off:
            continue
        total, rows = rule.check(district, fiscal_year, year)
        if total:
            findings.append(Finding(rule.code, rule.severity, _message(rule, year), total, rows))
    return QualityReport(findings)
