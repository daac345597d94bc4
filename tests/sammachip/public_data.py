"""Programme data for the public-portal tests, of any size, with secrets that must never show:
household names, citizen IDs, private phones, non-public sages."""

import itertools

from django.db.models import Max

from articles.models import Article, Category
from programs.models import Household
from sammachip import thaidate
from tests.articles.factories import make_article
from tests.factories import make_village
from tests.programs.factories import (
    make_group,
    make_household,
    make_occupation,
    make_product,
    make_sage,
    make_team,
    valid_id,
)
from villages.models import Village

# (subdistrict, district) pairs in three districts: พล, เมืองขอนแก่น, ชุมแพ.
PLACES = [("401207", "4012"), ("400101", "4001"), ("400501", "4005")]
STATUS_CYCLE = ["practising"] * 12 + ["grouped"] * 4 + ["trained"] * 2 + ["target", "dropped"]
_seed = itertools.count(90_000)


def build_portal(*, villages=1, households_per_village=20, articles=1, fiscal_year=None):
    """``villages`` programme villages spread over three districts, each with a public sage (a
    private phone), a team, ``households_per_village`` households (private phones), a group and a
    featured product; one non-public sage; ``articles`` published articles tied to the first
    sage and district. Returns what was made."""
    year = fiscal_year or thaidate.current_fiscal_year()
    occupation = make_occupation("ทอผ้าไหม")
    category = Category.objects.get_or_create(slug="weaving", defaults={"name": "เทคนิคการทอผ้า"})[0]
    made = {"villages": [], "sages": [], "households": [], "hidden_sages": [], "year": year}
    for n in range(villages):
        subdistrict, _district = PLACES[n % len(PLACES)]
        taken = Village.objects.filter(subdistrict_id=subdistrict).aggregate(top=Max("moo"))["top"]
        village = make_village(subdistrict=subdistrict, moo=(taken or 0) + 1)
        sage = make_sage(
            village=village,
            first_name=f"ปราชญ์เปิดเผย{village.code}",
            last_name="สาธิต",
            phone=f"0812{n:06d}",
            phone_public=False,
            citizen_id=valid_id(next(_seed)),
            is_public=True,
            bio="ถ่ายทอดการทอผ้าไหม <script>alert(1)</script>",
        )
        sage.expertise.set([occupation])
        team = make_team(village=village, fiscal_year=year, sage=sage, occupation=occupation)
        group = make_group(village=village, occupation=occupation, name=f"กลุ่มทอผ้าบ้าน{n}")
        make_product(
            village=village,
            group=group,
            category="textile",
            name=f"ผ้าไหมมัดหมี่ลาย{n}",
            stars=4,
            is_featured=True,
            price=350,
            unit="ผืน",
        )
        for h in range(households_per_village):
            status = STATUS_CYCLE[h % len(STATUS_CYCLE)]
            household = make_household(
                village=village,
                fiscal_year=year,
                status=status,
                first_name=f"ครัวเรือนลับ{n}x{h}",
                last_name="นามสกุลลับ",
                citizen_id=valid_id(next(_seed)),
                phone=f"0899{n:03d}{h:03d}",
                trainer_team=team,
                group=group if status == "grouped" else None,
                income_before=2000,
                income_after=2100,
            )
            made["households"].append(household)
        made["villages"].append(village)
        made["sages"].append(sage)
    hidden = make_sage(
        village=made["villages"][0],
        first_name="ปราชญ์ไม่เปิดเผย",
        last_name="ส่วนตัว",
        phone="0823334444",
        citizen_id=valid_id(next(_seed)),
        is_public=False,
    )
    made["hidden_sages"].append(hidden)
    for n in range(articles):
        make_article(
            category=category,
            status=Article.Status.PUBLISHED,
            district="4012",
            sage=made["sages"][0],
            title=f"เทคนิคการทอผ้าไหม ตอนที่ {n + 1}",
        )
    made["household_count"] = Household.objects.count()
    return made
