"""The programme's parameters per fiscal year, the one place to read them.

``for_year(fiscal_year)`` gives the year's ``ProgrammeYear`` row (provincial staff edit it in
the admin, audited) or, for a year with no row, an unsaved one carrying today's figures: a team of
five (the sage + 4), about twenty households a village, one day of training, follow-ups 1, 3 and 6
months after the training's end, income evaluated up to six months after the year, and the
department's targets 85 % practising, +3 % income, groups in 10 % of the target villages
(percentages, ``Decimal``). Guidance figures only ever warn, never block.
"""

import itertools
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

FOLLOWUP_MONTH_MAX = 36
_SCHEDULE_RE = re.compile(r"^\s*\d+(\s*[,،]\s*\d+)*\s*$")


def parse_followup_months(text):
    """``"1, 3, 6"`` → ``[1, 3, 6]``; ``ValidationError`` (Thai) unless whole months from 1 to
    ``FOLLOWUP_MONTH_MAX``, each later than the one before."""
    if isinstance(text, (list, tuple)):
        text = ", ".join(str(month) for month in text)
    from sammachip.thaidate import arabic_digits

    text = arabic_digits(text or "")
    if not _SCHEDULE_RE.match(text):
        raise ValidationError(_("กรุณากรอกจำนวนเดือนเป็นตัวเลข คั่นด้วยจุลภาค เช่น 1, 3, 6"), code="invalid")
    months = [int(part) for part in re.split(r"[,،]", text)]
    if any(month < 1 or month > FOLLOWUP_MONTH_MAX for month in months):
        raise ValidationError(
            _("จำนวนเดือนต้องอยู่ระหว่าง 1 ถึง %(max)d") % {"max": FOLLOWUP_MONTH_MAX},
            code="out_of_range",
        )
    if any(later <= earlier for earlier, later in itertools.pairwise(months)):
        raise ValidationError(
            _("กรุณาเรียงเดือนจากน้อยไปมากและไม่ซ้ำกัน เช่น 1, 3, 6"), code="not_increasing"
        )
    return months


def for_year(fiscal_year):
    """The parameters of ``fiscal_year`` (BE): the saved row, or an unsaved ``ProgrammeYear``
    with the defaults. One query."""
    from programs.models import ProgrammeYear

    if fiscal_year is not None:
        saved = ProgrammeYear.objects.filter(fiscal_year=fiscal_year).first()
        if saved is not None:
            return saved
    return ProgrammeYear(fiscal_year=fiscal_year)


def for_years(fiscal_years):
    """``{fiscal_year: ProgrammeYear}`` for several years in one query (defaults where no row)."""
    from programs.models import ProgrammeYear

    years = {year for year in fiscal_years if year is not None}
    saved = {row.fiscal_year: row for row in ProgrammeYear.objects.filter(fiscal_year__in=years)}
    return {year: saved.get(year) or ProgrammeYear(fiscal_year=year) for year in years}
