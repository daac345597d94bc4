"""Data-quality rules of a district-year (issue 16; DHIS2's validation rules and outlier checks,
in Thai): rules are data and code in this one module.

Each rule has a code (``Q01``…), a Thai message, a severity (``error`` blocks a submission,
``warning`` needs the officer's written explanation) and a check that returns the rows it names
(at most ``ROWS_NAMED`` of them, with the total). ``run(district=…, fiscal_year=…)`` runs every
rule; ``programs.reporting.report_submit`` calls it.

Still to come (issue 16): villages without a sage, practising share below target, households
listed in two villages, a warning turned off per year by provincial staff, parameters per year.
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

# Parameters (to become per-year settings).
INCOME_RISE_MAX = Decimal(4)  # after > 4 × before: a rise of more than 300 %
INCOME_DROP_MIN = Decimal("0.5")  # after < half of before: a drop of more than 50 %
PHONE_SHARED_MAX = 3  # more households than this on one phone number


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


def q01_no_income_before(district, fiscal_year):
    return _household_rows(_households(district, fiscal_year).filter(income_before__isnull=True))


def q02_income_out_of_range(district, fiscal_year):
    queryset = _households(district, fiscal_year).filter(
        income_before__gt=0, income_after__isnull=False
    )
    queryset = queryset.filter(
        Q(income_after__gt=F("income_before") * INCOME_RISE_MAX)
        | Q(income_after__lt=F("income_before") * INCOME_DROP_MIN)
    )
    return _household_rows(queryset)


def q03_trained_never_followed(district, fiscal_year):
    Household, _team, _session, FollowUp = _models()
    queryset = (
        _households(district, fiscal_year)
        .filter(status__in=Household.TRAINED_OR_BEYOND)
        .exclude(Exists(FollowUp.objects.filter(household=OuterRef("pk"))))
    )
    return _household_rows(queryset)


def q04_team_without_session(district, fiscal_year):
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


def q05_session_outside_year(district, fiscal_year):
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


def q06_phone_shared(district, fiscal_year):
    shared = (
        _households(district, fiscal_year)
        .exclude(phone="")
        .order_by()
        .values("phone")
        .annotate(n=Count("id"))
        .filter(n__gt=PHONE_SHARED_MAX)
        .values("phone")
    )
    return _household_rows(_households(district, fiscal_year).filter(phone__in=shared))


def q07_duplicate_names(district, fiscal_year):
    twins = (
        _households(district, fiscal_year)
        .filter(village=OuterRef("village"), first_name=OuterRef("first_name"))
        .filter(last_name=OuterRef("last_name"))
        .exclude(pk=OuterRef("pk"))
    )
    return _household_rows(_households(district, fiscal_year).filter(Exists(twins)))


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
        _("รายได้หลังเข้าร่วมเปลี่ยนไปมากผิดปกติ (เพิ่มเกินร้อยละ 300 หรือลดลงเกินครึ่ง)"),
        q02_income_out_of_range,
    ),
    Rule("Q03", WARNING, _("ครัวเรือนที่อบรมแล้วแต่ยังไม่เคยติดตามผล"), q03_trained_never_followed),
    Rule("Q04", WARNING, _("ทีมวิทยากรที่ยังไม่มีการฝึกอบรม"), q04_team_without_session),
    Rule("Q05", ERROR, _("การฝึกอบรมที่อยู่นอกปีงบประมาณ"), q05_session_outside_year),
    Rule(
        "Q06",
        WARNING,
        _("เบอร์โทรศัพท์เดียวกันใช้กับหลายครัวเรือน (เกิน 3 ครัวเรือน)"),
        q06_phone_shared,
    ),
    Rule("Q07", WARNING, _("ชื่อ-สกุลซ้ำกันในหมู่บ้านเดียวกัน"), q07_duplicate_names),
]


def run(*, district, fiscal_year, rules=None):
    """Every rule (or ``rules``) over one district-year: the findings with rows, in code order."""
    district = getattr(district, "pk", district)
    findings = []
    for rule in rules or RULES:
        total, rows = rule.check(district, fiscal_year)
        if total:
            findings.append(Finding(rule.code, rule.severity, rule.message, total, rows))
    return QualityReport(findings)
