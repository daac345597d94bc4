"""Benchmark data of a whole province's programme, for bench/pages.py and bench/load.py.

Khon Kaen's geography (26 districts, 199 subdistricts), ``--villages`` villages spread over
them, one sage and trainer team per village (half the sages listed publicly), ``--households``
households (about 20 per village, every status), occupational groups in one village out of ten,
and ``--articles`` published articles of Thai text in every category, indexed for search.
Deterministic (fixed seed). Built with bulk inserts in a few tens of seconds; ``ensure`` skips
the build when the database already holds data of the asked size.
"""

import datetime
import io
import os
import random
import urllib.parse
from decimal import Decimal

SEED = 9
DEFAULT_SIZES = {"articles": 10_000, "villages": 2_300, "households": 50_000}
BENCH_DB_NAME = "sammachip_deploy_bench"
PG_URL = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432/sammachip")

WORD_TEXT = """
ข้าว ข้าวเหนียว นา ชาวนา ทอ ผ้า ผ้าไหม ผ้าฝ้าย มัดหมี่ ย้อม คราม ไหม หม่อน ลาย ปุ๋ย ปุ๋ยหมัก ดิน
น้ำหมัก จุลินทรีย์ ปลา ปลานิล กบ บ่อ เลี้ยง สมุนไพร ขมิ้น ตะไคร้ ไพล ลูกประคบ สบู่ จักสาน ไม้ไผ่
ตะกร้า หวาย แปรรูป อาหาร ขนม แจ่ว ปลาร้า น้ำพริก กล้วย บรรจุภัณฑ์ ตลาด จำหน่าย รายได้ ต้นทุน กำไร
เห็ด โรงเรือน ก้อนเชื้อ ไก่ ไข่ หมู วัว เป็ด ชุมชน หมู่บ้าน ครัวเรือน ปราชญ์ วิทยากร อบรม ความรู้
ที่ และ การ ของ ใน ให้ ได้ มี เป็น จาก กับ เพื่อ โดย แล้ว ต้อง ควร ก่อน หลัง ทำ ใช้ ทุก วัน
"""
WORDS = WORD_TEXT.split()
GIVEN = ["สมชาย", "สมศรี", "บุญมี", "มาลี", "ประยูร", "สุดา", "ทองดี", "บัวผัน", "คำปุน", "วิไล"]
SURNAMES = ["ใจสาธิต", "ดีทดลอง", "สุขตัวอย่าง", "งามสมมุติ", "มั่นจำลอง", "ศรีทดสอบ"]
SEARCH_WORDS = ["ผ้าไหม", "ปุ๋ยหมัก", "น้ำพริก", "เห็ด", "สมุนไพร", "จักสาน", "ปลานิล", "ข้าว"]


def _sentence(rng, words=12):
    return "".join(rng.choice(WORDS) for _ in range(words))


def _paragraph(rng, sentences):
    return " ".join(_sentence(rng, rng.randint(6, 16)) for _ in range(sentences))


def bench_database_url(pg_url=None, name=BENCH_DB_NAME):
    """Database ``name`` (default ``sammachip_deploy_bench``) on the server of ``pg_url``,
    created (UTF-8) when missing."""
    import psycopg2

    parts = urllib.parse.urlsplit(pg_url or PG_URL)
    connection = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=urllib.parse.unquote(parts.username or "postgres"),
        password=urllib.parse.unquote(parts.password or "") or None,
        dbname="postgres",
        connect_timeout=5,
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(
                f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' "
                "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
            )
    connection.close()
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def sizes_present():
    from articles.models import Article
    from programs.models import Household
    from villages.models import Village

    return {
        "articles": Article.objects.count(),
        "villages": Village.objects.count(),
        "households": Household.objects.count(),
    }


def ensure(sizes=None, *, rebuild=False, log=print):
    """Build the data unless the database already has exactly these sizes."""
    sizes = {**DEFAULT_SIZES, **(sizes or {})}
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if not rebuild and sizes_present() == sizes:
        log(f"bench data present: {sizes}")
        return sizes
    log(f"building bench data: {sizes}")
    build(**sizes)
    return sizes


def reset():
    """An empty, migrated database (``flush`` cannot truncate PostgreSQL's auditlog table)."""
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        call_command("migrate", verbosity=0)
    else:
        call_command("flush", interactive=False, verbosity=0)


def build(*, articles, villages, households):
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from articles.models import Article, Category
    from programs.models import Household, Occupation, OccupationGroup, Sage, TrainerTeam
    from sammachip import citizen_id
    from sammachip.models import User
    from villages.models import District, Subdistrict, Village

    rng = random.Random(SEED)
    reset()
    call_command("load_geography", province=["40"], verbosity=0, stdout=io.StringIO())
    call_command("loaddata", str(settings.BASE_DIR / "fixtures" / "occupations.json"), verbosity=0)
    call_command("loaddata", str(settings.BASE_DIR / "fixtures" / "categories.json"), verbosity=0)

    staff = User.objects.create_user(
        username="bench_province", password="bench-password-2567", role="province", is_staff=True
    )
    del staff

    subdistricts = list(Subdistrict.objects.filter(district__province_id="40").order_by("code"))
    village_rows = []
    for n in range(villages):
        subdistrict = subdistricts[n % len(subdistricts)]
        moo = n // len(subdistricts) + 1
        village_rows.append(
            Village(
                code=f"{subdistrict.code}{moo:02d}",  # bulk_create skips save(), which derives
                district_id=subdistrict.district_id,  # the code and the district
                subdistrict=subdistrict,
                moo=moo,
                name_th=f"บ้าน{rng.choice(WORDS)}{rng.choice(['สาธิต', 'ทดลอง'])}{moo}",
            )
        )
    Village.objects.bulk_create(village_rows, batch_size=1000)
    village_list = list(Village.objects.select_related("subdistrict").order_by("code"))
    occupations = list(Occupation.objects.all())

    sages = []
    for n, village in enumerate(village_list):
        sages.append(
            Sage(
                village=village,
                district_id=village.subdistrict.district_id,
                prefix="นาย",
                first_name=rng.choice(GIVEN),
                last_name=rng.choice(SURNAMES),
                bio=_paragraph(rng, 2),
                phone="0812345678",
                citizen_id=citizen_id.with_check_digit(f"3{n:011d}"),
                is_public=n % 2 == 0,
            )
        )
    Sage.objects.bulk_create(sages, batch_size=1000)
    sage_by_village = {sage.village_id: sage for sage in Sage.objects.all()}
    Sage.expertise.through.objects.bulk_create(
        [
            Sage.expertise.through(sage_id=sage.pk, occupation_id=rng.choice(occupations).pk)
            for sage in sage_by_village.values()
        ],
        batch_size=2000,
    )
    teams = [
        TrainerTeam(
            village=village,
            district_id=village.subdistrict.district_id,
            fiscal_year=2568,
            sage=sage_by_village[village.pk],
            occupation=rng.choice(occupations),
        )
        for village in village_list
    ]
    TrainerTeam.objects.bulk_create(teams, batch_size=1000)
    team_by_village = {team.village_id: team for team in TrainerTeam.objects.all()}
    groups = [
        OccupationGroup(
            village=village,
            district_id=village.subdistrict.district_id,
            name=f"กลุ่ม{rng.choice(WORDS)}บ้าน{village.moo}",
            occupation=team_by_village[village.pk].occupation,
        )
        for village in village_list[::10]
    ]
    OccupationGroup.objects.bulk_create(groups, batch_size=1000)
    group_by_village = {group.village_id: group for group in OccupationGroup.objects.all()}

    statuses = Household.Status.values
    batch = []
    for n in range(households):
        village = village_list[n % len(village_list)]
        status = rng.choice(statuses)
        team = team_by_village[village.pk]
        batch.append(
            Household(
                village=village,
                district_id=village.subdistrict.district_id,
                fiscal_year=2568,
                house_no=str(n % 400 + 1),
                prefix=rng.choice(["นาย", "นาง", "นางสาว"]),
                first_name=rng.choice(GIVEN),
                last_name=rng.choice(SURNAMES),
                citizen_id=citizen_id.with_check_digit(f"1{n:011d}"),
                phone="0812345678",
                occupation=team.occupation,
                trainer_team=team,
                status=status,
                income_before=Decimal(rng.randrange(1500, 6000)),
                income_after=Decimal(rng.randrange(1500, 7000)) if status != "target" else None,
                group=group_by_village.get(village.pk) if status == "grouped" else None,
            )
        )
        if len(batch) == 5000:
            Household.objects.bulk_create(batch)
            batch = []
    Household.objects.bulk_create(batch)

    categories = list(Category.objects.all())
    districts = list(District.objects.filter(province_id="40"))
    start = timezone.now() - datetime.timedelta(days=3650)
    article_rows = []
    for n in range(articles):
        village = village_list[n % len(village_list)]
        topic = SEARCH_WORDS[n % len(SEARCH_WORDS)]
        article_rows.append(
            Article(
                title=f"การทำ{topic}{_sentence(rng, 3)} {n}",
                category=categories[n % len(categories)],
                author_name=f"{rng.choice(GIVEN)} {rng.choice(SURNAMES)}",
                author_position="นักวิชาการพัฒนาชุมชน",
                district=rng.choice(districts) if n % 7 else village.subdistrict.district,
                subdistrict=village.subdistrict if n % 7 == 0 else None,
                village=village if n % 7 == 0 else None,
                background=_paragraph(rng, 3) + topic,
                objectives=_paragraph(rng, 2),
                materials=_paragraph(rng, 1),
                equipment=_paragraph(rng, 1),
                process=_paragraph(rng, 5) + topic,
                cautions=_paragraph(rng, 1),
                status=Article.Status.PUBLISHED,
                published_at=start + datetime.timedelta(minutes=n * 500),
            )
        )
    Article.objects.bulk_create(article_rows, batch_size=1000)
    call_command("rebuild_search_index", verbosity=0, stdout=io.StringIO())
    from django.db import connection

    if connection.vendor == "postgresql":
        # Statistics and the visibility map, as autovacuum would make them soon after a load.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
