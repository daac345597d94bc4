"""Invented programme data for development (called by ``seed_demo``).

Names pair common Thai given names with surnames that are plainly made up ("…สาธิต", "…ทดลอง");
citizen IDs are random digits with a valid check digit. Deterministic: the same data every run,
its dates counted from the day it runs (``seed_programme``).
"""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

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
from .stages import household_stages_refresh

# Given names by the prefix they go with (no นายสมศรี): นาย a man's name, นาง and นางสาว a woman's.
MEN = ["สมชาย", "บุญมี", "ประยูร", "ทองดี", "อำนวย", "บุญเรือง", "สุรพล", "ประเสริฐ", "สมศักดิ์", "วิชัย"]
WOMEN = ["สมศรี", "มาลี", "สุดา", "บัวผัน", "คำปุน", "จันทร์เพ็ญ", "วิไล", "แก้วตา", "นงลักษณ์", "ละมัย"]
GIVEN = {"นาย": MEN, "นาง": WOMEN, "นางสาว": WOMEN}
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

# A group's product follows from its occupation (name, OTOP category, unit, four prices to draw
# from); an occupation that sells a service has none. The names say they are invented.
PRODUCTS = {
    "ทอผ้าไหม": ("ผ้าไหมมัดหมี่ลายสาธิต", Product.Category.TEXTILE, "ผืน", (850, 1200, 1500, 2400)),
    "ทอผ้าฝ้ายย้อมคราม": ("ผ้าฝ้ายย้อมครามสาธิต", Product.Category.TEXTILE, "ผืน", (350, 450, 590, 750)),
    "จักสานผลิตภัณฑ์จากไม้ไผ่": ("กระติบข้าวไม้ไผ่ตัวอย่าง", Product.Category.CRAFT, "ใบ", (60, 85, 120, 150)),
    "ทำไม้กวาดดอกหญ้า": ("ไม้กวาดดอกหญ้าสาธิต", Product.Category.CRAFT, "ด้าม", (45, 60, 75, 90)),
    "ปลูกผักปลอดสารพิษ": ("ผักสลัดปลอดสารตัวอย่าง", Product.Category.FOOD, "ถุง", (25, 35, 40, 50)),
    "เพาะเห็ดนางฟ้า": ("เห็ดนางฟ้าอบกรอบตัวอย่าง", Product.Category.FOOD, "ถุง", (35, 45, 60, 80)),
    "เลี้ยงไก่พื้นเมือง": ("ไข่ไก่พื้นเมืองสาธิต", Product.Category.FOOD, "แผง", (90, 110, 120, 135)),
    "เลี้ยงปลาในบ่อดิน": ("ปลาดุกแดดเดียวตัวอย่าง", Product.Category.FOOD, "ถุง", (60, 80, 100, 120)),
    "ทำปุ๋ยอินทรีย์": ("ปุ๋ยหมักอินทรีย์สาธิต", Product.Category.CRAFT, "กระสอบ", (120, 150, 180, 250)),
    "เลี้ยงกบ": ("กบแดดเดียวตัวอย่าง", Product.Category.FOOD, "ถุง", (80, 100, 120, 150)),
    "แปรรูปปลาส้ม": ("ปลาส้มสูตรทดลอง", Product.Category.FOOD, "ถุง", (50, 60, 80, 100)),
    "ทำน้ำพริกแกง": ("น้ำพริกแกงสูตรทดลอง", Product.Category.FOOD, "กระปุก", (35, 45, 60, 80)),
    "ทำขนมไทย": ("ขนมไทยกล่องตัวอย่าง", Product.Category.FOOD, "กล่อง", (40, 50, 60, 80)),
    "ทำข้าวเกรียบ": ("ข้าวเกรียบสมุนไพรสาธิต", Product.Category.FOOD, "ถุง", (20, 25, 35, 45)),
    "นวดแผนไทย": ("ลูกประคบสมุนไพรสาธิต", Product.Category.HERB, "ลูก", (45, 60, 80, 100)),
    "ตัดเย็บเสื้อผ้า": ("เสื้อผ้าฝ้ายตัดเย็บสาธิต", Product.Category.TEXTILE, "ตัว", (250, 350, 450, 590)),
    "ทำลูกประคบสมุนไพร": ("ลูกประคบสมุนไพรสาธิต", Product.Category.HERB, "ลูก", (45, 60, 80, 100)),
    "ทำน้ำยาล้างจานชีวภาพ": ("น้ำยาล้างจานชีวภาพตัวอย่าง", Product.Category.CRAFT, "ขวด", (25, 35, 45, 60)),
}


def _person(rng):
    prefix = rng.choice(list(GIVEN))
    # Twenty entries, as many as the one list of names there was: the draws after this one, and
    # so the demo's dates and stages, stay as they were.
    given = rng.choice(GIVEN[prefix] * 2)
    return prefix, given, rng.choice(SURNAMES)


def _citizen_id(rng):
    return citizen_id.with_check_digit(str(rng.randint(1, 8)) + f"{rng.randrange(10**11):011d}")


def _phone(rng):
    return f"08{rng.randint(0, 9)}{rng.randrange(10**7):07d}"


# The current year's villages, by index % 10: how long ago the team's training ended, so that
# today's follow-up schedule (``programs.schedule``: 1, 3, 6 months) has every case.
#   "long": about 7 months: visits 1 and 2 done, the 6-month one done or overdue;
#   "mid": about 4 months: visit 1 done, the 3-month one done or overdue;
#   "due1": the 1-month visit due in 3 days; "due3": the 3-month visit due in 2 days;
#   "new": 40 days: trained, never visited (the 1-month visit overdue);
#   "none": a team without a training session (its households only listed).
# Index 2 (a "due1" village) has no sage of its own: its team's sage lives in the village before.
CURRENT_PLAN = ["long", "mid", "due1", "long", "new", "mid", "due3", "none", "long", "mid"]
NO_SAGE = 2
TRAINING_DAYS = 5
STOPPED = "เลิกประกอบอาชีพ หันไปรับจ้างทั่วไป (ข้อมูลสมมุติ)"


def _training_end(kind, today, first_day):
    """The training's last day for a current-year village of ``kind``, never before the fiscal
    year allows a whole training (``first_day`` + 4 days) nor after today."""
    end = {
        "long": today - datetime.timedelta(days=200),
        "mid": today - datetime.timedelta(days=120),
        "due1": thaidate.add_months(today + datetime.timedelta(days=3), -1),
        "due3": thaidate.add_months(today + datetime.timedelta(days=2), -3),
        "new": today - datetime.timedelta(days=40),
    }[kind]
    return min(today, max(end, first_day + datetime.timedelta(days=TRAINING_DAYS - 1)))


def _follow_ups(rng, household, *, training_end, today, plan, skip_latest, drop):
    """The visits of one household 1, 3 and 6 months after ``training_end`` up to today: each a
    few days after its due date; ``skip_latest`` leaves the latest one due not made (overdue);
    ``drop`` makes the second visit (or the only one) a drop with its reason
    (``FollowUp.stopped_reason``)."""
    due = [thaidate.add_months(training_end, months) for months in (1, 3, 6)]
    past = [day for day in due if day < today]
    if skip_latest and past:
        past = past[:-1]
    visits = []
    drop_at = min(1, len(past) - 1) if drop else None  # the second visit, or the only one
    for number, day in enumerate(past):
        stopped = number == drop_at
        practising = plan != Household.Status.TRAINED and not stopped
        income = household.income_before or Decimal(0)
        income = income * Decimal(rng.choice(["1.00", "1.02", "1.05", "1.08", "1.12"]))
        visits.append(
            FollowUp(
                household=household,
                visited_on=min(today, day + datetime.timedelta(days=rng.randint(0, 4))),
                practising=practising,
                monthly_income=income.quantize(Decimal("1")) if practising else None,
                stopped_reason=STOPPED if stopped else "",
                notes="ติดตามผลตามแผน (ข้อมูลสมมุติ)",
            )
        )
        if stopped:
            break
    if visits and visits[-1].practising and household.income_after:
        visits[-1].monthly_income = household.income_after  # the year's income is the latest
    return visits


def _plan(rng, group):
    """The stage a demo household is meant to reach (made by its records, not typed)."""
    roll = rng.random()
    if roll < 0.05:
        return Household.Status.DROPPED
    if roll < 0.12:
        return Household.Status.TRAINED
    if group is not None and roll < 0.55:
        return Household.Status.GROUPED
    return Household.Status.PRACTISING


def seed_programme(*, today=None, stdout=None):
    """Create the demo programme once; return the number of households created (0 if present).

    Two fiscal years, dated from ``today`` (``timezone.localdate()``): the previous one
    complete (trainings, three visits each, groups, products) and the current one in progress,
    so the officer's home has visits done, due this week and overdue, households never visited,
    a team without a session, a village without a sage and a household dropped with a reason.
    (Early in a fiscal year, before a training can be a month old, the current year's visits
    are not due yet: the previous year's households then fill the lists.)"""
    today = today or timezone.localdate()
    current = thaidate.fiscal_year(today)
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
    years = [
        year
        for year in (current - 1, current)
        if not Household.objects.filter(village__in=villages, fiscal_year=year).exists()
    ]
    if not years:
        return 0

    sages = {}
    for index, village in enumerate(villages):
        occupation = occupations[index % len(occupations)]
        sage = Sage.objects.filter(village=village).order_by("pk").first()
        if sage is None and index % 10 != NO_SAGE:
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
        sages[index] = sage or sages[index - 1]  # the sage of the village before (same district)

    seen_ids = set()
    created = 0
    for fiscal_year in years:
        created += _seed_year(
            rng,
            villages=villages,
            sages=sages,
            occupations=occupations,
            fiscal_year=fiscal_year,
            today=today,
            seen_ids=seen_ids,
        )
    return created


def _seed_year(rng, *, villages, sages, occupations, fiscal_year, today, seen_ids):
    start, end = thaidate.fiscal_year_bounds(fiscal_year)
    in_progress = end >= today
    created = 0
    for index, village in enumerate(villages):
        occupation = occupations[index % len(occupations)]
        team = TrainerTeam.objects.create(
            village=village, fiscal_year=fiscal_year, sage=sages[index], occupation=occupation
        )
        member_count = 4 if index % 7 else 3  # a few teams short of the guidance, as in life
        for role in list(TeamMember.Role)[:member_count]:
            p, f, la = _person(rng)
            TeamMember.objects.create(team=team, prefix=p, first_name=f, last_name=la, role=role)
        kind = CURRENT_PLAN[index % 10] if in_progress else "done"
        if kind == "done":
            training_end = start + datetime.timedelta(days=30 + index * 3 + TRAINING_DAYS - 1)
        elif kind != "none":
            training_end = _training_end(kind, today, start)
        session = None
        if kind != "none":
            session = TrainingSession.objects.create(
                team=team,
                start_date=max(start, training_end - datetime.timedelta(days=TRAINING_DAYS - 1)),
                end_date=training_end,
                place=TrainingSession.Place.SAGE_HOME
                if index % 2
                else TrainingSession.Place.LEARNING_CENTRE,
            )
        group = OccupationGroup.objects.filter(village=village).first()
        if group is None and index % 3 == 0 and kind == "done":
            group = OccupationGroup.objects.create(
                village=village,
                occupation=occupation,
                name=f"กลุ่ม{occupation.name}บ้าน{village.moo}",
                founded_on=training_end + datetime.timedelta(days=120),
            )
            product = PRODUCTS.get(occupation.name)
            # Three draws whatever the product (the demo's later draws stay as they were).
            stars = rng.choice([None, 3, 4, 5])
            price = rng.choice(product[3] if product else (0, 0, 0, 0))
            rng.choice(["ถุง", "กระปุก", "ผืน", "ชิ้น"])  # the unit was drawn here
            if product is not None:  # none for a service (repairing farm engines)
                name, category, unit, _prices = product
                Product.objects.create(
                    village=village,
                    group=group,
                    name=name,
                    category=category,
                    stars=stars,
                    star_year=fiscal_year if stars else None,
                    price=Decimal(price),
                    unit=unit,
                    is_featured=stars is not None and stars >= 4,
                )
        if kind not in ("done", "long", "mid"):
            group = None  # too new to have joined a group
        households, plans = [], []
        for number in range(20):
            p, f, la = _person(rng)
            while True:
                pid = _citizen_id(rng)
                if pid not in seen_ids:
                    seen_ids.add(pid)
                    break
            plan = _plan(rng, group)
            if kind != "done" and plan == Household.Status.DROPPED:
                plan = Household.Status.PRACTISING  # in progress: one drop only (below)
            if kind == "long" and index == 0 and number == 0:
                plan = Household.Status.DROPPED
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
                    income_before=before,
                    income_after=after.quantize(Decimal("1"))
                    if kind == "done" and plan != "dropped"
                    else None,
                    group=group if plan == Household.Status.GROUPED else None,
                )
            )
            plans.append(plan)
        Household.objects.bulk_create(households, refresh=False)  # refreshed below
        created += len(households)
        # The stage follows the records made here (attendance, follow-ups, the group; a
        # follow-up with a reason for a drop), recomputed at the end (programs.stages).
        saved = list(Household.objects.filter(trainer_team=team).order_by("pk"))
        if session is None:
            continue
        session.attendees.set(saved)
        visits = []
        for number, (household, plan) in enumerate(zip(saved, plans, strict=True)):
            visits += _follow_ups(
                rng,
                household,
                training_end=training_end,
                today=today,
                plan=plan,
                # Some miss their latest visit: overdue (in a past year, the 6-month one).
                skip_latest=number % 4 == 1 if kind in ("long", "mid") else number % 10 == 3,
                drop=plan == Household.Status.DROPPED,
            )
        FollowUp.objects.bulk_create(visits)
        household_stages_refresh(households=saved)  # bulk_create sends no signal
    return created
