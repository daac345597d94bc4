"""``manage.py rebuild_search_index [--batch-size 500] [--workers N]``

Recomputes the search entry of every article (``articles.search.index``) in batches, prints the
counts, and lets the database's search backend tidy its index (SQLite: FTS5 ``optimize``). Run
it after a deployment that changed the segmentation, or whenever the index may have missed
changes (a restored backup). Safe to run while the site serves: each batch is written in its
own transaction.
"""

import os

from django.core.management.base import BaseCommand, CommandError

from articles.models import Article, ArticleSearchEntry
from articles.search.index import search_index_rebuild


class Command(BaseCommand):
    help = "สร้างดัชนีค้นหาบทความใหม่ทั้งหมด (ตัดคำภาษาไทยด้วย PyThaiNLP)"

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size", type=int, default=500, help="จำนวนบทความต่อชุด (ค่าเริ่มต้น 500)"
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=min(os.cpu_count() or 1, 4),
            help="จำนวนโปรเซสที่ใช้ตัดคำพร้อมกัน (ค่าเริ่มต้น: จำนวนแกน CPU ไม่เกิน 4)",
        )

    def handle(self, *args, batch_size, workers, **options):
        if batch_size < 1 or workers < 1:
            raise CommandError("--batch-size และ --workers ต้องมากกว่า 0")
        total = Article.objects.count()
        self.stdout.write(f"บทความทั้งหมด {total:,} เรื่อง ชุดละ {batch_size:,} ใช้ {workers} โปรเซส")
        verbosity = options.get("verbosity", 1)

        def progress(done):
            if verbosity > 1:
                self.stdout.write(f"  ทำดัชนีแล้ว {done:,}/{total:,}")

        done, seconds = search_index_rebuild(
            batch_size=batch_size, workers=workers, progress=progress
        )
        batches = -(-done // batch_size)
        self.stdout.write(
            self.style.SUCCESS(
                f"ทำดัชนีค้นหาแล้ว {done:,} บทความ ({batches:,} ชุด) ใน {seconds:.1f} วินาที; "
                f"ในดัชนีมี {ArticleSearchEntry.objects.count():,} รายการ"
            )
        )
