"""Benchmark: Thai search of articles (issue 5).

    .venv/bin/python bench/search.py [--articles 20000] [--repeat 5] [--only sqlite|postgresql]

Generates the same Thai articles (fixed seed) on SQLite (bench/search.sqlite3, removed after)
and on PostgreSQL (``BENCH_PG_URL``, default
postgres://postgres@127.0.0.1:5432/sammachip_bench_search, recreated each run with a UTF-8
locale), each in its own process: bulk insert, then the search index built by
``rebuild_search_index`` (timed, with the CPU time it took and the machine's load average),
then single-word and phrase queries through the production search (the page of ranked ids
with its count, the twelve articles, titles and snippets, as the list view runs them) next to
``LIKE '%q%'`` over the same fields (``contains``) on the same data in the same run. Prints the
query plans and a markdown table (bench/common.table).

The text: sentences of real Thai words (a core of common and programme words, ข้าว and ข่าว
among them, plus 3,000 words drawn from PyThaiNLP's dictionary), Zipf-distributed, written
without spaces between words as Thai is; a few sentences of the legacy sample mixed in.
"""

import argparse
import datetime
import io
import itertools
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import ROOT, table

PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/sammachip_bench_search")
SQLITE_PATH = ROOT / "bench" / "search.sqlite3"
SEED = 5

# Words every article uses, the topics an article is about, and a long tail of rarer words.
FUNCTION_TEXT = """
ที่ และ การ ของ ใน ให้ ได้ มี เป็น จาก กับ เพื่อ โดย แล้ว จึง ต้อง ควร ก่อน หลัง ทำ ใช้ ความ
ซึ่ง หรือ ไป มา อยู่ ทุก ครั้ง วัน
"""
FUNCTION_WORDS = FUNCTION_TEXT.split()
TOPICS = [
    topic.split()
    for topic in """
ข้าว ข้าวเหนียว ข้าวหอมมะลิ ข้าวเปลือก นา ชาวนา ทำนา ดำนา เกี่ยวข้าว ยุ้งฉาง เมล็ดพันธุ์ ฟาง แกลบ
ทอ ผ้า ผ้าไหม ผ้าฝ้าย มัดหมี่ ย้อม สี คราม ไหม เส้นไหม หม่อน กี่ ลาย ผืน
ปุ๋ย ปุ๋ยหมัก ดิน น้ำหมัก จุลินทรีย์ ขี้วัว ใบไม้ กอง กลับ ความชื้น อินทรีย์ ปลอดสาร
ปลา ปลานิล กบ บ่อ กระชัง อาหารปลา ลูกปลา น้ำ ออกซิเจน เลี้ยง จับ ขาย
สมุนไพร ขมิ้น ตะไคร้ ใบเตย ไพล ลูกประคบ สบู่ แชมพู ยาหม่อง สกัด ตาก บด
จักสาน ไม้ไผ่ กระติ๊บ ตะกร้า หวาย เส้นตอก สาน ลวดลาย ของใช้ ของฝาก ที่ระลึก
แปรรูป อาหาร ขนม แจ่ว ปลาร้า น้ำพริก กล้วย ตาก บรรจุภัณฑ์ ฉลาก อย ทอด กวน
ตลาด จำหน่าย รายได้ รายจ่าย ต้นทุน กำไร ออม เงิน ทุน บัญชี ราคา ลูกค้า ออนไลน์
เห็ด โรงเรือน ก้อนเชื้อ เห็ดนางฟ้า เห็ดฟาง รดน้ำ ความร้อน เก็บ ดอก
ไก่ ไข่ หมู วัว ควาย เป็ด คอก วัคซีน อาหารสัตว์ ลูกหมู แม่พันธุ์
ข่าว ข่าวสาร ประชาสัมพันธ์ ประกาศ สื่อ วิทยุ หอกระจายข่าว ผู้สื่อข่าว แถลงข่าว รายงาน
ชุมชน หมู่บ้าน ครัวเรือน ปราชญ์ วิทยากร ทีม อบรม ฝึก ความรู้ ถ่ายทอด ผู้นำ ประชุม
""".strip().splitlines()
]


def build_vocabulary(rng):
    """The tail: 3,000 words of PyThaiNLP's dictionary, Zipf weights (1/rank)."""
    from pythainlp.corpus import thai_words

    dictionary = sorted(
        word
        for word in thai_words()
        if 2 <= len(word) <= 12 and all("\u0e01" <= c <= "\u0e4e" for c in word)
    )
    tail = rng.sample(dictionary, 3000)
    return tail, [1 / (rank + 10) for rank in range(len(tail))]


def sample_sentences():
    text = (ROOT / "fixtures" / "legacy" / "khonkaen-otop-technique.txt").read_text("utf-8")
    return [line.strip() for line in text.splitlines() if len(line.strip()) > 40]


def generate(rng, count):
    """``count`` dicts of article fields: an article is about one or two topics; its sentences
    (4–10 words, no spaces inside) mix function words, topic words and the tail."""
    tail, weights = build_vocabulary(random.Random(SEED))
    cumulative = list(itertools.accumulate(weights))
    real = sample_sentences()

    def sentence(topic, low, high):
        words = []
        for _ in range(rng.randint(low, high)):
            draw = rng.random()
            if draw < 0.35:
                words.append(rng.choice(FUNCTION_WORDS))
            elif draw < 0.75:
                words.append(rng.choice(topic))
            else:
                words.append(rng.choices(tail, cum_weights=cumulative)[0])
        return "".join(words)

    sections = ("background", "objectives", "materials", "equipment", "process", "cautions")
    for _ in range(count):
        topic = [word for t in rng.sample(TOPICS, rng.choice((1, 1, 2))) for word in t]
        fields = {"title": sentence(topic, 3, 6)}
        for name in rng.sample(sections, rng.randint(4, 6)):
            sentences = [sentence(topic, 4, 10) for _ in range(rng.randint(3, 7))]
            if rng.random() < 0.05:
                sentences.append(rng.choice(real))
            fields[name] = " ".join(sentences)
        yield fields


def queries(rng):
    """Single words of every frequency (ข้าว and ข่าว included) and phrases of 2–3 words."""
    tail, _ = build_vocabulary(random.Random(SEED))
    singles = ["ข้าว", "ข่าว", "ผ้าไหม", "ปุ๋ยหมัก", "นา", "ขวัญ", "ปลานิล", "เห็ด", "ตลาด", "ทำ"]
    singles += [tail[rank] for rank in (0, 5, 30, 100, 300, 1000, 2000, 2999)]
    phrases = ["ข้าวเหนียว", "ทอผ้าไหม", "น้ำหมักจุลินทรีย์", "สร้างขวัญกำลังใจ", "ข้าวของ"]
    while len(phrases) < 18:
        topic = rng.choice(TOPICS)
        words = rng.choices(topic + FUNCTION_WORDS, k=rng.randint(2, 3))
        phrases.append("".join(words))
    return singles, phrases


# ---- one database, in its own process ---------------------------------------------------------


def fresh_pg_database(url):
    """(Re)create the benchmark database, UTF-8 with a C.UTF-8 locale, empty."""
    import psycopg2
    from psycopg2 import sql

    name = url.rsplit("/", 1)[1]
    admin = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
        cursor.execute(drop.format(sql.Identifier(name)))
        cursor.execute(
            sql.SQL(
                "CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8' "
                "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
            ).format(sql.Identifier(name))
        )
    admin.close()


def populate(count):
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from articles.models import Article, Category
    from villages.models import District

    tables = [
        "articles_articlesearchentry",
        "articles_articleimage",
        "articles_articlerevision",
        "articles_article",
        "articles_category",
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        else:
            for name in tables:
                cursor.execute(f"DELETE FROM {name}")
    call_command("load_geography", province=["40"], verbosity=0, stdout=io.StringIO())
    categories = [
        Category.objects.create(name=name, slug=slug)
        for name, slug in [
            ("เกษตร", "farming"),
            ("ผ้าและเครื่องแต่งกาย", "textiles"),
            ("อาหารแปรรูป", "food"),
            ("เทคนิคส่งเสริมสัมมาชีพ", "techniques"),
        ]
    ]
    districts = list(District.objects.filter(province_id="40"))
    rng = random.Random(SEED)
    now = timezone.now()
    batch = []
    for fields in generate(rng, count):
        published = rng.random() < 0.9
        batch.append(
            Article(
                category=rng.choice(categories),
                district=rng.choice(districts),
                author_name="นางสมศรี ใจดี",
                status=Article.Status.PUBLISHED if published else Article.Status.DRAFT,
                published_at=now - datetime.timedelta(minutes=rng.randrange(5 * 365 * 24 * 60)),
                **fields,
            )
        )
        if len(batch) == 2000:
            Article.objects.bulk_create(batch)
            batch = []
    Article.objects.bulk_create(batch)


def like_queryset(text):
    """The baseline: ``LIKE '%q%'`` over the same fields (``contains``; ``icontains`` would
    be ``UPPER(col) LIKE``), newest first, what a listing loads."""
    from django.db.models import Q

    from articles.models import SECTION_FIELDS, Article

    condition = Q(title__contains=text)
    for name in SECTION_FIELDS:
        condition |= Q(**{f"{name}__contains": text})
    return Article.objects.published().for_listing().filter(condition).order_by("-published_at")


def like_page(text):
    queryset = like_queryset(text)
    return queryset.count(), list(queryset[:12])


def search_page(text):
    """What the list view does for ``?q=text``: parse, the first page of ranked ids with the
    count, their articles (category and district from the menus the view has read), highlighted
    titles and snippets (no template rendering)."""
    from articles.search.query import RankedPaginator, articles_in_order, parse_query, ranked_ids
    from articles.search.snippets import highlight, snippet
    from articles.views import filter_menus
    from sammachip.cache import cached_for_content

    query = parse_query(text)
    page = RankedPaginator(ranked_ids(query), 12).page(1)
    count = page.paginator.count
    menus = cached_for_content("article-filter-menus", filter_menus)  # as the view reads them
    articles = articles_in_order(page.object_list, **menus)
    for article in articles:
        highlight(article.title, query)
        snippet(article, query)
    return count, articles


def timings(function, texts, repeat):
    """Seconds of every timed run; the hit count of each text. ``repeat`` 0: the first run
    is timed (no warm-up)."""
    seconds, counts = [], {}
    for text in texts:
        start = time.perf_counter()
        counts[text] = function(text)[0]
        if not repeat:
            seconds.append(time.perf_counter() - start)
        for _ in range(repeat):
            start = time.perf_counter()
            function(text)
            seconds.append(time.perf_counter() - start)
    return seconds, counts


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def explain(text):
    """The plan of the production query (the first page of ranked ids), run."""
    from django.db import connection

    from articles.search.query import counted, parse_query, ranked_ids

    queryset = counted(ranked_ids(parse_query(text)))[:12]
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) {sql}", params)
            return "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def tone_check(text, other):
    """Of the articles ``text`` finds, how many contain ``other`` and never ``text`` itself
    (tone-mark confusion: must be 0); and the same count for LIKE."""
    from articles.models import SECTION_FIELDS
    from articles.search.query import articles_in_order, parse_query, ranked_ids
    from articles.search.text import normalise

    def confused(articles):
        count = 0
        for article in articles:
            value = " ".join(getattr(article, name) for name in ("title", *SECTION_FIELDS))
            value = normalise(value)
            count += other in value and text not in value
        return count

    ids = list(ranked_ids(parse_query(text)))
    found = articles_in_order(ids)
    return {"ours": confused(found), "like": confused(like_queryset(text))}


def cpu_seconds():
    """CPU time of this process and its finished children (the indexing workers); the
    database server's own work is not in it."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def one_backend(args):
    from common import setup_django

    if args.backend == "postgresql":
        fresh_pg_database(PG_URL)
        os.environ["DATABASE_URL"] = PG_URL
    else:
        SQLITE_PATH.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from articles.models import SECTION_FIELDS, Article

    def phase(name, started):
        print(f"  {name}: {time.perf_counter() - started:.1f} s", flush=True)

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    populate(args.articles)
    phase(f"{args.articles:,} articles generated and inserted", started)
    chars = sum(
        len(value or "")
        for row in Article.objects.values_list("title", *SECTION_FIELDS).iterator()
        for value in row
    )
    out = io.StringIO()
    cpu_before = cpu_seconds()
    started = time.perf_counter()
    call_command("rebuild_search_index", stdout=out)
    index_s = time.perf_counter() - started
    index_cpu = cpu_seconds() - cpu_before
    print("  " + out.getvalue().strip(), flush=True)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE articles_articlesearchentry")
            cursor.execute("VACUUM ANALYZE articles_article")
            cursor.execute("SELECT pg_total_relation_size('articles_articlesearchentry')")
            index_mib = cursor.fetchone()[0] / 2**20
        else:
            cursor.execute("ANALYZE")
            index_mib = None

    singles, phrases = queries(random.Random(SEED + 1))
    result = {
        "backend": connection.vendor,
        "articles": args.articles,
        "chars": chars,
        "index_s": index_s,
        "index_cpu": index_cpu,
        "index_load": os.getloadavg()[0],
        "index_mib": index_mib,
        "plans": {text: explain(text) for text in ("ข้าว", "ข้าวเหนียว")},
    }
    started = time.perf_counter()
    for kind, texts in (("single", singles), ("phrase", phrases)):
        ours_s, ours_counts = timings(search_page, texts, args.repeat)
        like_s, like_counts = timings(like_page, texts, 0)
        result[kind] = {
            "ours_p50": percentile(ours_s, 0.5),
            "ours_p95": percentile(ours_s, 0.95),
            "like_p50": percentile(like_s, 0.5),
            "like_p95": percentile(like_s, 0.95),
            "hits": ours_counts,
            "like_hits": like_counts,
        }
    phase("queries", started)
    result["query_load"] = os.getloadavg()[0]
    result["tone"] = {"ข้าว": tone_check("ข้าว", "ข่าว"), "ข่าว": tone_check("ข่าว", "ข้าว")}
    Path(args.json).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    if connection.vendor == "sqlite" and not os.environ.get("BENCH_KEEP_SQLITE"):
        connection.close()
        SQLITE_PATH.unlink(missing_ok=True)  # ~300 MB, rebuilt by every run


# ---- the report -------------------------------------------------------------------------------


def ms(seconds):
    return f"{seconds * 1000:.1f} ms"


def report(results):
    rows = []
    for result in results:
        data = f"{result['articles']:,} articles, {result['backend']}"
        load = f"load {result['query_load']:.1f} on {os.cpu_count()} CPUs"
        for kind, label in (("single", "single word"), ("phrase", "phrase")):
            numbers = result[kind]
            ratio = numbers["like_p50"] / numbers["ours_p50"]
            rows.append(
                [
                    f"search {label} p50",
                    f"{data}, {load}",
                    ms(numbers["ours_p50"]),
                    f"LIKE '%q%' {ms(numbers['like_p50'])}",
                    f"{ratio:.0f}×",
                    "≤ 10 ms, ≥ 10×",
                    "yes" if numbers["ours_p50"] <= 0.010 and ratio >= 10 else "NO",
                ]
            )
            rows.append(
                [
                    f"search {label} p95",
                    data,
                    ms(numbers["ours_p95"]),
                    f"LIKE '%q%' {ms(numbers['like_p95'])}",
                    f"{numbers['like_p95'] / numbers['ours_p95']:.0f}×",
                    "—",
                    "—",
                ]
            )
        size = f", index {result['index_mib']:.0f} MiB" if result["index_mib"] else ""
        rows.append(
            [
                "re-index (rebuild_search_index)",
                f"{data}, {result['chars'] / 1e6:.1f} M characters{size}, load"
                f" {result['index_load']:.1f} on {os.cpu_count()} CPUs",
                f"{result['index_s']:.1f} s ({result['index_cpu']:.0f} s CPU in Python)",
                "—",
                "—",
                "≤ 120 s",
                "yes" if result["index_s"] <= 120 else "NO",
            ]
        )
    return table(rows)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--backend", help=argparse.SUPPRESS)
    parser.add_argument("--json", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.backend:
        one_backend(args)
        return
    import tempfile

    results = []
    for backend in [args.only] if args.only else ["sqlite", "postgresql"]:
        print(f"## {backend}", flush=True)
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            command = [sys.executable, __file__, "--backend", backend, "--json", out.name]
            command += ["--articles", str(args.articles), "--repeat", str(args.repeat)]
            started = time.perf_counter()
            subprocess.run(command, check=True)
            result = json.loads(Path(out.name).read_text("utf-8"))
        print(f"({time.perf_counter() - started:.0f} s)")
        for text, plan in result["plans"].items():
            print(f"\nplan of the page query for “{text}” ({backend}):\n{plan}")
        print("\nhits (ours / LIKE):")
        for kind in ("single", "phrase"):
            hits = result[kind]["hits"]
            like_hits = result[kind]["like_hits"]
            print("  " + ", ".join(f"{t} {hits[t]}/{like_hits[t]}" for t in hits))
        print(
            "  LIKE also counts a word cut across a boundary (ข่าว in หัวเข่า+วัน); ours"
            " counts a sequence of tokens across a space."
        )
        print(
            "tone-mark confusion (results of ข้าว with only ข่าว, and the reverse):"
            f" {result['tone']}\n",
            flush=True,
        )
        results.append(result)
    print(report(results))
    p50s = [result[kind]["ours_p50"] for result in results for kind in ("single", "phrase")]
    print(f"\nmedian of the p50s: {ms(statistics.median(p50s))}")


if __name__ == "__main__":
    main()
