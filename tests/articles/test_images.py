"""Uploads: real images only, size and pixel limits, no EXIF anywhere, renditions made once."""

import io
import struct
import subprocess
import sys
import textwrap
import zlib

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from PIL import Image

from articles.forms import ArticleImageForm
from sammachip import images
from tests.articles.factories import gps_exif, image_bytes, make_article, make_image, upload

pytestmark = pytest.mark.django_db


def png_bomb(width=12000, height=12000):
    """A ~17 KiB 1-bit PNG declaring width × height pixels, written without ever holding them."""

    def chunk(kind, data):
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    chunks = chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


def form_errors(content, name="photo.jpg"):
    form = ArticleImageForm(
        data={"alt_text": "ภาพ", "caption": "", "order": 0},
        files={"image": upload(name=name, content=content)},
    )
    form.is_valid()
    return " ".join(form.errors.get("image", []))


def test_the_bomb_is_small():
    assert len(png_bomb()) < 20 * 1024


def test_huge_pixel_count_is_refused_in_thai():
    assert "ใหญ่เกินกำหนด" in form_errors(png_bomb(), name="bomb.png")


def test_text_file_renamed_jpg_is_refused_in_thai():
    assert "ไม่ใช่รูปภาพ" in form_errors(b"hello, this is not a picture\n" * 10)


def test_file_over_10_mb_is_refused_in_thai():
    big = upload(content=image_bytes())
    big.size = 11 * 1024 * 1024
    with pytest.raises(ValidationError, match="ไม่เกิน 10 MB"):
        images.check_upload(big)


def test_gif_is_refused():
    buffer = io.BytesIO()
    Image.new("P", (10, 10)).save(buffer, "GIF")
    assert "JPEG, PNG หรือ WebP" in form_errors(buffer.getvalue(), name="a.gif")


def test_a_real_photo_is_accepted():
    assert form_errors(image_bytes()) == ""


@pytest.fixture(scope="module")
def bomb_check(tmp_path_factory):
    """The upload check run on the bomb in a fresh process: (refused, MB grown)."""
    bomb = tmp_path_factory.mktemp("bomb") / "bomb.png"
    bomb.write_bytes(png_bomb())
    script = textwrap.dedent(
        f"""
        import os, resource, sys
        os.environ["DJANGO_SETTINGS_MODULE"] = "sammachip.settings_test"
        import django
        django.setup()
        from django.core.exceptions import ValidationError
        from django.core.files.uploadedfile import SimpleUploadedFile
        from sammachip.images import CheckedImageField
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        data = open({str(bomb)!r}, "rb").read()
        try:
            CheckedImageField().clean(SimpleUploadedFile("bomb.png", data, "image/png"))
        except ValidationError:
            refused = True
        else:
            refused = False
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(refused, (after - before) // 1024, after // 1024)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=True,
    )
    refused, grew_mb, _total_mb = result.stdout.split()
    return refused == "True", int(grew_mb)


def test_bomb_is_refused_in_a_fresh_process(bomb_check):
    assert bomb_check[0] is True


def test_checking_the_bomb_does_not_decode_it(bomb_check):
    # Decoding 12000×12000 pixels would take at least 144 MB.
    assert bomb_check[1] < 100


# ---- what is stored ---------------------------------------------------------------------------


def stored_exif(name):
    with default_storage.open(name) as handle:
        return Image.open(io.BytesIO(handle.read())).getexif()


@pytest.fixture
def stored(geography):
    article = make_article()
    return make_image(article=article, content=image_bytes(exif=gps_exif()))


def test_upload_had_gps_to_begin_with():
    assert Image.open(io.BytesIO(image_bytes(exif=gps_exif()))).getexif().get_ifd(0x8825)


def test_stored_original_has_no_gps(stored):
    assert not stored_exif(stored.image.name).get_ifd(0x8825)


def test_stored_original_has_no_exif_at_all(stored):
    assert dict(stored_exif(stored.image.name)) == {}


@pytest.mark.parametrize("name", ["thumb", "card", "full", "share"])
def test_no_rendition_has_exif(stored, name):
    assert dict(stored_exif(stored.renditions[name]["name"])) == {}


def test_stored_name_is_random(stored):
    assert "photo" not in stored.image.name


def test_share_rendition_is_1200_by_630(stored):
    assert (stored.share["width"], stored.share["height"]) == (1200, 630)


def test_renditions_are_made_once(stored):
    names = dict(stored.renditions)
    stored.caption = "คำบรรยายใหม่"
    from articles import services

    services.article_image_save(image=stored)
    assert stored.renditions == names


def test_alt_text_is_required():
    form = ArticleImageForm(
        data={"alt_text": "", "caption": "", "order": 0},
        files={"image": upload(content=image_bytes())},
    )
    assert "alt_text" in form.errors
