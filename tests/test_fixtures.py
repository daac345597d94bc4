"""The suite's own fixtures (tests/conftest.py, tests/fuzz/profiles.py): the geography is loaded
once per session and comes back after a flush; the hypothesis profile scales example counts."""

import pytest

from tests.fuzz import profiles
from villages.models import District, Province, Subdistrict


@pytest.mark.django_db
def test_every_database_test_starts_with_khon_kaen():
    assert District.objects.filter(province_id="40").count() == 26
    assert Subdistrict.objects.filter(district__province_id="40").count() == 199


@pytest.mark.usefixtures("empty_geography")
def test_the_geography_fixture_loads_it_again_after_a_flush(request):
    assert not Subdistrict.objects.exists()
    request.getfixturevalue("geography")
    assert Province.objects.get(code="40").name_th == "ขอนแก่น"
    assert Subdistrict.objects.filter(district__province_id="40").count() == 199


def test_examples_are_a_tenth_by_default_and_all_on_ci(monkeypatch):
    monkeypatch.setattr(profiles, "PROFILE", "dev")
    assert (profiles.examples(3000), profiles.examples(60)) == (300, 10)
    monkeypatch.setattr(profiles, "PROFILE", "ci")
    assert (profiles.examples(3000), profiles.examples(60)) == (3000, 60)
