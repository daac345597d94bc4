"""Issue 13, item 15: the nginx site (deploy/nginx/sammachip.conf) lets the application answer an
oversized upload in Thai, and every response nginx makes itself (uploaded images under /media/)
carries the security headers the application sends on its own responses.

The site is run for real: ``nginx -t`` with the site in a minimal nginx.conf of a temp folder,
then nginx on loopback ports in front of a stub upstream. Skipped when nginx is not installed."""

import http.client
import os
import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "deploy" / "nginx" / "sammachip.conf"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else "")
HOST = "sammachip.example.go.th"
LIVE = f"/etc/letsencrypt/live/{HOST}"
SECURITY_HEADERS = [
    "Strict-Transport-Security",
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "X-Frame-Options",
]
needs_nginx = pytest.mark.skipif(
    not NGINX, reason="nginx not installed (apt-get install nginx-light)"
)


def location_blocks(text):
    """``(location line, body)`` of every location block, nested braces included."""
    blocks = []
    for match in re.finditer(r"^\s*(location\s[^{]*)\{", text, re.MULTILINE):
        depth, start = 1, match.end()
        index = start
        while depth:
            depth += {"{": 1, "}": -1}.get(text[index], 0)
            index += 1
        blocks.append((match.group(1).strip(), text[start : index - 1]))
    return blocks


def test_every_block_with_its_own_headers_carries_the_security_headers():
    """Item 15: a location with its own add_header (which drops any inherited one) repeats the
    whole security set, on every status (``always``)."""
    site = re.sub(r"#.*", "", SITE.read_text())
    with_headers = [(name, body) for name, body in location_blocks(site) if "add_header" in body]
    assert with_headers  # /media/ at least
    for name, body in with_headers:
        for header in SECURITY_HEADERS:
            assert re.search(rf"add_header\s+{header}\s.*\balways;", body), (name, header)


def test_the_proxy_limit_is_a_little_above_the_applications():
    """Item 15: client_max_body_size is above SAMMACHIP_MAX_REQUEST_BODY (15 MB), so the
    application answers with its Thai 413 page; and not far above."""
    size = re.search(r"^\s*client_max_body_size\s+(\d+)m;", SITE.read_text(), re.MULTILINE)
    limit = int(size.group(1)) * 1024 * 1024
    assert (
        settings.SAMMACHIP_MAX_REQUEST_BODY
        < limit
        <= settings.SAMMACHIP_MAX_REQUEST_BODY + (2 * 1024 * 1024)
    )


# ---- the site, run ---------------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Upstream(BaseHTTPRequestHandler):
    """The application's stand-in: reads the whole body, answers 200 with one HSTS header."""

    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        while length:
            length -= len(self.rfile.read(min(length, 1 << 20)))
        body = b"app"
        self.send_response(200)
        self.send_header("Strict-Transport-Security", "max-age=31536000")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = answer

    def log_message(self, *args):
        pass


def replaced(text, old, new):
    assert old in text, f"the site no longer has {old!r}: update this test"
    return text.replace(old, new)


@pytest.fixture(scope="module")
def nginx_site(tmp_path_factory):
    """The site file served by nginx on a loopback port, in front of the stub upstream."""
    if not NGINX:
        pytest.skip("nginx not installed (apt-get install nginx-light)")
    folder = tmp_path_factory.mktemp("nginx")
    certificate, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", f"/CN={HOST}", "-keyout", str(key), "-out", str(certificate),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    (folder / "media" / "articles").mkdir(parents=True)
    (folder / "media" / "articles" / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really")
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    https_port, http_port = free_port(), free_port()
    site = SITE.read_text()
    for old, new in [
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("listen [::]:443 ssl http2;", ""),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen [::]:80;", ""),
        ("server 127.0.0.1:8000", f"server 127.0.0.1:{upstream.server_port}"),
        ("/srv/sammachip/media/", f"{folder}/media/"),
        ("/var/www/letsencrypt", str(folder)),
        (f"{LIVE}/fullchain.pem", str(certificate)),
        (f"{LIVE}/privkey.pem", str(key)),
        ("/var/log/nginx/", f"{folder}/"),
    ]:
        site = replaced(site, old, new)
    (folder / "site.conf").write_text(site)
    temp = "\n".join(
        f"  {kind}_temp_path {folder}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (folder / "nginx.conf").write_text(
        # Started by root, the workers would be "nobody", who cannot enter pytest's temp folder.
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"pid {folder}/nginx.pid;\nerror_log {folder}/error.log;\n"
        + "events { worker_connections 64; }\n"
        + f"http {{\n  include /etc/nginx/mime.types;\n{temp}\n  include {folder}/site.conf;\n}}\n"
    )
    command = [NGINX, "-c", str(folder / "nginx.conf"), "-p", str(folder)]
    check = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen(
        [*command, "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"nginx did not start: {process.stderr.read().decode()}")
                time.sleep(0.05)
        yield https_port
    finally:
        process.terminate()
        process.wait(timeout=10)
        upstream.shutdown()
        upstream.server_close()


def connect(port):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=30)


def get(port, path):
    connection = connect(port)
    connection.request("GET", path, headers={"Host": HOST})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


@needs_nginx
@pytest.mark.parametrize("path", ["/media/articles/photo.jpg", "/media/articles/missing.jpg"])
def test_media_responses_carry_the_security_headers(nginx_site, path):
    """Item 15: an upload served by nginx (and its 404) carries HSTS, CSP, nosniff,
    Referrer-Policy and X-Frame-Options, not only its Cache-Control."""
    response = get(nginx_site, path)
    assert response.status == (200 if path.endswith("photo.jpg") else 404)
    assert response.getheader("Strict-Transport-Security") == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert "default-src 'none'" in response.getheader("Content-Security-Policy", "")
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("Referrer-Policy") == "same-origin"
    assert response.getheader("X-Frame-Options") == "DENY"


@needs_nginx
def test_media_keeps_its_caching_and_image_type(nginx_site):
    """Item 15: the security headers come in addition to the block's own."""
    response = get(nginx_site, "/media/articles/photo.jpg")
    assert response.getheader("Cache-Control") == "max-age=2592000, public"  # expires 30d
    assert response.getheader("Content-Type") == "image/jpeg"


@needs_nginx
def test_proxied_responses_carry_the_applications_headers_once(nginx_site):
    """Item 15: what the application answers passes with its own headers, none doubled."""
    response = get(nginx_site, "/")
    assert response.status == 200
    assert response.headers.get_all("Strict-Transport-Security") == ["max-age=31536000"]


@needs_nginx
def test_an_upload_just_over_the_applications_limit_reaches_the_application(nginx_site):
    """Item 15: a body of SAMMACHIP_MAX_REQUEST_BODY + 1 byte (15 MB + 1) reaches the
    application (whose Thai 413 page then answers); nginx's 12m stopped it with English."""
    connection = connect(nginx_site)
    body = b"x" * (settings.SAMMACHIP_MAX_REQUEST_BODY + 1)
    connection.request(
        "POST", "/admin/programs/household/import/", body=body,
        headers={"Host": HOST, "Content-Type": "multipart/form-data; boundary=x"},
    )  # fmt: skip
    response = connection.getresponse()
    assert response.status == 200
    assert response.read() == b"app"
    connection.close()


@needs_nginx
def test_a_body_far_over_the_limit_is_refused_by_nginx(nginx_site):
    """Item 15: nginx still refuses what no form may send (32 MB declared), before reading it."""
    connection = connect(nginx_site)
    connection.putrequest("POST", "/", skip_host=True)
    connection.putheader("Host", HOST)
    connection.putheader("Content-Length", str(32 * 1024 * 1024))
    connection.endheaders()
    response = connection.getresponse()
    assert response.status == 413
    connection.close()
