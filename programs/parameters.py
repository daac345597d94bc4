"""The programme's parameters per fiscal year, the one place to read them.

``for_year(fiscal_year)`` gives the year's ``ProgrammeYear`` row (provincial staff edit it in
the admin, audited) or, for a year with no row, an unsaved one carrying today's figures: a team of
five (the sage + 4), about twenty households a village, one day of training, follow-ups 1, 3 and 6
months after the training's end, income evaluated up to six months after the year, and the
department's targets 85 % practising, +3 % income, groups in 10 % of the target villages
(percentages, ``Decimal``). Guidance figures only ever warn, never block.

The saved rows (a handful: one per fiscal year) are kept in the cache (``CACHE_KEY``) and
forgotten whenever a ``ProgrammeYear`` is saved or deleted (at once and on commit,
``ProgramsConfig.ready``): reading the parameters costs no query once the cache holds them, so
the stage and income kept in step on every saved follow-up do not pay for them. A cache outage
reads the table.
"""

import itertools
import logging
import re

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

FOLLOWUP_MONTH_MAX = 36
CACHE_KEY = "programs:programme-years"
CACHE_TIMEOUT = 3600
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


def _saved_years():
    """``{fiscal_year: ProgrammeYear}`` of every saved row, from the cache when it holds them."""
    from programs.models import ProgrammeYear

    try:
        saved = cache.get(CACHE_KEY)
    except Exception:
        logger.exception("programme parameters: cache unavailable")
        saved = None
    if saved is None:
        saved = {row.fiscal_year: row for row in ProgrammeYear.objects.all()}
        try:
            cache.set(CACHE_KEY, saved, CACHE_TIMEOUT)
        except Exception:
            logger.exception("programme parameters: could not store them in the cache")
    return saved


def _forget_now():
    try:
        cache.delete(CACHE_KEY)
    except Exception:
        logger.exception("programme parameters: could not forget the cached rows")


def forget(**kwargs):
    """A ``ProgrammeYear`` was saved or deleted: the cached rows are dropped at once and when the
    transaction commits (another process may have read the old rows meanwhile)."""
    _forget_now()
    transaction.on_commit(_forget_now)


def for_year(fiscal_year):
    """The parameters of ``fiscal_year`` (BE): the saved row, or an unsaved ``ProgrammeYear``
    with the defaults. At most one query (none when the cache holds the rows)."""
    from programs.models import ProgrammeYear

    saved = _saved_years().get(fiscal_year) if fiscal_year is not None else None
    return saved or ProgrammeYear(fiscal_year=fiscal_year)


def for_years(fiscal_years):
    """``{fiscal_year: ProgrammeYear}`` for several years (defaults where no row), at most one
    query."""
    from programs.models import ProgrammeYear

    years = {year for year in fiscal_years if year is not None}
    saved = _saved_years() if years else {}
    return {year: saved.get(year) or ProgrammeYear(fiscal_year=year) for year in years}


def income_window_end(year):
    """The last day a follow-up's income counts for ``income_after`` of ``year`` (a
    ``ProgrammeYear``): the fiscal year's end (30 Sep) plus its evaluation window."""
    from sammachip import thaidate

    _first, last = thaidate.fiscal_year_bounds(year.fiscal_year)
    return thaidate.add_months(last, year.evaluation_months)
