"""A sage as a certified trainer (วิทยากรสัมมาชีพชุมชน): course, centre and year (BE) on the
record, checked; shown in the public directory only when recorded."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from programs.models import Sage
from tests.programs.factories import make_sage

pytestmark = pytest.mark.django_db
BANGKOK = zoneinfo.ZoneInfo("Asia/Bangkok")


@pytest.fixture
def certified(two_districts):
    return make_sage(
        village=two_districts["phon"],
        first_name="คำปุน",
        last_name="วิทยากร",
        is_public=True,
        trainer_course="รุ่นที่ 3",
        trainer_centre="ศูนย์ศึกษาและพัฒนาชุมชนขอนแก่น",
        trainer_year=2566,
    )


@pytest.fixture
def plain(two_districts):
    return make_sage(
        village=two_districts["phon"], first_name="บุญมี", last_name="ไม่มีวุฒิ", is_public=True
    )


def test_the_label_names_course_and_year(certified):
    assert certified.is_certified_trainer
    assert certified.trainer_label == "วิทยากรสัมมาชีพชุมชน (รุ่นที่ 3 ปี 2566)"
    only_year = Sage(trainer_year=2567)
    assert only_year.trainer_label == "วิทยากรสัมมาชีพชุมชน (ปี 2567)"
    assert Sage(trainer_centre="ศูนย์ฯ").trainer_label == "วิทยากรสัมมาชีพชุมชน"
    assert Sage().trainer_label == ""


def test_the_directory_shows_the_certificate_when_recorded(client, certified, plain):
    listing = client.get("/sages/").content.decode()
    assert "วิทยากรสัมมาชีพชุมชน (รุ่นที่ 3 ปี 2566)" in listing
    assert listing.count("sage-certificate") == 1
    page = client.get(certified.get_absolute_url()).content.decode()
    assert "วิทยากรสัมมาชีพชุมชน (รุ่นที่ 3 ปี 2566)" in page
    assert "ศูนย์ศึกษาและพัฒนาชุมชนขอนแก่น" in page
    other = client.get(plain.get_absolute_url()).content.decode()
    assert "sage-certificate" not in other
    assert "ผ่านการอบรมวิทยากรที่" not in other


@pytest.mark.parametrize(
    ("year", "allowed"), [(2539, False), (2540, True), (2569, True), (2570, False)]
)
def test_the_year_is_a_plausible_be_year_not_in_the_future(plain, year, allowed):
    plain.trainer_year = year
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, tzinfo=BANGKOK), tick=False):
        if allowed:
            plain.full_clean()
            return
        with pytest.raises(ValidationError) as caught:
            plain.full_clean()
    assert "trainer_year" in caught.value.message_dict
    assert "พ.ศ." in caught.value.message_dict["trainer_year"][0]


def test_a_ce_year_is_refused(plain):
    plain.trainer_year = 2023
    with pytest.raises(ValidationError) as caught:
        plain.full_clean()
    assert "trainer_year" in caught.value.message_dict


def test_the_database_keeps_the_year_in_range(plain):
    with pytest.raises(IntegrityError), transaction.atomic():
        Sage.objects.filter(pk=plain.pk).update(trainer_year=2023)
    Sage.objects.filter(pk=plain.pk).update(trainer_year=None)


def test_the_sage_form_has_the_certificate_fields(phon_client, plain):
    html = phon_client.get(f"/admin/programs/sage/{plain.pk}/change/").content.decode()
    for name in ["trainer_course", "trainer_centre", "trainer_year"]:
        assert f'name="{name}"' in html
    assert "วิทยากรสัมมาชีพชุมชน (ผ่านหลักสูตรของกรมการพัฒนาชุมชน)" in html
    assert "ปีที่ผ่านการอบรมวิทยากร (พ.ศ.)" in html


def test_a_certificate_change_is_audited(plain):
    from sammachip.models import AuditEntry

    plain.trainer_course = "รุ่นที่ 5"
    plain.trainer_year = 2567
    plain.save()
    entry = AuditEntry.objects.get_for_object(plain).order_by("-timestamp").first()
    assert {"trainer_course", "trainer_year"} <= set(entry.changes_dict)
