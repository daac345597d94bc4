"""Benchmark: queries and render times of the main pages (issue 9).

    .venv/bin/python bench/pages.py [--repeat 15] [--rebuild] [--sqlite]

On the bench data of bench/data.py (10,000 articles, 2,300 villages, 50,000 households) in the
PostgreSQL database ``sammachip_deploy_bench`` on PG_URL's server (default the local one; made
with a UTF-8 locale when missing; ``--sqlite``: bench/pages.sqlite3 instead). In-process through
Django's test client with the production settings (DEBUG off): for each page the number of
queries and the median time with the page cache emptied before every request ("uncached"), and
with it warm ("cached", anonymous pages only). Prints a markdown table (bench/common.table).
"""

import argparse
import os
import statistics
import sys
import time
import urllib.parse

from common import ROOT, setup_django, table
from data import bench_database_url, ensure

SQLITE_URL = f"sqlite:///{ROOT / 'bench' / 'pages.sqlite3'}"


def pages():
    from articles.models import Article
    from programs.models import Sage

    article = Article.objects.published().order_by("-published_at").first()
    sage = Sage.objects.filter(is_public=True).order_by("pk").first()
    return [
        ("home /", "/", True),
        ("article list /articles/", "/articles/", True),
        ("article list, page 50", "/articles/?page=50", True),
        ("article detail", article.get_absolute_url(), True),
        ("search ?q=ผ้าไหม", "/articles/?q=" + urllib.parse.quote("ผ้าไหม"), True),
        ("search, two words", "/articles/?q=" + urllib.parse.quote("ปุ๋ยหมัก ดิน"), True),
        ("feed", "/articles/feed/", True),
        ("sitemap.xml", "/sitemap.xml", True),
        ("sages /sages/", "/sages/", True),
        ("sage detail", f"/sages/{sage.pk}/", True),
        ("districts /districts/", "/districts/", True),
        ("district 4012", "/districts/4012/", True),
        ("stats /stats/", "/stats/", True),
        ("healthz", "/healthz", True),
        ("admin: household changelist", "/admin/programs/household/", False),
        ("admin: household search", "/admin/programs/household/?q=" + "สมชาย", False),
        ("admin: article changelist", "/admin/articles/article/", False),
    ]


def measure_page(client, url, repeat, clear):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    status = response.status_code
    counted = len(queries)
    times = []
    for _ in range(repeat):
        if clear:
            cache.clear()
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    return status, counted, statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--sqlite", action="store_true")
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = SQLITE_URL if args.sqlite else bench_database_url()
    os.environ.pop("REDIS_URL", None)  # in-process: the local-memory cache
    setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    sizes = ensure(rebuild=args.rebuild, log=lambda m: print(m, file=sys.stderr))
    vendor = connection.vendor
    size_text = (
        f"{sizes['articles']:,} articles, {sizes['villages']:,} villages, "
        f"{sizes['households']:,} households, {vendor}"
    )
    anonymous = Client()
    staff = Client()
    from sammachip.models import User

    staff.force_login(User.objects.get(username="bench_province"))
    rows = []
    for name, url, public in pages():
        client = anonymous if public else staff
        status, queries, uncached = measure_page(client, url, args.repeat, clear=True)
        target, met = "", ""
        if name.startswith("article list /"):
            target, met = "≤ 3 queries", "yes" if queries <= 3 else "NO"
        if name == "admin: household changelist":
            target = "≤ 150 ms at 50,000 rows (PostgreSQL)"
            met = "yes" if uncached <= 150 and vendor == "postgresql" else "NO"
        if status != 200:
            target, met = "200", "NO"
        rows.append(
            [
                f"page: {name} — uncached",
                size_text,
                f"{uncached:.1f} ms, {queries} queries",
                "",
                "",
                target,
                met,
            ]
        )
        if public and status == 200:
            _, _, cached = measure_page(client, url, args.repeat, clear=False)
            rows.append(
                [
                    f"page: {name} — cached",
                    size_text,
                    f"{cached:.1f} ms",
                    f"{uncached:.1f} ms uncached",
                    f"{uncached / cached:.1f}×" if cached else "",
                    "",
                    "",
                ]
            )
    print(table(rows))


if __name__ == "__main__":
    main()
