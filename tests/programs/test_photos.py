"""Sage and product photos: checked before decoding, stored without EXIF under random names."""

import io

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from programs.models import Product, Sage
from tests.articles.factories import gps_exif, image_bytes, upload
from tests.programs.factories import make_sage

pytestmark = pytest.mark.django_db


def sage_form(sage, **extra):
    return {
        "prefix": "นาย",
        "first_name": sage.first_name,
        "last_name": sage.last_name,
        "village": sage.village_id,
        "bio": "",
        "phone": "",
        "citizen_id": "",
        "is_public": "on",
        **extra,
    }


def test_sage_photo_is_stored_without_gps(phon_client, two_districts):
    sage = make_sage(village=two_districts["phon"])
    photo = upload(content=image_bytes(exif=gps_exif()))
    response = phon_client.post(
        f"/admin/programs/sage/{sage.pk}/change/", sage_form(sage, photo=photo)
    )
    assert response.status_code == 302
    sage.refresh_from_db()
    with default_storage.open(sage.photo.name) as handle:
        stored = Image.open(io.BytesIO(handle.read()))
    assert not stored.getexif()
    assert "photo" not in sage.photo.name
    assert sage.photo.name.startswith("sages/")


def test_text_file_renamed_jpg_is_refused(phon_client, two_districts):
    sage = make_sage(village=two_districts["phon"])
    fake = upload(name="photo.jpg", content=b"this is not an image at all" * 10)
    response = phon_client.post(
        f"/admin/programs/sage/{sage.pk}/change/", sage_form(sage, photo=fake)
    )
    assert response.status_code == 200
    assert "ไม่ใช่รูปภาพ" in response.content.decode()
    assert not Sage.objects.get(pk=sage.pk).photo


def test_product_photo_is_cleaned(phon_client, two_districts):
    response = phon_client.post(
        "/admin/programs/product/add/",
        {
            "village": two_districts["phon"].pk,
            "name": "ผ้าไหมทดสอบ",
            "category": "textile",
            "photo": upload(content=image_bytes(exif=gps_exif())),
        },
    )
    assert response.status_code == 302
    product = Product.objects.get()
    with default_storage.open(product.photo.name) as handle:
        assert not Image.open(io.BytesIO(handle.read())).getexif()
