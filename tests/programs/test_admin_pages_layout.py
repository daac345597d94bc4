"""What the browser check of the home panel, the drop-decision page and the parameters admin
found and fixed: each page says what it needs to be read at 1366 px and on a phone."""

import pytest
from django.utils import timezone

from programs.models import ProgrammeYear
from sammachip import thaidate
from tests.programs.factories import make_household

pytestmark = pytest.mark.django_db

PARAMETERS = "/admin/programs/programmeyear/"


def test_the_home_panel_brings_its_layout(phon_client, programme):
    html = phon_client.get("/admin/").content.decode()
    assert "css/home.css" in html  # full width, headers broken between words, tables that scroll


def test_the_drop_decision_page_explains_its_fields(phon_client, two_districts):
    household = make_household(village=two_districts["phon"])
    chosen = {"action": "record_drop_decision", "index": "0", "_selected_action": [household.pk]}
    html = phon_client.post("/admin/programs/household/", chosen).content.decode()
    assert "ปี พ.ศ. เช่น 21/06/2569" in html  # the date's help
    assert 'size="20"' in html  # the placeholder วว/ดด/ปปปป (พ.ศ.) is not cut
    today = thaidate.format_input_date(timezone.localdate())
    assert f'value="{today}"' in html  # a decision made today needs no typing


def test_the_parameters_list_fits_and_says_the_defaults(province_client):
    ProgrammeYear.objects.create(fiscal_year=2570, target_practising=80)
    html = province_client.get(PARAMETERS).content.decode()
    assert "80% / +3% / 10%" in html  # the three targets in one short column
    assert "5 คน / 20 ครัวเรือน" in html
    assert "ปีงบประมาณที่ไม่มีรายการในหน้านี้ใช้ค่าเริ่มต้น" in html


def test_a_new_parameters_year_is_proposed(province_client):
    form = province_client.get(PARAMETERS + "add/").context["adminform"].form
    assert form.initial["fiscal_year"] == thaidate.current_fiscal_year()
    ProgrammeYear.objects.create(fiscal_year=2571)
    form = province_client.get(PARAMETERS + "add/").context["adminform"].form
    assert form.initial["fiscal_year"] == 2572
    assert 'inputmode="numeric"' in province_client.get(PARAMETERS + "add/").content.decode()
