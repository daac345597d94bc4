import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection

from programs.models import Household
from sammachip import citizen_id
from tests.programs.factories import make_household, valid_id

GOOD = "1101700230708"


def test_valid_id_passes():
    assert citizen_id.validate(GOOD) == GOOD


@pytest.mark.parametrize(
    "typed", ["1-1017-00230-70-8", "1 1017 00230 70 8", "๑๑๐๑๗๐๐๒๓๐๗๐๘", 1101700230708.0]
)
def test_ids_as_they_are_typed_are_normalised(typed):
    assert citizen_id.validate(typed) == GOOD


def test_bad_checksum_is_refused_in_thai():
    with pytest.raises(ValidationError, match="เลขตรวจสอบหลักสุดท้ายไม่ตรง"):
        citizen_id.validate("1101700230709")


def test_wrong_length_is_refused_in_thai():
    with pytest.raises(ValidationError, match="ต้องมี 13 หลัก"):
        citizen_id.validate("110170023070")


def test_mask_shows_first_five_and_last_digit():
    assert citizen_id.mask(GOOD) == "1-1017-xxxxx-xx-8"


@pytest.mark.django_db
def test_raw_table_holds_no_plaintext_id(geography):
    number = valid_id(424242)
    household = make_household(citizen_id=number)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT citizen_id, citizen_id_hash FROM programs_household WHERE id = %s",
            [household.pk],
        )
        stored, stored_hash = cursor.fetchone()
    assert number not in stored
    assert number not in stored_hash
    assert Household.objects.get(pk=household.pk).citizen_id == number


@pytest.mark.django_db
def test_dumpdata_holds_no_plaintext_id(geography):
    number = valid_id(515151)
    make_household(citizen_id=number)
    out = io.StringIO()
    call_command("dumpdata", "programs", "sammachip", stdout=out)
    assert number not in out.getvalue()
    assert json.loads(out.getvalue())


@pytest.mark.django_db
def test_dumpdata_round_trips_through_loaddata(geography, tmp_path):
    number = valid_id(616161)
    household = make_household(citizen_id=number)
    out = io.StringIO()
    call_command("dumpdata", "programs.household", stdout=out)
    Household.objects.all().delete()
    dump = tmp_path / "households.json"
    dump.write_text(out.getvalue())
    call_command("loaddata", str(dump), verbosity=0)
    assert Household.objects.get(pk=household.pk).citizen_id == number


@pytest.mark.django_db
def test_exact_lookup_through_the_keyed_hash(geography):
    household = make_household(citizen_id=GOOD)
    assert list(Household.objects.with_citizen_id("1-1017-00230-70-8")) == [household]


@pytest.mark.django_db
def test_bulk_create_fills_the_hash(geography):
    from tests.factories import make_village

    village = make_village()
    Household.objects.bulk_create(
        [
            Household(
                village=village,
                district_id=village.district_id,
                fiscal_year=2568,
                house_no="1",
                first_name="ก",
                last_name="ข",
                citizen_id=GOOD,
            )
        ]
    )
    assert Household.objects.with_citizen_id(GOOD).count() == 1


def test_rotated_keys_still_read_old_tokens(settings):
    from cryptography.fernet import Fernet

    old_keys = list(settings.SAMMACHIP_FIELD_KEYS)
    token = citizen_id.encrypt(GOOD)
    settings.SAMMACHIP_FIELD_KEYS = [Fernet.generate_key().decode(), *old_keys]
    assert citizen_id.decrypt(token) == GOOD
    rotated = citizen_id.rotate(token)
    settings.SAMMACHIP_FIELD_KEYS = settings.SAMMACHIP_FIELD_KEYS[:1]
    assert citizen_id.decrypt(rotated) == GOOD


@pytest.mark.django_db
def test_repr_carries_no_id(geography):
    household = make_household(citizen_id=GOOD)
    assert GOOD not in repr(household)
    assert "xxxxx" not in repr(household)
