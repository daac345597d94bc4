"""``manage.py seed_articles``: the article categories and the legacy sample, published.

Called by ``seed_demo``; safe to run again (categories by name, the sample by its legacy key).
Geography should be loaded first so the sample resolves to ต.เพ็กใหญ่ อ.พล.
"""

import json

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from articles.models import Category

FIXTURES = settings.BASE_DIR / "fixtures"


def load_categories(path=FIXTURES / "categories.json"):
    for row in json.loads(path.read_text(encoding="utf-8")):
        fields = dict(row["fields"])
        name = fields.pop("name")
        Category.objects.update_or_create(name=name, defaults=fields)


class Command(BaseCommand):
    help = "สร้างหมวดบทความและนำเข้าบทความตัวอย่างจากเว็บไซต์เดิม (เผยแพร่)"

    def handle(self, *args, **options):
        load_categories()
        files = sorted(str(path) for path in (FIXTURES / "legacy").glob("*.txt"))
        if files:
            call_command(
                "import_legacy_articles",
                *files,
                publish=True,
                stdout=self.stdout,
                stderr=self.stderr,
            )
