"""Invented programme data for development (called by ``seed_demo``).

Names pair common Thai given names with surnames that are plainly made up ("…สาธิต", "…ทดลอง");
citizen IDs are random digits with a valid check digit. Deterministic: the same data every run.
"""

import datetime
import random
from decimal import Decimal

from sammachip import citizen_id, thaidate
from villages.models import Subdistrict, Village

from .models import (
    FollowUp,
    Household,
    Occupation,
    OccupationGroup,
    Product,
    Sage,
    TeamMember,
    TrainerTeam,
    TrainingSession,
)

GIVEN = [
    "สมชาย",
    "สมศรี",
    "บุญมี",
    "มาลี",
    "ประยูร",
    "สุดา",
    "ทองดี",
    "บัวผัน",
    "คำปุน",
    "จันทร์เพ็ญ",
    "วิไล",
    "สมพร",
    "อำนวย",
    "บุญเรือง",
    "แก้วตา",
    "สุรพล",
    "นงลักษณ์",
    "ประเสริฐ",
    "ละมัย",
    "หนูเพียร",
]
SURNAMES = [
    "ใจสาธิต",
    "ดีทดลอง",
    "สุขตัวอย่าง",
    "งามสมมุติ",
    "มั่นจำลอง",
    "ศรีทดสอบ",
    "บุญสาธิต",
    "พรทดลอง",
    "แสนตัวอย่าง",
    "ทองสมมุติ",
]
VILLAGE_WORDS = ["โนน", "หนอง", "ดอน", "โคก", "นา", "ป่า", "ห้วย", "บึง"]
VILLAGE_TAILS = ["สาธิต", "ทดลอง", "ตัวอย่าง", "สมมุติ", "จำลอง"]

# (subdistrict code, หมู่ที่) — 30 villages in three districts: พล, เมืองขอนแก่น, ชุมแพ.
DEMO_PROGRAMME_VILLAGES = (
    [("401207", 11)]
    + [("401207", m) for m in (3, 5, 8)]
    + [("401201", m) for m in (2, 4, 6)]
    + [("401203", m) for m in (1, 7)]
    + [("401205", 9)]
    + [("400101", m) for m in (2, 5)]
    + [("400102", m) for m in (7, 3, 10)]
    + [("400104", m) for m in (1, 4)]
    + [("400105", m) for m in (6, 12)]
    + [("400106", 8)]
    + [("400501", m) for m in (1, 3, 5)]
    + [("400502", m) for m in (2, 6)]
    + [("400503", m) for m in (4, 7)]
    + [("400504", 9), ("400505", 2), ("400506", 1)]
)

PRODUCT_NAMES = {
    "craft": ("ผ้าไหมมัดหมี่ลายสาธิต", Product.Category.TEXTILE),
    "food": ("น้ำพริกแกงสูตรทดลอง", Product.Category.FOOD),
    "agriculture": ("เห็ดนางฟ้าอบกรอบตัวอย่าง", Product.Category.FOOD),
    "service": ("ลูกประคบสมุนไพรสาธิต", Product.Category.HERB),
    "other": ("น้ำยาล้างจานชีวภาพตัวอย่าง", Product.Category.CRAFT),
}


def _person(rng):
    return rng.choice(["นาย", "นาง", "นางสาว"]), rng.choice(GIVEN), rng.choice(SURNAMES)


def _citizen_id(rng):
    return citizen_id.with_check_digit(str(rng.randint(1, 8)) + f"{rng.randrange(10**11):011d}")


def _phone(rng):
    return f"08{rng.randint(0, 9)}{rng.randrange(10**7):07d}"


def seed_programme(*, fiscal_year=None, stdout=None):
    """Create the demo programme once; return the number of households created (0 if present)."""
    fiscal_year = fiscal_year or thaidate.current_fiscal_year() - 1
    rng = random.Random(2567)
    occupations = list(Occupation.objects.order_by("pk"))
    if not occupations:
        raise RuntimeError("load fixtures/occupations.json first")
    subdistricts = Subdistrict.objects.in_bulk({code for code, _ in DEMO_PROGRAMME_VILLAGES})
    villages = []
    for code, moo in DEMO_PROGRAMME_VILLAGES:
        village, _ = Village.objects.get_or_create(
            subdistrict=subdistricts[code],
            moo=moo,
            defaults={"name_th": "บ้าน" + rng.choice(VILLAGE_WORDS) + rng.choice(VILLAGE_TAILS)},
        )
        villages.append(village)
    if Household.objects.filter(village__in=villages, fiscal_year=fiscal_year).exists():
        return 0

    start, end = thaidate.fiscal_year_bounds(fiscal_year)
    seen_ids = set()
    created = 0
    for index, village in enumerate(villages):
        occupation = occupations[index % len(occupations)]
        prefix, first, last = _person(rng)
        sage = Sage.objects.create(
            village=village,
            prefix=prefix,
            first_name=first,
            last_name=last,
            bio=f"ปราชญ์ชุมชนด้าน{occupation.name} ถ่ายทอดความรู้ให้ครัวเรือนในหมู่บ้านมากว่า 10 ปี "
            "(ข้อมูลสมมุติเพื่อการสาธิต)",
            phone=_phone(rng),
            phone_public=index % 3 == 0,
            citizen_id=_citizen_id(rng),
            is_public=index % 4 != 3,
        )
        sage.expertise.set([occupation])
        team = TrainerTeam.objects.create(
            village=village, fiscal_year=fiscal_year, sage=sage, occupation=occupation
        )
        member_count = 4 if index % 7 else 3  # a few teams short of the guidance, as in life
        for role in list(TeamMember.Role)[:member_count]:
            p, f, la = _person(rng)
            TeamMember.objects.create(team=team, prefix=p, first_name=f, last_name=la, role=role)
        session_start = start + datetime.timedelta(days=30 + index * 3)
        session = TrainingSession.objects.create(
            team=team,
            start_date=session_start,
            end_date=session_start + datetime.timedelta(days=4),
            place=TrainingSession.Place.SAGE_HOME
            if index % 2
            else TrainingSession.Place.LEARNING_CENTRE,
        )
        group = None
        if index % 3 == 0:
            group = OccupationGroup.objects.create(
                village=village,
                occupation=occupation,
                name=f"กลุ่ม{occupation.name}บ้าน{village.moo}",
                founded_on=session_start + datetime.timedelta(days=120),
            )
            name, category = PRODUCT_NAMES[occupation.kind]
            stars = rng.choice([None, 3, 4, 5])
            Product.objects.create(
                village=village,
                group=group,
                name=name,
                category=category,
                stars=stars,
                star_year=fiscal_year if stars else None,
                price=Decimal(rng.choice([45, 60, 120, 350])),
                unit=rng.choice(["ถุง", "กระปุก", "ผืน", "ชิ้น"]),
                is_featured=stars is not None and stars >= 4,
            )
        households = []
        for number in range(20):
            p, f, la = _person(rng)
            while True:
                pid = _citizen_id(rng)
                if pid not in seen_ids:
                    seen_ids.add(pid)
                    break
            roll = rng.random()
            if roll < 0.05:
                status = Household.Status.DROPPED
            elif roll < 0.12:
                status = Household.Status.TRAINED
            elif group is not None and roll < 0.55:
                status = Household.Status.GROUPED
            else:
                status = Household.Status.PRACTISING
            before = Decimal(rng.randrange(1500, 4500, 100))
            after = before * Decimal(rng.choice(["0.98", "1.02", "1.05", "1.08", "1.12"]))
            households.append(
                Household(
                    village=village,
                    district_id=village.district_id,
                    fiscal_year=fiscal_year,
                    house_no=f"{rng.randint(1, 250)}",
                    prefix=p,
                    first_name=f,
                    last_name=la,
                    citizen_id=pid,
                    phone=_phone(rng) if number % 2 else "",
                    occupation=occupation,
                    trainer_team=team,
                    status=status,
                    income_before=before,
                    income_after=after.quantize(Decimal("1")) if status != "dropped" else None,
                    group=group if status == Household.Status.GROUPED else None,
                )
            )
        Household.objects.bulk_create(households)
        created += len(households)
        saved = list(Household.objects.filter(trainer_team=team))
        session.attendees.set([h for h in saved if h.status != Household.Status.DROPPED])
        FollowUp.objects.bulk_create(
            FollowUp(
                household=h,
                visited_on=min(
                    end, session_start + datetime.timedelta(days=60 + rng.randint(0, 90))
                ),
                practising=h.status in Household.PRACTISING_STATUSES,
                monthly_income=h.income_after,
                notes="ติดตามผลตามแผน (ข้อมูลสมมุติ)",
            )
            for h in saved
            if h.status != Household.Status.TARGET
        )
    return created
