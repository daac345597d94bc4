"""Benchmark: the admin household changelist at 1.5 million households (issue 9).

    .venv/bin/python bench/changelist.py [--households 1500000] [--villages 2340] [--years 6]
        [--repeat 7] [--rebuild] [--explain misses|all|none]

Data: the PostgreSQL database ``sammachip_bench_changelist`` on PG_URL's server (default the
local one; made with a UTF-8 locale when missing; other sizes than the default get their own
database, ``sammachip_bench_changelist_<households>``), reused when it already holds data of
the asked size (``--rebuild`` builds it again). Khon Kaen's geography (load_geography
--province 40: 26 districts, 199 subdistricts), ``--villages`` villages spread over the
subdistricts, one sage per village, a trainer team per village and fiscal year, a group in one
village out of ten, and ``--households`` households over the last ``--years`` fiscal years
(village sizes vary ±50 %; the statuses of older years are further along). Names are invented
and marked as such (surnames ending in ทดสอบ, สมมุติ, จำลอง, ตัวอย่าง, สาธิต); citizen IDs are
unique 13-digit numbers with valid check digits, stored as the model's fields store them (the
Fernet token of ``EncryptedCitizenIdField.get_prep_value`` and the keyed hash of
``CitizenIdHashField``), written with COPY. The national table (1.5 million households a year
over 75,000 villages) is put into one province: a village here has ~107 households a year
instead of about 20, so a district officer's list is about five times longer than it would be
(a harder case than the real one), while the province-wide list has the national size.

Measured in-process through Django's test client with the production settings (DEBUG off), as
provincial staff (every district) and as a district officer of อ.เมืองขอนแก่น (4001, the largest
district): the plain list, a page deep in the list, the last page and the middle one (reached
only by typing its number: the admin links the first, last and neighbouring pages), each
list_filter, and searches; the median of ``--repeat`` requests after one warm-up, the number of
queries and the slowest query's time. ``--explain`` prints EXPLAIN (ANALYZE, BUFFERS) of the
slowest query of the cases that miss the target (``misses``, the default, plus the slowest case
overall), of every case (``all``) or of none. Prints a markdown table (bench/common.table).
"""

import argparse
import datetime
import io
import os
import random
import statistics
import sys
import time
import urllib.parse

from common import setup_django, table
from data import bench_database_url, reset

SEED = 15
DB_NAME = "sammachip_bench_changelist"
DEFAULT_HOUSEHOLDS = 1_500_000
DEFAULT_VILLAGES = 2_340
DEFAULT_YEARS = 6
DISTRICT_OFFICER_DISTRICT = "4001"
TARGETS = {  # households → (ms, text): the goals of issue 9
    1_500_000: (500, "≤ 500 ms at 1.5 million rows (PostgreSQL)"),
    50_000: (150, "≤ 150 ms at 50,000 rows (PostgreSQL)"),
}

GIVEN = [
    "สมชาย", "สมศรี", "สมหมาย", "สมพร", "สมใจ", "สมบัติ", "บุญมี", "บุญช่วย", "บุญเรือน",
    "มาลี", "ประยูร", "ประเสริฐ", "สุดา", "สุนทร", "ทองดี", "ทองใบ", "บัวผัน", "บัวลอง",
    "คำปุน", "คำแพง", "วิไล", "วันดี", "จันทร์เพ็ญ", "นิตยา", "อำนวย", "อุไร", "ละเอียด",
    "เพ็ญศรี", "ไพโรจน์", "ชูชาติ", "ดวงใจ", "กาญจนา", "สุรชัย", "ศักดิ์ชัย", "อรุณี",
    "พิกุล", "ยุพิน", "ถนอม", "เสถียร", "หนูพิน",
]  # fmt: skip
SURNAME_HEADS = [
    "ใจ", "ดี", "สุข", "งาม", "มั่น", "ศรี", "แก้ว", "ทอง", "บุญ", "คำ", "พล", "ชัย", "วงศ์",
    "สาย", "นาค", "เพชร", "ทิพย์", "แสง", "จันทร์", "รุ่ง", "พรหม", "อินทร์", "สิงห์", "นิล",
    "เงิน", "ไชย", "ภู", "โพธิ์", "มณี", "บัว", "ดวง", "ฤทธิ์", "ศักดิ์", "ปัญญา", "เจริญ",
    "สมบูรณ์", "ประเสริฐ", "วัฒนา", "พันธ์", "กุล",
]  # fmt: skip
SURNAME_TAILS = ["ทดสอบ", "สมมุติ", "จำลอง", "ตัวอย่าง", "สาธิต"]
VILLAGE_WORDS = ["โนน", "หนอง", "ดอน", "โคก", "นา", "ห้วย", "บ่อ", "กุด", "ท่า", "ป่า"]
COPY_COLUMNS = [
    "village_id", "district_id", "fiscal_year", "house_no", "prefix", "first_name", "last_name",
    "citizen_id", "citizen_id_hash", "phone", "occupation_id", "trainer_team_id", "status",
    "income_before", "income_after", "group_id", "created_at", "updated_at",
    "target_group", "income_after_source",
]  # fmt: skip
TARGET_GROUPS = ["", "disaster", "economic_shock", "elderly", "other"]  # by serial, no RNG draw


def log(message):
    print(message, file=sys.stderr, flush=True)


# ---- data --------------------------------------------------------------------------------------


def fiscal_years(count):
    from sammachip import thaidate

    current = thaidate.current_fiscal_year()
    return list(range(current - count + 1, current + 1))


def statuses_for(age):
    """Status weights of a fiscal year ``age`` years old: the current year is mostly targets."""
    if age == 0:
        return {"target": 40, "trained": 35, "practising": 15, "grouped": 5, "dropped": 5}
    return {"target": 3, "trained": 12, "practising": 45, "grouped": 28, "dropped": 12}


def sizes_present():
    from django.db import connection

    from programs.models import Household
    from villages.models import Village

    if "programs_household" not in connection.introspection.table_names():
        return None
    return {
        "households": Household.objects.count(),
        "villages": Village.objects.count(),
        "years": Household.objects.values("fiscal_year").distinct().count(),
    }


def ensure(*, households, villages, years, rebuild):
    from django.core.management import call_command

    wanted = {"households": households, "villages": villages, "years": years}
    if not rebuild:
        call_command("migrate", verbosity=0)
        if sizes_present() == wanted:
            log(f"bench data present: {wanted}")
            return None
    log(f"building bench data: {wanted}")
    start = time.perf_counter()
    build(households=households, villages=villages, years=years)
    seconds = time.perf_counter() - start
    log(f"built in {seconds:.0f} s")
    return seconds


def build(*, households, villages, years):
    from decimal import Decimal

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from programs.models import Household, Occupation, OccupationGroup, Sage, TrainerTeam
    from sammachip import citizen_id
    from villages.models import Subdistrict, Village

    rng = random.Random(SEED)
    reset()
    call_command("load_geography", province=["40"], verbosity=0, stdout=io.StringIO())
    call_command("loaddata", str(settings.BASE_DIR / "fixtures" / "occupations.json"), verbosity=0)

    subdistricts = list(Subdistrict.objects.filter(district__province_id="40").order_by("code"))
    Village.objects.bulk_create(
        [
            Village(
                code=f"{subdistricts[n % len(subdistricts)].code}{n // len(subdistricts) + 1:02d}",
                district_id=subdistricts[n % len(subdistricts)].district_id,
                subdistrict=subdistricts[n % len(subdistricts)],
                moo=n // len(subdistricts) + 1,
                name_th=f"บ้าน{rng.choice(VILLAGE_WORDS)}ทดสอบ{n // len(subdistricts) + 1}",
            )
            for n in range(villages)
        ],
        batch_size=1000,
    )
    village_list = list(Village.objects.order_by("code"))
    occupations = list(Occupation.objects.order_by("pk"))
    Sage.objects.bulk_create(
        [
            Sage(
                village=village,
                district_id=village.district_id,
                prefix="นาย",
                first_name=rng.choice(GIVEN),
                last_name=rng.choice(SURNAME_HEADS) + "ปราชญ์ทดสอบ",
                citizen_id=citizen_id.with_check_digit(f"3{n:011d}"),
                is_public=n % 2 == 0,
            )
            for n, village in enumerate(village_list)
        ],
        batch_size=1000,
    )
    sage_by_village = {sage.village_id: sage.pk for sage in Sage.objects.all()}
    occupation_by_village = {village.pk: rng.choice(occupations).pk for village in village_list}
    year_list = fiscal_years(years)
    TrainerTeam.objects.bulk_create(
        [
            TrainerTeam(
                village=village,
                district_id=village.district_id,
                fiscal_year=year,
                sage_id=sage_by_village[village.pk],
                occupation_id=occupation_by_village[village.pk],
            )
            for year in year_list
            for village in village_list
        ],
        batch_size=2000,
    )
    team_of = {(t.village_id, t.fiscal_year): t.pk for t in TrainerTeam.objects.all()}
    OccupationGroup.objects.bulk_create(
        [
            OccupationGroup(
                village=village,
                district_id=village.district_id,
                name=f"กลุ่มทดสอบบ้าน{village.moo} {village.code}",
                occupation_id=occupation_by_village[village.pk],
            )
            for village in village_list[::10]
        ],
        batch_size=1000,
    )
    group_of = {group.village_id: group.pk for group in OccupationGroup.objects.all()}

    # Households: village sizes vary ±50 % (the same each year); a village's list is entered
    # in one go (its rows are adjacent on disk, as when an officer types or imports a list).
    weights = [rng.uniform(0.5, 1.5) for _ in village_list]
    total_weight = sum(weights)
    encrypt = Household._meta.get_field("citizen_id").get_prep_value
    prefixes = ["นาย", "นาง", "นางสาว"]
    per_year = [households // years + (1 if k < households % years else 0) for k in range(years)]
    serial = 0
    start = time.perf_counter()
    raw = connection.cursor().cursor  # psycopg2's, for COPY
    for k, year in enumerate(year_list):
        counts = [int(per_year[k] * w / total_weight) for w in weights]
        for n in range(per_year[k] - sum(counts)):
            counts[n % len(counts)] += 1
        statuses = statuses_for(year_list[-1] - year)
        status_names, status_weights = list(statuses), list(statuses.values())
        ce_start = datetime.datetime(year - 544, 10, 1, 2, tzinfo=datetime.UTC)
        order = list(range(len(village_list)))
        rng.shuffle(order)
        buffer = io.StringIO()
        for position, index in enumerate(order):
            village = village_list[index]
            team = team_of[(village.pk, year)]
            stamp = (ce_start + datetime.timedelta(minutes=position * 200)).isoformat()
            for _ in range(counts[index]):
                number = citizen_id.with_check_digit(f"1{serial:011d}")
                serial += 1
                status = rng.choices(status_names, status_weights)[0]
                before = Decimal(rng.randrange(1500, 6000))
                after = "\\N" if status == "target" else str(before + rng.randrange(-500, 1500))
                row = [
                    str(village.pk),
                    village.district_id,
                    str(year),
                    str(rng.randrange(1, 400)) + ("" if rng.random() < 0.8 else "/1"),
                    rng.choice(prefixes),
                    rng.choice(GIVEN),
                    rng.choice(SURNAME_HEADS) + rng.choice(SURNAME_TAILS),
                    encrypt(number),
                    citizen_id.keyed_hash(number),
                    "0812345678",
                    str(occupation_by_village[village.pk]),
                    str(team),
                    status,
                    str(before),
                    after,
                    str(group_of[village.pk])
                    if status == "grouped" and village.pk in group_of
                    else "\\N",
                    stamp,
                    stamp,
                    TARGET_GROUPS[serial % len(TARGET_GROUPS)],
                    "" if after == "\\N" else "manual",  # typed, as before issue 15
                ]
                buffer.write("\t".join(row) + "\n")
            if buffer.tell() > 64 * 1024 * 1024 or position == len(order) - 1:
                buffer.seek(0)
                raw.copy_expert(
                    f"COPY programs_household ({', '.join(COPY_COLUMNS)}) FROM STDIN", buffer
                )
                buffer = io.StringIO()
        log(
            f"  fiscal year {year}: {per_year[k]:,} households "
            f"({serial:,} in {time.perf_counter() - start:.0f} s)"
        )
    start = time.perf_counter()
    with connection.cursor() as cursor:
        # Statistics and the visibility map, as autovacuum would make them soon after a load.
        cursor.execute("VACUUM ANALYZE")
    log(f"  VACUUM ANALYZE {time.perf_counter() - start:.0f} s")


def ensure_users():
    from sammachip.models import User
    from villages.models import District

    province, _ = User.objects.get_or_create(
        username="bench_province", defaults={"role": "province", "is_staff": True}
    )
    officer, _ = User.objects.get_or_create(
        username="bench_district", defaults={"role": "district", "is_staff": True}
    )
    officer.districts.set(District.objects.filter(code=DISTRICT_OFFICER_DISTRICT))
    return province, officer


# ---- measuring ---------------------------------------------------------------------------------


def changelist_pages(user):
    """(case, url) for one user: the pages and filters an officer clicks through."""
    from django.contrib import admin
    from django.test import RequestFactory

    from programs.models import Household, Occupation
    from sammachip import thaidate
    from sammachip.citizen_id.search import id_search_token
    from villages.models import Subdistrict

    base = "/admin/programs/household/"
    request = RequestFactory().get(base)
    request.user = user
    changelist = admin.site._registry[Household].get_changelist_instance(request)
    last_page = changelist.paginator.num_pages
    deep = 1000 if last_page >= 2000 else max(1, last_page // 4)
    sees_all = user.sees_all_districts
    district = "4012" if sees_all else DISTRICT_OFFICER_DISTRICT
    subdistrict = Subdistrict.objects.filter(district_id=district).order_by("code").first()
    occupation = Occupation.objects.order_by("pk").first()
    year = thaidate.current_fiscal_year()
    someone = Household.objects.for_user(user).order_by("pk").first()
    quote = urllib.parse.quote
    return [
        ("plain list", base),
        (f"page {deep:,}", f"{base}?p={deep}"),
        (f"last page (p={last_page:,})", f"{base}?p={last_page}"),
        # The admin links the first, last and neighbouring pages only: typed in the address bar.
        (f"middle page (p={last_page // 2:,}, typed)", f"{base}?p={last_page // 2}"),
        ("filter อำเภอ", f"{base}?district__code__exact={district}"),
        ("filter ตำบล", f"{base}?village__subdistrict__code__exact={subdistrict.code}"),
        ("filter ปีงบประมาณ", f"{base}?fiscal_year={year}"),
        ("filter สถานะ", f"{base}?status__exact=practising"),
        ("filter อาชีพ", f"{base}?occupation__id__exact={occupation.pk}"),
        ("filters ปี + สถานะ", f"{base}?fiscal_year={year}&status__exact=trained"),
        ("search ?q=สมชาย (first name)", f"{base}?q={quote('สมชาย')}"),
        ("search ?q=ใจทดสอบ (surname)", f"{base}?q={quote('ใจทดสอบ')}"),
        ("search ?q=สม (short prefix)", f"{base}?q={quote('สม')}"),
        ("search two words", f"{base}?q={quote('สมชาย ใจทดสอบ')}"),
        ("search citizen ID", f"{base}?q={quote(id_search_token(someone.citizen_id))}"),
        ("search + filter ปี", f"{base}?q={quote('สมชาย')}&fiscal_year={year}"),
    ]


def measure(client, url, repeat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm-up (and the status)
    with CaptureQueriesContext(connection) as context:
        client.get(url)
    queries = list(context.captured_queries)  # the next request empties the log
    slowest = max(queries, key=lambda q: float(q["time"]), default=None)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    return {
        "status": response.status_code,
        "queries": len(queries),
        "median": statistics.median(times),
        "slowest_ms": float(slowest["time"]) * 1000 if slowest else 0.0,
        "slowest_sql": slowest["sql"] if slowest else "",
        "rows": response.content.count(b'class="action-checkbox"'),
    }


def explain(sql):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def stock_counting(model_admin):
    """The admin as Django ships it counts twice, exactly: the baseline of the plain list."""
    from django.core.paginator import Paginator

    saved = model_admin.paginator, model_admin.show_full_result_count
    model_admin.paginator, model_admin.show_full_result_count = Paginator, True
    return saved


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=DEFAULT_HOUSEHOLDS)
    parser.add_argument("--villages", type=int, default=DEFAULT_VILLAGES)
    parser.add_argument("--years", type=int, default=DEFAULT_YEARS)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--explain", choices=["misses", "all", "none"], default="misses")
    args = parser.parse_args()

    name = DB_NAME if args.households == DEFAULT_HOUSEHOLDS else f"{DB_NAME}_{args.households}"
    os.environ["DATABASE_URL"] = bench_database_url(name=name)
    os.environ.pop("REDIS_URL", None)  # in-process: the local-memory cache
    setup_django()
    from django.conf import settings
    from django.contrib import admin
    from django.db import connection
    from django.test import Client

    from programs.models import Household

    settings.ALLOWED_HOSTS = ["*"]
    built = ensure(
        households=args.households, villages=args.villages, years=args.years, rebuild=args.rebuild
    )
    province, officer = ensure_users()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_total_relation_size('programs_household')")
        table_bytes = cursor.fetchone()[0]
        cursor.execute("SELECT pg_database_size(current_database())")
        database_bytes = cursor.fetchone()[0]
    officer_rows = Household.objects.for_user(officer).count()
    size_text = (
        f"{args.households:,} households ({args.years} fiscal years, {args.villages:,} villages, "
        f"Khon Kaen), {connection.vendor}"
    )
    log(
        f"database {name}: {database_bytes / 2**30:.2f} GiB, households table and indexes "
        f"{table_bytes / 2**30:.2f} GiB; district {DISTRICT_OFFICER_DISTRICT}: "
        f"{officer_rows:,} households" + (f"; built in {built:.0f} s" if built else "")
    )
    target_ms, target_text = TARGETS.get(args.households, (None, ""))
    if connection.vendor != "postgresql":
        target_ms = None
    model_admin = admin.site._registry[Household]

    rows, results = [], []
    for who, user, rows_seen in [
        ("provincial staff", province, args.households),
        (f"district officer {DISTRICT_OFFICER_DISTRICT}", officer, officer_rows),
    ]:
        client = Client()
        client.force_login(user)
        for case, url in changelist_pages(user):
            log(f"{who}: {case}")
            result = measure(client, url, args.repeat)
            baseline, ratio = "", ""
            if case == "plain list":
                saved = stock_counting(model_admin)
                try:
                    stock = measure(client, url, args.repeat)
                finally:
                    model_admin.paginator, model_admin.show_full_result_count = saved
                baseline = f"{stock['median']:.0f} ms with Django's exact counts"
                ratio = f"{stock['median'] / result['median']:.1f}×" if result["median"] else ""
            met = "—"
            if target_ms is not None:
                met = "yes" if result["median"] <= target_ms and result["status"] == 200 else "NO"
            results.append((who, case, url, result, met))
            rows.append(
                [
                    f"changelist ({who}, {rows_seen:,} rows): {case}",
                    size_text,
                    f"{result['median']:.0f} ms, {result['queries']} queries "
                    f"(slowest {result['slowest_ms']:.0f} ms), {result['rows']} rows shown"
                    + ("" if result["status"] == 200 else f", HTTP {result['status']}"),
                    baseline,
                    ratio,
                    target_text,
                    met,
                ]
            )
    print(table(rows))

    if args.explain == "none" or connection.vendor != "postgresql":
        return
    slowest_case = max(results, key=lambda r: r[3]["median"])
    for who, case, url, result, met in results:
        if args.explain == "all" or met == "NO" or (who, case) == slowest_case[:2]:
            print(f"\nEXPLAIN (ANALYZE, BUFFERS) of the slowest query — {who}, {case} ({url}):")
            print(explain(result["slowest_sql"]))


if __name__ == "__main__":
    main()
