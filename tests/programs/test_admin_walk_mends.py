"""What a walk through the back office as an officer found (2026-12-08): each mended page."""

import datetime
from decimal import Decimal

import pytest

from programs.models import ExportLog, FollowUp

pytestmark = pytest.mark.django_db


def test_an_old_report_row_of_the_export_log_reads_in_thai(province_client, geography):
    """Logged before reports wrote their words: rebuilt from the query, no "report=" key; the
    file's format in words."""
    from programs.reports import VILLAGE_TITLE

    ExportLog.objects.create(
        source=ExportLog.Source.ADMIN,
        file_format="html",
        filters="report=villages&fiscal_year=2570&district=4012",
        row_count=10,
    )
    html = province_client.get("/admin/programs/exportlog/").content.decode()
    assert f"{VILLAGE_TITLE} · อำเภอพล · ปีงบประมาณ 2570" in html
    assert "report=" not in html
    assert "หน้าพิมพ์" in html


def test_the_follow_up_list_shows_money_searches_names_and_filters_the_year(phon_client, programme):
    household = programme["phon"]["household"]
    FollowUp.objects.create(
        household=household,
        visited_on=datetime.date(2025, 3, 1),
        practising=True,
        monthly_income=Decimal("4200"),
    )
    url = "/admin/programs/followup/"
    html = phon_client.get(url).content.decode()
    assert "4,200.00" in html and "4200.00" not in html
    found = phon_client.get(url, {"q": f"นาย{household.first_name}"}).content.decode()
    assert household.first_name in found and "1 ผลลัพธ์" in found
    none = phon_client.get(url, {"q": "ไม่มีชื่อนี้"}).content.decode()
    assert "0 ผลลัพธ์" in none
    year = phon_client.get(url, {"fiscal_year": str(household.fiscal_year)}).content.decode()
    assert household.first_name in year
    other = phon_client.get(url, {"fiscal_year": str(household.fiscal_year - 1)}).content.decode()
    assert "4,200.00" not in other


def test_a_common_era_year_says_which_buddhist_era_year_it_would_be(programme):
    """2026 typed for 2569: one message, the import's, and no visit-window message with dates
    measured from the year 2026."""
    from django.core.exceptions import ValidationError

    from programs.models import followup_date_errors

    household = programme["phon"]["household"]
    household.fiscal_year = 2026
    with pytest.raises(ValidationError) as error:
        household.full_clean()
    assert error.value.message_dict["fiscal_year"] == [
        "ปีงบประมาณต้องเป็น พ.ศ.: 2026 น่าจะเป็น พ.ศ. 2569"
    ]
    visit = FollowUp(household=household, visited_on=datetime.date(2026, 12, 1))
    assert followup_date_errors(visit) == {}
    household.fiscal_year = 2700
    with pytest.raises(ValidationError) as error:
        household.full_clean()
    assert error.value.message_dict["fiscal_year"] == [
        "ปีงบประมาณ 2700 ไม่อยู่ในช่วงที่ใช้ได้ (พ.ศ. 2550–2650)"
    ]


def test_a_teams_grid_and_sign_in_sheet_list_house_numbers_as_people_read_them(
    phon_client, programme
):
    from tests.programs.factories import make_household, make_session

    team = programme["phon"]["team"]
    for number in ("171", "2", "28"):
        make_household(village=team.village, trainer_team=team, house_no=number)
    session = make_session(team=team)

    grid = phon_client.get(f"/admin/programs/trainerteam/{team.pk}/change/").content.decode()
    import re

    typed = re.findall(r'name="[^"]*-house_no" value="([^"]*)"', grid)
    assert [n for n in typed if n in ("2", "28", "171")] == ["2", "28", "171"]
    sheet = phon_client.get(f"/admin/programs/trainingsession/{session.pk}/sheet/")
    text = sheet.content.decode()
    positions = [text.index(f">{n}<") for n in ("2", "28", "171")]
    assert positions == sorted(positions)


def test_the_import_page_says_what_it_imports(phon_client, two_districts):
    html = phon_client.get("/admin/programs/household/import/").content.decode()
    assert "นำเข้ารายชื่อครัวเรือนเป้าหมายจากไฟล์" in html
