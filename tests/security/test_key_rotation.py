"""Field-key rotation: ``rotate_field_keys`` re-encrypts every encrypted column with the newest
key while old keys still decrypt; afterwards the old key can go."""

import io

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from programs.models import Household, PendingImport, Sage
from programs.storage import EncryptedDatabaseStorage
from sammachip.management.commands.rotate_field_keys import encrypted_columns
from tests.programs.factories import make_household, make_sage

pytestmark = pytest.mark.django_db
OLD = Fernet.generate_key().decode()
NEW = Fernet.generate_key().decode()


def raw_tokens(model, column="citizen_id"):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {model._meta.db_table} ORDER BY id")
        return [row[0] for row in cursor.fetchall()]


def rotate():
    out = io.StringIO()
    call_command("rotate_field_keys", stdout=out)
    return out.getvalue()


def test_every_encrypted_column_is_found():
    found = {(model._meta.label, field.name) for model, field in encrypted_columns()}
    assert found == {("programs.Household", "citizen_id"), ("programs.Sage", "citizen_id")}


def test_rotation_moves_every_row_to_the_new_key(settings, two_districts):
    settings.SAMMACHIP_FIELD_KEYS = [OLD]
    village = two_districts["phon"]
    households = [make_household(village=village) for _ in range(3)]
    sage = make_sage(village=village, citizen_id="3400100123452")
    numbers = {h.pk: h.citizen_id for h in households}
    storage = EncryptedDatabaseStorage(encoding="utf-8")
    storage.save("a household list waiting for confirmation")

    # A new key first, the old one kept: everything still reads.
    settings.SAMMACHIP_FIELD_KEYS = [NEW, OLD]
    assert Household.objects.get(pk=households[0].pk).citizen_id == numbers[households[0].pk]
    output = rotate()
    assert "programs.Household.citizen_id: เข้ารหัสใหม่ 3 แถว" in output
    assert "programs.Sage.citizen_id: เข้ารหัสใหม่ 1 แถว" in output

    # Every stored token now opens with the new key alone...
    for token in raw_tokens(Household) + raw_tokens(Sage):
        Fernet(NEW).decrypt(token.encode())
        with pytest.raises(InvalidToken):
            Fernet(OLD).decrypt(token.encode())

    # ...so the old key can be removed and every number still reads, and is still found.
    settings.SAMMACHIP_FIELD_KEYS = [NEW]
    for pk, number in numbers.items():
        assert Household.objects.get(pk=pk).citizen_id == number
        assert Household.objects.with_citizen_id(number).get().pk == pk
    assert Sage.objects.get(pk=sage.pk).citizen_id == "3400100123452"
    assert storage.read() == "a household list waiting for confirmation"


def test_running_it_again_changes_nothing(settings, two_districts):
    settings.SAMMACHIP_FIELD_KEYS = [OLD]
    make_household(village=two_districts["phon"])
    settings.SAMMACHIP_FIELD_KEYS = [NEW, OLD]
    rotate()
    before = raw_tokens(Household)
    output = rotate()
    assert "เข้ารหัสใหม่ 0 แถว (ใช้กุญแจใหม่อยู่แล้ว 1 แถว)" in output
    assert raw_tokens(Household) == before


def test_without_the_old_key_it_stops_and_changes_nothing(settings, two_districts):
    settings.SAMMACHIP_FIELD_KEYS = [OLD]
    make_household(village=two_districts["phon"])
    before = raw_tokens(Household)
    settings.SAMMACHIP_FIELD_KEYS = [NEW]
    with pytest.raises(CommandError, match="กุญแจเก่า"):
        rotate()
    assert raw_tokens(Household) == before


def test_an_upload_waiting_during_the_key_change_survives(settings, two_districts):
    settings.SAMMACHIP_FIELD_KEYS = [OLD]
    storage = EncryptedDatabaseStorage(encoding="utf-8")
    storage.save("waiting")
    settings.SAMMACHIP_FIELD_KEYS = [NEW, OLD]  # deployed, not rotated yet
    assert storage.read() == "waiting"
    rotate()
    settings.SAMMACHIP_FIELD_KEYS = [NEW]
    assert storage.read() == "waiting"
    Fernet(NEW).decrypt(bytes(PendingImport.objects.get().data))
