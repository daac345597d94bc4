"""One image module in core (``sammachip.images``): the checks, the EXIF cleaning and the
renditions that articles and the programme's photos share."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage
from PIL import Image

import articles.images
from articles.forms import ArticleImageForm
from programs.admin import ProductForm, SageForm
from sammachip import images
from tests.articles.factories import gps_exif, image_bytes

GENERIC = ["check_upload", "clean_original", "random_name", "delete_names", "CheckedImageField"]


@pytest.mark.parametrize("name", GENERIC)
def test_the_generic_part_lives_only_in_core(name):
    assert hasattr(images, name)
    assert not hasattr(articles.images, name)


@pytest.mark.parametrize(
    ("form", "field"), [(ArticleImageForm, "image"), (SageForm, "photo"), (ProductForm, "photo")]
)
def test_articles_and_programs_check_uploads_with_the_one_field(form, field):
    assert type(form.base_fields[field]) is images.CheckedImageField
    assert form.base_fields[field].help_text == images.UPLOAD_HELP


def test_renditions_of_any_sizes_under_any_folder_without_exif():
    storage = InMemoryStorage()
    source = images.clean_original(ContentFile(image_bytes((800, 600), exif=gps_exif())))
    written = images.make_renditions(
        source, {"square": (100, 100, True), "fit": (200, 200, False)}, folder="x", storage=storage
    )
    assert written["square"]["name"].startswith("x/square/")
    assert (written["square"]["width"], written["square"]["height"]) == (100, 100)
    assert (written["fit"]["width"], written["fit"]["height"]) == (200, 150)
    with Image.open(io.BytesIO(storage.open(written["fit"]["name"]).read())) as stored:
        assert not stored.getexif()


def test_the_article_sizes_are_the_article_module_s():
    storage = InMemoryStorage()
    source = images.clean_original(ContentFile(image_bytes((1000, 800))))
    written = articles.images.make_renditions(source, storage=storage)
    assert set(written) == set(articles.images.RENDITIONS)
    assert all(info["name"].startswith(f"articles/{name}/") for name, info in written.items())


class FailingStorage(InMemoryStorage):
    """Saves ``allowed`` files, then the disk is full."""

    def __init__(self, allowed):
        super().__init__()
        self.allowed = allowed

    def save(self, name, content, max_length=None):
        if self.allowed == 0:
            raise OSError("disk full")
        self.allowed -= 1
        return super().save(name, content, max_length)


def test_a_failed_write_leaves_no_rendition_behind():
    storage = FailingStorage(allowed=1)
    source = images.clean_original(ContentFile(image_bytes()))
    with pytest.raises(OSError):
        images.make_renditions(
            source, {"a": (10, 10, True), "b": (20, 20, True)}, folder="x", storage=storage
        )
    assert storage.listdir("x/a") == ([], [])
