import itertools
from decimal import Decimal

from programs.models import Household, Occupation, OccupationGroup, Product, Sage, TrainerTeam
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
    village = village or make_village()
    fields.setdefault("first_name", "สมชาย")
    fields.setdefault("last_name", f"ทดสอบ{next(_n)}")
    fields.setdefault("house_no", str(next(_n)))
    fields.setdefault("citizen_id", valid_id())
    for key in ("income_before", "income_after"):
        if fields.get(key) is not None:
            fields[key] = Decimal(str(fields[key]))
    return Household.objects.create(
        village=village, fiscal_year=fiscal_year, status=status, **fields
    )


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
