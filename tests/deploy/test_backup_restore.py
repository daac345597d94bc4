"""Backup → wipe → restore gives back the same data, with ``deploy/backup.sh`` and
``deploy/restore.sh`` as documented in docs/deploy.md."""

import hashlib
import shutil
import subprocess

import pytest

from tests.deploy import support

pytestmark = pytest.mark.postgres

# Tables whose every row is compared (a checksum of the rows in primary-key order).
KEY_TABLES = [
    "villages_village",
    "sammachip_user",
    "programs_household",
    "programs_sage",
    "programs_trainerteam",
    "articles_article",
    "articles_articleimage",
    "sammachip_auditentry",
]

ADD_IMAGE = """
import io
from PIL import Image
from django.core.files.uploadedfile import SimpleUploadedFile
from articles import services
from articles.models import Article, ArticleImage
buffer = io.BytesIO()
Image.new("RGB", (900, 600), "green").save(buffer, "JPEG")
image = ArticleImage(article=Article.objects.published().first(), alt_text="ภาพประกอบ", order=0)
image.image = SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")
services.article_image_save(image=image)
print(image.pk)
"""

READ_BACK = """
from programs.models import Household
from articles.models import Category
from sammachip import citizen_id
numbers = [h.citizen_id for h in Household.objects.order_by("pk")[:50]]
assert numbers and all(citizen_id.is_valid(n) for n in numbers), numbers[:1]
listed = Household.objects.filter(citizen_id_hash=citizen_id.keyed_hash(numbers[0])).count()
Category.objects.create(name="หมวดหลังกู้คืน", slug="after-restore")  # sequences restored too
print("readable", len(numbers), listed)
"""


def snapshot(pg, database):
    tables = [
        name
        for (name,) in pg.query(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
            database=database,
        )
    ]
    counts = {
        table: pg.query(f'SELECT count(*) FROM "{table}"', database=database)[0][0]
        for table in tables
    }
    checksums = {
        table: pg.query(
            f"SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) FROM \"{table}\" t",
            database=database,
        )[0][0]
        for table in KEY_TABLES
    }
    return counts, checksums


def files_digest(root):
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def script(name, env, *args):
    return subprocess.run(
        ["bash", str(support.ROOT / "deploy" / name), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_backup_wipe_restore_gives_identical_data(
    pg, database, prod_env, media_root, tmp_path, django_shell, app_server
):
    django_shell(prod_env, ADD_IMAGE)
    counts, checksums = snapshot(pg, database)
    media = files_digest(media_root)
    assert counts["programs_household"] >= 100
    assert counts["articles_articleimage"] == 1
    assert len(media) == 5  # the cleaned original and its four renditions

    env = {**prod_env, "BACKUP_DIR": str(tmp_path / "backups")}
    backup = script("backup.sh", env)
    assert backup.returncode == 0, backup.stderr
    folder = backup.stdout.strip().splitlines()[-1]
    assert sorted(p.name for p in (tmp_path / "backups").iterdir()) == [folder.rsplit("/", 1)[1]]
    manifest = (tmp_path / "backups" / folder / "MANIFEST").read_text()
    assert support.FIELD_KEYS not in manifest
    assert support.HASH_KEY not in manifest

    # The disaster: database and uploads gone.
    pg.drop(database)
    shutil.rmtree(media_root)
    assert not pg.exists(database)

    # The documented recovery: a new UTF-8 database, then restore.sh.
    recreated = pg.create(database.removeprefix(pg.prefix))
    assert recreated == database
    restore = script("restore.sh", env, folder)
    assert restore.returncode == 0, restore.stderr

    assert snapshot(pg, database) == (counts, checksums)
    assert files_digest(media_root) == media
    encoding = pg.query(
        "SELECT pg_encoding_to_char(encoding), datcollate FROM pg_database WHERE datname = %s",
        [database],
    )
    assert encoding == [("UTF8", "C.UTF-8")]

    # With the same keys the application reads every citizen ID back and finds them by hash.
    assert django_shell(prod_env, READ_BACK).split()[-3:] == ["readable", "50", "1"]
    # And serves the restored article with its image.
    server = app_server(prod_env, workers=1)
    client = support.HttpClient(server)
    page = client.get("/articles/")
    assert page.status == 200
    detail = client.get(
        "/articles/{}/".format(
            pg.query("SELECT article_id FROM articles_articleimage", database=database)[0][0]
        )
    )
    assert detail.status == 200
    assert "/media/articles/" in detail.text


def test_restore_refuses_other_keys_and_a_database_in_use(pg, database, prod_env, tmp_path):
    env = {**prod_env, "BACKUP_DIR": str(tmp_path / "backups")}
    backup = script("backup.sh", env)
    assert backup.returncode == 0, backup.stderr
    folder = backup.stdout.strip().splitlines()[-1]

    other_keys = {**env, "SAMMACHIP_HASH_KEY": "another-key-entirely-" + "x" * 20}
    refused = script("restore.sh", other_keys, folder)
    assert refused.returncode == 2
    assert "not the keys of this backup" in refused.stderr

    in_use = script("restore.sh", env, folder)  # the database still holds its tables
    assert in_use.returncode == 3
    assert "not empty" in in_use.stderr

    (tmp_path / "backups" / folder.rsplit("/", 1)[1] / "db.dump").write_bytes(b"damaged")
    damaged = script("restore.sh", env, folder)
    assert damaged.returncode != 0
    assert "FAILED" in damaged.stdout + damaged.stderr
