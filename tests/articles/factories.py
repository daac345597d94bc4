"""Small article factories: explicit arguments, sensible defaults."""

import io
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from articles import services
from articles.models import Article, ArticleImage, Category

_n = itertools.count(1)


def make_category(name=None, slug=None, **fields):
    number = next(_n)
    return Category.objects.create(
        name=name or f"หมวดทดสอบ{number}", slug=slug or f"category-{number}", **fields
    )


def make_article(*, category=None, district="4012", status="draft", published_at=None, **fields):
    fields.setdefault("title", f"บทความทดสอบ {next(_n)}")
    fields.setdefault("background", "ความเป็นมาของอาชีพ")
    if status == Article.Status.PUBLISHED and published_at is None:
        published_at = timezone.now() - timezone.timedelta(days=1)
    return Article.objects.create(
        category=category or make_category(),
        district_id=district,
        status=status,
        published_at=published_at,
        **fields,
    )


def image_bytes(size=(800, 600), image_format="JPEG", color="green", exif=None):
    buffer = io.BytesIO()
    params = {"exif": exif} if exif is not None else {}
    Image.new("RGB", size, color).save(buffer, image_format, **params)
    return buffer.getvalue()


def gps_exif():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (16.0, 26.0, 10.0), "E", (102.0, 50.0, 5.0)
    return exif.tobytes()


def upload(name="photo.jpg", content=None, content_type="image/jpeg"):
    return SimpleUploadedFile(name, content or image_bytes(), content_type=content_type)


def make_image(*, article, content=None, alt_text="ภาพประกอบ", order=0):
    image = ArticleImage(article=article, alt_text=alt_text, order=order)
    image.image = upload(content=content)
    return services.article_image_save(image=image)
