"""``import_legacy_articles`` and ``seed_articles``."""

import io

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, ArticleRevision
from articles.services import article_changed
from tests.factories import make_village

pytestmark = pytest.mark.django_db


def run(*files, **options):
    out = io.StringIO()
    call_command("import_legacy_articles", *map(str, files), stdout=out, **options)
    return out.getvalue()


def test_import_creates_one_article(geography, sample_path):
    run(sample_path)
    assert Article.objects.count() == 1


def test_new_import_is_a_draft(geography, sample_path):
    run(sample_path)
    assert Article.objects.get().status == Article.Status.DRAFT


def test_publish_option_publishes(imported):
    assert imported.status == Article.Status.PUBLISHED


def test_second_run_updates_instead_of_duplicating(imported, sample_path):
    run(sample_path)
    assert Article.objects.count() == 1


def test_second_run_updates_the_text(imported, sample_path):
    text = sample_path.read_text(encoding="utf-8")
    sample_path.write_text(text.replace("ปราชญ์ชุมชน", "ปราชญ์ชาวบ้าน"), encoding="utf-8")
    run(sample_path)
    imported.refresh_from_db()
    assert "ปราชญ์ชาวบ้าน" in imported.background


def test_crlf_file_is_the_same_article(imported, sample_path):
    sample_path.write_bytes(sample_path.read_bytes().replace(b"\n", b"\r\n"))
    run(sample_path)
    assert Article.objects.count() == 1


def test_resolves_the_subdistrict(imported):
    assert imported.subdistrict_id == "401207"


def test_resolves_the_district(imported):
    assert imported.district_id == "4012"


def test_resolves_the_village_when_it_exists(geography, sample_path):
    village = make_village(subdistrict="401207", moo=11, name_th="บ้านเพ็กใหญ่")
    run(sample_path)
    assert Article.objects.get().village == village


def test_same_subdistrict_name_resolves_in_the_named_district(geography, sample_path):
    # ต.ในเมือง exists in three Khon Kaen districts (เมืองขอนแก่น, บ้านไผ่, เวียงเก่า).
    text = sample_path.read_text(encoding="utf-8")
    sample_path.write_text(text.replace("ต.เพ็กใหญ่ อ.พล", "ต.ในเมือง อ.บ้านไผ่"), encoding="utf-8")
    run(sample_path)
    assert Article.objects.get().subdistrict_id == "401002"


def test_ambiguous_subdistrict_without_district_is_not_guessed(geography, sample_path):
    text = sample_path.read_text(encoding="utf-8")
    sample_path.write_text(text.replace("ต.เพ็กใหญ่ อ.พล", "ต.ในเมือง"), encoding="utf-8")
    run(sample_path)
    assert Article.objects.get().subdistrict is None


def test_district_office_address_resolves_the_district(geography, sample_path):
    text = sample_path.read_text(encoding="utf-8")
    text = text.replace("52 หมู่ที่ 11 ต.เพ็กใหญ่ อ.พล จ.ขอนแก่น", "สำนักงานพัฒนาชุมชนอำเภอชุมแพ")
    sample_path.write_text(text, encoding="utf-8")
    run(sample_path)
    assert Article.objects.get().district_id == "4005"


def test_unknown_place_leaves_a_provincial_article(geography, sample_path):
    text = sample_path.read_text(encoding="utf-8").replace("อ.พล", "อ.ไม่มีจริง")
    text = text.replace("ต.เพ็กใหญ่", "ต.ไม่มีจริง")
    sample_path.write_text(text, encoding="utf-8")
    run(sample_path)
    assert Article.objects.get().district is None


def test_reports_the_missing_images(geography, sample_path):
    assert "image1 image2 image3" in run(sample_path)


def test_reports_the_empty_sections(geography, sample_path):
    assert "ส่วนที่ว่าง: กระบวนการ/ขั้นตอน | ข้อพึงระวัง" in run(sample_path)


def test_reports_an_unknown_heading(geography, sample_path):
    text = sample_path.read_text(encoding="utf-8").replace("ข้อพึงระวัง ->", "เคล็ดลับ ->")
    sample_path.write_text(text, encoding="utf-8")
    assert "หัวข้อ “เคล็ดลับ”" in run(sample_path)


def test_a_bad_file_changes_nothing(geography, sample_path, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("ไม่ใช่โพสต์\n", encoding="utf-8")
    with pytest.raises(CommandError):
        run(sample_path, bad)
    assert Article.objects.count() == 0


def test_import_leaves_a_revision(imported):
    assert ArticleRevision.objects.filter(article=imported).exists()


def test_import_fires_the_change_hook(geography, sample_path, django_capture_on_commit_callbacks):
    actions = []

    def receiver(sender, article, action, **kwargs):
        actions.append(action)

    article_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            run(sample_path)
    finally:
        article_changed.disconnect(receiver)
    assert actions == ["imported"]


def test_seed_articles_publishes_the_sample(geography):
    call_command("seed_articles", stdout=io.StringIO())
    assert Article.objects.published().count() == 1


def test_seed_articles_twice_keeps_one_article(geography):
    call_command("seed_articles", stdout=io.StringIO())
    call_command("seed_articles", stdout=io.StringIO())
    assert Article.objects.count() == 1


def test_seed_articles_gives_the_sample_an_ascii_category_slug(geography):
    call_command("seed_articles", stdout=io.StringIO())
    assert Article.objects.get().category.slug == "promotion-techniques"
