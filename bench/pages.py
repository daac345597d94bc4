"""Benchmark: queries and render times of the main pages (issue 9).

    .venv/bin/python bench/pages.py [--repeat 15] [--rebuild] [--sqlite]

On the bench data of bench/data.py (10,000 articles, 2,300 villages, 50,000 households) in the
PostgreSQL database ``sammachip_deploy_bench`` on PG_URL's server (default the local one; made
with a UTF-8 locale when missing; ``--sqlite``: bench/pages.sqlite3 instead). In-process through
Django's test client with the production settings (DEBUG off): for each page the number of
queries and the median time of a page not in the page cache ("uncached": a new ``u=`` parameter
each request, the data every page of a content version shares already read — the menus, the next
scheduled publication; the queries of a brand-new content version in brackets), and of the same
URL again ("cached", anonymous pages only). Prints a markdown table (bench/common.table).
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


def fresh(url, n):
    """``url`` made new to the page cache (an ignored ``u=`` parameter), as the load test does."""
    return f"{url}{'&' if '?' in url else '?'}u={n}"


def measure_page(client, url, repeat, public):
    """(status, queries on a new content version, queries for a page not in the cache, median
    ms uncached, median ms cached). "Uncached": this page is not in the cache, what every page
    of the content version shares is (a running site); "cached": the same URL again."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    url_for = (lambda n: fresh(url, n)) if public else (lambda n: url)
    # Counted at once: the next request outside the context empties the query log.
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url_for(0))
    cold = len(captured)
    with CaptureQueriesContext(connection) as captured:
        client.get(url_for(1))
    warm = len(captured)
    status = response.status_code
    times = []
    for n in range(repeat):
        start = time.perf_counter()
        client.get(url_for(n + 2))
        times.append((time.perf_counter() - start) * 1000)
    cached = None
    if public:
        client.get(url)
        hits = []
        for _ in range(repeat):
            start = time.perf_counter()
            client.get(url)
            hits.append((time.perf_counter() - start) * 1000)
        cached = statistics.median(hits)
    return status, cold, warm, statistics.median(times), cached


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
    settings.SAMMACHIP_SEARCH_RATE_LIMIT = 0  # one client asks for more than 30 searches here
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
        status, cold, queries, uncached, cached = measure_page(client, url, args.repeat, public)
        target, met = "", ""
        if name.startswith("article list /"):
            target, met = "≤ 3 queries", "yes" if queries <= 3 else "NO"
        if name == "admin: household changelist":
            target = "≤ 150 ms at 50,000 rows (PostgreSQL)"
            met = "yes" if uncached <= 150 and vendor == "postgresql" else "NO"
        if status != 200:
            target, met = "200", "NO"
        counts = f"{queries} queries" + (f" ({cold} on a new content version)" if public else "")
        rows.append(
            [
                f"page: {name} — uncached",
                size_text,
                f"{uncached:.1f} ms, {counts}",
                "",
                "",
                target,
                met,
            ]
        )
        if public and status == 200:
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
