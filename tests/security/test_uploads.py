"""Upload size limits: an oversized body gets the Thai 413 page before anything reads it."""

import io
import socket
import urllib.parse

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from programs.models import Household, PendingImport, Sage
from tests.factories import make_user

MB = 1024 * 1024
THAI_413 = "ไฟล์หรือข้อมูลมีขนาดใหญ่เกินไป"


@pytest.fixture
def officer_client(client, two_districts):
    client.force_login(make_user(username="officer", role="district", districts=["4012"]))
    return client


def padded_jpeg(size):
    """A real JPEG of ``size`` bytes (a small picture followed by padding)."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "green").save(buffer, "JPEG")
    data = buffer.getvalue()
    return data + b"\0" * (size - len(data))


def test_the_limits(settings):
    assert settings.SAMMACHIP_MAX_REQUEST_BODY == 15 * MB
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 10 * MB
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE


@pytest.mark.django_db
def test_an_oversized_household_list_is_refused_before_reading(officer_client):
    upload = SimpleUploadedFile("list.xlsx", b"x" * (16 * MB))
    response = officer_client.post(
        "/admin/programs/household/import/", {"import_file": upload, "format": "0", "resource": "0"}
    )
    assert response.status_code == 413
    html = response.content.decode()
    assert THAI_413 in html
    assert "15 MB" in html
    assert '<html lang="th">' in html
    assert not PendingImport.objects.exists()
    assert not Household.objects.exists()


@pytest.mark.django_db
def test_an_oversized_photo_is_refused_and_nothing_saved(officer_client, two_districts):
    photo = SimpleUploadedFile("sage.jpg", padded_jpeg(16 * MB), content_type="image/jpeg")
    response = officer_client.post(
        "/admin/programs/sage/add/",
        {
            "prefix": "นาย",
            "first_name": "ปราชญ์",
            "last_name": "ใหญ่เกิน",
            "village": two_districts["phon"].pk,
            "citizen_id": "1101700230708",
            "photo": photo,
        },
    )
    assert response.status_code == 413
    assert not Sage.objects.exists()


@pytest.mark.django_db
def test_below_the_request_limit_the_photo_check_still_refuses_over_10_mb(
    officer_client, two_districts
):
    photo = SimpleUploadedFile("sage.jpg", padded_jpeg(11 * MB), content_type="image/jpeg")
    response = officer_client.post(
        "/admin/programs/sage/add/",
        {
            "prefix": "นาย",
            "first_name": "ปราชญ์",
            "last_name": "ใหญ่เกิน",
            "village": two_districts["phon"].pk,
            "citizen_id": "1101700230708",
            "photo": photo,
        },
    )
    assert response.status_code == 200  # the form again, with the field's own Thai error
    assert "10 MB" in response.content.decode()
    assert not Sage.objects.exists()


@pytest.mark.django_db
def test_an_oversized_form_without_files_is_refused(client):
    body = urllib.parse.urlencode({"username": "x", "password": "y" * (11 * MB)})
    response = client.post("/admin/login/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert THAI_413 in response.content.decode()


@pytest.mark.django_db
def test_a_normal_upload_passes(officer_client):
    upload = SimpleUploadedFile("list.csv", "ปีงบประมาณ (พ.ศ.)\n".encode())
    response = officer_client.post(
        "/admin/programs/household/import/", {"import_file": upload, "format": "1", "resource": "0"}
    )
    assert response.status_code == 200


def test_the_production_server_answers_413_without_waiting_for_the_body(production_server):
    """Over a socket to gunicorn: the headers announce 20 MB, a few bytes follow, and the Thai
    413 page comes back at once."""
    host, port = urllib.parse.urlsplit(production_server).netloc.split(":")
    boundary = "sammachipboundary"
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(
            (
                "POST /admin/programs/household/import/ HTTP/1.1\r\n"
                f"Host: {host}\r\n"
                "X-Forwarded-Proto: https\r\n"
                f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
                f"Content-Length: {20 * MB}\r\n"
                "\r\n"
                f"--{boundary}\r\n"
            ).encode()
        )
        answer = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:  # the server may drop the unread body abruptly
                break
            if not chunk:
                break
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert b" 413 " in head.split(b"\r\n", 1)[0]
    assert THAI_413 in body.decode("utf-8", "replace")
