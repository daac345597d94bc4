"""Uploaded images, for every app: checked, cleaned of EXIF, stored under random names, resized.

``check_upload`` (and ``CheckedImageField``, the form field calling it) refuses, with a Thai
message, anything that is not a JPEG/PNG/WebP image, is larger than ``MAX_BYTES`` or has more than
``MAX_PIXELS`` pixels. The pixel count is read from the file header (``Image.open`` does not
decode), so a tiny file declaring a huge image (a "decompression bomb") is refused before any pixel
is decoded. ``clean_original`` re-encodes an upload upright and without metadata (EXIF, GPS, XMP,
comments); ``make_renditions`` writes the sizes a caller names, also without metadata.
The article images' sizes and bookkeeping are ``articles.images``; sage and product photos are
stored by ``programs.admin.base.CleanPhotoAdminMixin``.
"""

import io
import logging
import os
import uuid
import warnings

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}

# The help text of every image upload: what check_upload accepts, what clean_original does.
UPLOAD_HELP = gettext_lazy("JPEG, PNG หรือ WebP ไม่เกิน 10 MB ระบบลบข้อมูล EXIF (รวมพิกัด GPS) ออกให้")


def random_name(folder, filename=""):
    ext = os.path.splitext(filename)[1].lower()
    ext = ext if ext in {".jpg", ".jpeg", ".png", ".webp"} else ".jpg"
    return f"{folder}/{uuid.uuid4().hex}{ext}"


def check_upload(upload):
    """Raise ``ValidationError`` (Thai) unless ``upload`` is a real, reasonably sized image.

    Never decodes the pixels: the header gives the format and size, ``verify()`` checks the file's
    structure without decoding."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ValidationError(
            _("ไฟล์ใหญ่เกินไป (%(size).1f MB) รูปภาพต้องไม่เกิน 10 MB") % {"size": size / 1048576},
            code="too_big",
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow warns about huge images; the pixel limit below refuses them itself.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                image_format = image.format
                width, height = image.size
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as error:
        raise ValidationError(
            _("ไฟล์นี้ไม่ใช่รูปภาพที่อ่านได้ กรุณาอัปโหลดไฟล์ JPEG, PNG หรือ WebP"), code="not_image"
        ) from error
    finally:
        upload.seek(0)
    if image_format not in FORMATS:
        raise ValidationError(
            _("รองรับเฉพาะรูปภาพ JPEG, PNG หรือ WebP (ไฟล์นี้เป็น %(format)s)") % {"format": image_format},
            code="format",
        )
    if width * height > MAX_PIXELS:
        raise ValidationError(
            _(
                "รูปภาพมีขนาด %(width)d×%(height)d พิกเซล ใหญ่เกินกำหนด (ไม่เกิน 40 ล้านพิกเซล) "
                "กรุณาย่อรูปก่อนอัปโหลด"
            )
            % {"width": width, "height": height},
            code="too_many_pixels",
        )
    try:
        with Image.open(upload) as image:
            image.verify()
    except Exception as error:  # Pillow raises many kinds on a damaged file
        raise ValidationError(
            _("ไฟล์รูปภาพเสียหายหรือไม่สมบูรณ์ กรุณาอัปโหลดใหม่"), code="damaged"
        ) from error
    finally:
        upload.seek(0)


class CheckedImageField(forms.ImageField):
    """An image upload checked (size, header pixel count, format) *before* anything decodes it."""

    default_error_messages = {
        "invalid_image": gettext_lazy("ไฟล์นี้ไม่ใช่รูปภาพที่อ่านได้ กรุณาอัปโหลดไฟล์ JPEG, PNG หรือ WebP"),
    }

    def to_python(self, data):
        if data in self.empty_values or not hasattr(data, "read"):
            return super().to_python(data)
        check_upload(data)
        return super().to_python(data)


def _open_upright(source):
    source.seek(0)
    image = Image.open(source)
    image.load()
    return ImageOps.exif_transpose(image)


def _flatten(image):
    """RGB for JPEG: transparency on white."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, "white")
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image.convert("RGB")


def _encode(image, image_format):
    buffer = io.BytesIO()
    clean = image
    clean.info = {}  # no EXIF, XMP, ICC, comments or text chunks are written back
    if image_format == "JPEG":
        clean = _flatten(clean)
        clean.save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
    elif image_format == "WEBP":
        clean.save(buffer, "WEBP", quality=85)
    else:
        clean.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def clean_original(source):
    """The upload upright, re-encoded in its own format with no metadata, as a ``ContentFile``."""
    source.seek(0)
    with Image.open(source) as probe:
        image_format = probe.format if probe.format in FORMATS else "JPEG"
    image = _open_upright(source)
    if image_format == "JPEG":
        image = _flatten(image)
    elif image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA")
    content = ContentFile(_encode(image, image_format))
    content.name = f"image.{FORMATS[image_format]}"
    return content


def _resize(image, width, height, crop):
    if crop:
        return ImageOps.fit(image, (width, height), Image.Resampling.LANCZOS)
    copy = image.copy()
    copy.thumbnail((width, height), Image.Resampling.LANCZOS)
    return copy


def make_renditions(source, sizes, *, folder, storage=None):
    """Write each of ``sizes`` (``{name: (width, height, crop)}``; crop fills the box exactly,
    centre crop, else fits inside) of the (already cleaned) image file ``source`` as JPEG under
    ``<folder>/<name>/``; return ``{name: {"name", "width", "height"}}``. A failed write leaves
    no rendition behind."""
    storage = storage or default_storage
    image = _flatten(_open_upright(source))
    result = {}
    try:
        for name, (width, height, crop) in sizes.items():
            resized = _resize(image, width, height, crop)
            stored = storage.save(
                random_name(f"{folder}/{name}", ".jpg"), ContentFile(_encode(resized, "JPEG"))
            )
            result[name] = {"name": stored, "width": resized.width, "height": resized.height}
    except BaseException:
        # A failed write (disk full, object storage down) leaves no rendition behind.
        delete_names([info["name"] for info in result.values()], storage)
        raise
    return result


def delete_names(names, storage=None):
    """Delete stored files, carrying on past any that cannot be deleted (logged)."""
    storage = storage or default_storage
    for name in names:
        try:
            storage.delete(name)
        except Exception:
            logger.exception("could not delete the stored file %s", name)
