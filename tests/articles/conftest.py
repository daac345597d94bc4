import io
import shutil

import pytest
from django.conf import settings
from django.core.management import call_command

SAMPLE = settings.BASE_DIR / "fixtures" / "legacy" / "khonkaen-otop-technique.txt"


@pytest.fixture
def sample_path(tmp_path):
    """A copy of the project's legacy sample (tests never touch the fixture itself)."""
    path = tmp_path / "post.txt"
    shutil.copy(SAMPLE, path)
    return path


@pytest.fixture
def sample_text():
    return SAMPLE.read_text(encoding="utf-8")


@pytest.fixture
def imported(geography, sample_path):
    """The legacy sample imported and published, as the seed does."""
    from articles.models import Article

    call_command("import_legacy_articles", str(sample_path), publish=True, stdout=io.StringIO())
    return Article.objects.get()
