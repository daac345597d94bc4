import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction

from villages.models import District, Province, Subdistrict, Village


def load(*provinces):
    out = io.StringIO()
    call_command("load_geography", province=list(provinces), stdout=out)
    return out.getvalue()


@pytest.mark.usefixtures("empty_geography")
def test_load_geography_loads_khon_kaen():
    output = load("40")
    assert Province.objects.get(code="40").name_th == "ขอนแก่น"
    assert District.objects.filter(province_id="40").count() == 26
    assert Subdistrict.objects.filter(district__province_id="40").count() == 199
    assert "26 อำเภอ" in output


@pytest.mark.usefixtures("empty_geography")
def test_load_geography_has_names_and_postcodes():
    load("40")
    phek_yai = Subdistrict.objects.get(code="401207")
    assert phek_yai.name_th == "เพ็กใหญ่"
    assert phek_yai.name_en == "Phek Yai"
    assert phek_yai.district.name_th == "พล"
    assert phek_yai.postcode == "40120"


@pytest.mark.usefixtures("empty_geography")
def test_load_geography_leaves_out_abolished_codes():
    from geothai.abolished import abolished_areas

    load("40")
    abolished = {a.code for a in abolished_areas() if a.code.startswith("40")}
    assert abolished, "the data should know some abolished Khon Kaen codes"
    assert not Subdistrict.objects.filter(code__in=abolished).exists()
    assert not District.objects.filter(code__in=abolished).exists()


@pytest.mark.usefixtures("empty_geography")
def test_load_geography_is_idempotent():
    load("40")
    Subdistrict.objects.filter(code="401207").update(name_th="ชื่อผิด")
    before = (District.objects.count(), Subdistrict.objects.count(), Province.objects.count())
    load("40")
    after = (District.objects.count(), Subdistrict.objects.count(), Province.objects.count())
    assert after == before
    assert Subdistrict.objects.get(code="401207").name_th == "เพ็กใหญ่"


@pytest.mark.usefixtures("empty_geography")
def test_load_geography_refuses_unknown_province():
    with pytest.raises(CommandError, match="ไม่พบจังหวัดรหัส 99"):
        load("99")


@pytest.mark.django_db
def test_village_code_is_derived_from_subdistrict_and_moo(geography):
    village = Village.objects.create(
        subdistrict=Subdistrict.objects.get(code="401207"), moo=11, name_th="บ้านทดสอบ"
    )
    assert village.code == "40120711"
    assert village.district_id == "4012"


@pytest.mark.django_db
def test_village_moo_is_unique_per_subdistrict(geography):
    subdistrict = Subdistrict.objects.get(code="401207")
    Village.objects.create(subdistrict=subdistrict, moo=3, name_th="บ้านหนึ่ง")
    with pytest.raises(IntegrityError), transaction.atomic():
        Village.objects.create(subdistrict=subdistrict, moo=3, name_th="บ้านสอง")


@pytest.mark.django_db
def test_database_refuses_a_village_whose_code_disagrees(geography):
    Village.objects.create(
        subdistrict=Subdistrict.objects.get(code="401207"), moo=4, name_th="บ้านจริง"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Village.objects.filter(code="40120704").update(district_id="4001")


@pytest.mark.django_db
def test_database_refuses_moo_out_of_range(geography):
    with pytest.raises(IntegrityError), transaction.atomic():
        Village.objects.bulk_create(
            [
                Village(
                    code="40120700", subdistrict_id="401207", district_id="4012", moo=0, name_th="x"
                )
            ]
        )
