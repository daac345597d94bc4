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
