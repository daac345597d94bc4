import datetime
import itertools
from decimal import Decimal

from programs.models import (
    FollowUp,
    Household,
    Occupation,
    OccupationGroup,
    Product,
    Sage,
    StageDecision,
    TrainerTeam,
    TrainingSession,
)
from sammachip import citizen_id
from tests.factories import make_village

_n = itertools.count(1)


def valid_id(seed=None):
    seed = next(_n) if seed is None else seed
    return citizen_id.with_check_digit(f"1{seed:011d}")


def make_occupation(name=None, kind="craft"):
    return Occupation.objects.get_or_create(name=name or f"อาชีพ{next(_n)}", kind=kind)[0]


def make_sage(*, village=None, **fields):
    village = village or make_village()
    fields.setdefault("first_name", "ปราชญ์")
    fields.setdefault("last_name", f"ทดสอบ{next(_n)}")
    return Sage.objects.create(village=village, **fields)


def make_team(*, village=None, fiscal_year=2568, sage=None, occupation=None):
    village = village or make_village()
    return TrainerTeam.objects.create(
        village=village,
        fiscal_year=fiscal_year,
        sage=sage or make_sage(village=village),
        occupation=occupation or make_occupation(),
    )


def make_household(*, village=None, fiscal_year=2568, status="target", **fields):
    """A household at ``status``: the stage is derived (``programs.stages``), so the record
    behind it is made — trained: it attended a session of its team (the village's team of that
    year, made if need be); practising: and a follow-up says it practises; grouped: and it is a
    member of a group (``group=`` or a new one); dropped: an officer's dated decision."""
    village = village or make_village()
    fields.setdefault("first_name", "สมชาย")
    fields.setdefault("last_name", f"ทดสอบ{next(_n)}")
    fields.setdefault("house_no", str(next(_n)))
    fields.setdefault("citizen_id", valid_id())
    for key in ("income_before", "income_after"):
        if fields.get(key) is not None:
            fields[key] = Decimal(str(fields[key]))
    if status == "grouped" and fields.get("group") is None:
        fields["group"] = make_group(village=village)
    household = Household.objects.create(village=village, fiscal_year=fiscal_year, **fields)
    if status in ("trained", "practising", "grouped"):
        team = household.trainer_team or (
            TrainerTeam.objects.filter(village=village, fiscal_year=fiscal_year).first()
            or make_team(village=village, fiscal_year=fiscal_year)
        )
        session = make_session(team=team)
        session.attendees.add(household)
    if status in ("practising", "grouped"):
        FollowUp.objects.create(
            household=household, visited_on=_training_day(fiscal_year), practising=True
        )
    if status == "dropped":
        StageDecision.objects.create(
            household=household, decided_on=_training_day(fiscal_year), reason="ทดสอบ: เลิกแล้ว"
        )
    household.refresh_from_db()
    assert household.status == status, (household.status, status)
    return household


def _training_day(fiscal_year):
    """1 February of the fiscal year (CE date), inside it whatever the year."""
    return datetime.date(fiscal_year - 543, 2, 1)


def make_session(*, team, start_date=None, end_date=None, attendees=()):
    """A session of ``team`` (one day in its fiscal year unless dates are given)."""
    start_date = start_date or _training_day(team.fiscal_year)
    session = TrainingSession.objects.filter(
        team=team, start_date=start_date, end_date=end_date or start_date
    ).first() or TrainingSession.objects.create(
        team=team, start_date=start_date, end_date=end_date or start_date
    )
    if attendees:
        session.attendees.add(*attendees)
    return session


def make_group(*, village=None, occupation=None, name=None):
    village = village or make_village()
    return OccupationGroup.objects.create(
        village=village,
        occupation=occupation or make_occupation(),
        name=name or f"กลุ่มทดสอบ{next(_n)}",
    )


def make_product(*, village=None, category="food", **fields):
    village = village or make_village()
    fields.setdefault("name", f"ผลิตภัณฑ์ทดสอบ{next(_n)}")
    if fields.get("stars") and not fields.get("star_year"):
        fields["star_year"] = 2568
    return Product.objects.create(village=village, category=category, **fields)
