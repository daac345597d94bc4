"""``District.objects.in_province()``: the one filter on the province this installation serves."""

import re
from pathlib import Path

import pytest

from programs.models import Household
from tests.factories import make_village
from tests.programs.factories import make_household
from villages.models import District, Province

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_in_province_is_the_configured_provinces_districts(geography, settings):
    udon = Province.objects.create(code="41", name_th="อุดรธานี")
    District.objects.create(code="4101", name_th="เมืองอุดรธานี", province=udon)
    codes = set(District.objects.in_province().values_list("code", flat=True))
    assert len(codes) == 26
    assert "4101" not in codes
    settings.SAMMACHIP_PROVINCE_CODE = "41"  # read when the query is built, not at import
    assert list(District.objects.in_province().values_list("code", flat=True)) == ["4101"]


@pytest.mark.django_db
def test_district_owned_rows_follow_it(geography, settings):
    household = make_household(village=make_village())
    in_province = District.objects.in_province()
    assert list(Household.objects.in_districts(in_province)) == [household]
    settings.SAMMACHIP_PROVINCE_CODE = "41"
    assert not Household.objects.in_districts(District.objects.in_province()).exists()


def test_the_province_filter_is_written_once():
    """No copy of the filter outside ``villages/models.py`` (and no ``province_districts()``)."""
    copy = re.compile(
        r"province_id\s*=\s*(settings\.SAMMACHIP_PROVINCE_CODE|code\b)|def province_districts"
    )
    found = [
        str(path.relative_to(ROOT))
        for package in ["sammachip", "villages", "programs", "articles"]
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
        for line in path.read_text(encoding="utf-8").splitlines()
        if copy.search(line)
    ]
    assert found == ["villages/models.py"]
