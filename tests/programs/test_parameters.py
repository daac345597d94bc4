"""Programme parameters per fiscal year (``programs.parameters``, ``ProgrammeYear``) and the
household's target group (กลุ่มเป้าหมาย) on the form, the team grid and the Excel columns."""

import io
from decimal import Decimal

import openpyxl
import pytest
import tablib
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from programs import parameters, spreadsheets
from programs.models import Household, ProgrammeYear
from programs.resources import HouseholdResource
from programs.widgets import TargetGroupWidget
from sammachip import roles
from sammachip.models import AuditEntry
from tests.programs.factories import (
    make_household,
    make_occupation,
    make_sage,
    make_team,
    valid_id,
)
from tests.programs.test_team_entry import household_row, team_post

pytestmark = pytest.mark.django_db
ADD = "/admin/programs/programmeyear/add/"


def year_post(fiscal_year=2570, **overrides):
    return {
        "fiscal_year": fiscal_year,
        "team_size": 5,
        "households_per_village": 30,
        "minimum_training_days": 2,
        "followup_schedule": "1, 3, 6",
        "evaluation_months": 6,
        "target_practising": "85",
        "target_income_change": "3",
        "target_groups": "10",
        "income_rise_max": 300,
        "income_drop_max": 50,
        "phone_shared_max": 3,
        **overrides,
    }


# ---- for_year ------------------------------------------------------------------------------


def test_a_year_without_a_row_has_todays_figures():
    year = parameters.for_year(2570)
    assert year.pk is None
    assert year.fiscal_year == 2570
    assert year.team_size == 5
    assert year.households_per_village == 20
    assert year.minimum_training_days == 1
    assert year.followup_months == [1, 3, 6]
    assert year.evaluation_months == 6
    assert year.target_practising == Decimal(85)
    assert year.target_income_change == Decimal(3)
    assert year.target_groups == Decimal(10)
    assert not ProgrammeYear.objects.exists()  # reading never writes


def test_a_saved_year_is_read_in_one_query():
    ProgrammeYear.objects.create(
        fiscal_year=2568, households_per_village=30, followup_schedule="2, 4"
    )
    with CaptureQueriesContext(connection) as queries:
        year = parameters.for_year(2568)
    assert len(queries) == 1
    assert year.households_per_village == 30
    assert year.followup_months == [2, 4]
    assert parameters.for_year(2569).households_per_village == 20


def test_writes_without_save_forget_the_cached_parameters():
    """QuerySet update/delete/bulk writes skip the signals: the cached rows are dropped all
    the same (they were served for up to an hour)."""
    ProgrammeYear.objects.create(fiscal_year=2568, team_size=6)
    assert parameters.for_year(2568).team_size == 6  # now cached
    ProgrammeYear.objects.filter(fiscal_year=2568).update(team_size=7)
    assert parameters.for_year(2568).team_size == 7
    year = ProgrammeYear.objects.get(fiscal_year=2568)
    year.team_size = 8
    ProgrammeYear.objects.bulk_update([year], ["team_size"])
    assert parameters.for_year(2568).team_size == 8
    ProgrammeYear.objects.bulk_create([ProgrammeYear(fiscal_year=2569, team_size=9)])
    assert parameters.for_year(2569).team_size == 9
    ProgrammeYear.objects.filter(fiscal_year=2569).delete()  # post_delete signals
    assert parameters.for_year(2569).team_size == 5


def test_several_years_in_one_query():
    ProgrammeYear.objects.create(fiscal_year=2568, team_size=6)
    with CaptureQueriesContext(connection) as queries:
        years = parameters.for_years([2567, 2568])
    assert len(queries) == 1
    assert years[2568].team_size == 6
    assert years[2567].team_size == 5 and years[2567].pk is None


@pytest.mark.parametrize(
    ("typed", "months"),
    [("1, 3, 6", [1, 3, 6]), ("1,3,6", [1, 3, 6]), ("๑, ๓, ๖", [1, 3, 6]), ("12", [12])],
)
def test_the_schedule_reads_as_months(typed, months):
    assert parameters.parse_followup_months(typed) == months


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("3, 1", "เรียงเดือนจากน้อยไปมาก"),
        ("1, 1", "เรียงเดือนจากน้อยไปมาก"),
        ("0, 3", "ระหว่าง 1 ถึง 36"),
        ("1, 37", "ระหว่าง 1 ถึง 36"),
        ("หนึ่ง สาม", "คั่นด้วยจุลภาค"),
        ("1,,3", "คั่นด้วยจุลภาค"),
        ("", "คั่นด้วยจุลภาค"),
    ],
)
def test_a_bad_schedule_is_refused_in_thai(typed, message):
    with pytest.raises(ValidationError, match=message):
        parameters.parse_followup_months(typed)
    year = ProgrammeYear(fiscal_year=2570, followup_schedule=typed)
    with pytest.raises(ValidationError) as caught:
        year.full_clean()
    assert "followup_schedule" in caught.value.message_dict


def test_the_database_keeps_targets_as_percentages():
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgrammeYear.objects.create(fiscal_year=2570, target_practising=Decimal(150))
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgrammeYear.objects.create(fiscal_year=2570, minimum_training_days=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgrammeYear.objects.create(fiscal_year=2570)
        ProgrammeYear.objects.create(fiscal_year=2570)


# ---- the admin: provincial staff edit, officers read, every change audited -------------------


def test_the_roles_grant_view_to_officers_and_change_to_provincial_staff():
    district, province = roles.ROLE_PERMISSIONS["district"], roles.ROLE_PERMISSIONS["province"]
    assert "programs.view_programmeyear" in district
    assert not {"programs.add_programmeyear", "programs.change_programmeyear"} & district
    assert {
        "programs.view_programmeyear",
        "programs.add_programmeyear",
        "programs.change_programmeyear",
    } <= province


def test_provincial_staff_set_a_year_and_it_is_audited(province_client):
    response = province_client.post(ADD, year_post(followup_schedule="๑,๓ ,๖"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    year = ProgrammeYear.objects.get()
    assert year.followup_schedule == "1, 3, 6"
    assert parameters.for_year(2570).households_per_village == 30
    response = province_client.post(
        f"/admin/programs/programmeyear/{year.pk}/change/", year_post(target_practising="90")
    )
    assert response.status_code == 302
    entries = AuditEntry.objects.get_for_object(year)
    assert entries.count() == 2
    assert "target_practising" in entries.order_by("-timestamp").first().changes_dict


def test_the_admin_form_is_thai(province_client):
    html = province_client.get(ADD).content.decode()
    for label in ["ครัวเรือนเป้าหมายต่อหมู่บ้าน", "กำหนดการติดตามผล", "เป้าหมายตัวชี้วัด (ร้อยละ)"]:
        assert label in html
    response = province_client.post(ADD, year_post(followup_schedule="6, 3"))
    assert response.status_code == 200
    assert "กรุณาเรียงเดือนจากน้อยไปมาก" in response.content.decode()
    assert not ProgrammeYear.objects.exists()


def test_a_new_year_starts_from_the_latest_years_figures(province_client):
    ProgrammeYear.objects.create(fiscal_year=2569, households_per_village=30)
    form = province_client.get(ADD).context["adminform"].form
    assert form.initial["households_per_village"] == 30


def test_district_officers_may_read_but_not_change(phon_client):
    year = ProgrammeYear.objects.create(fiscal_year=2570)
    assert phon_client.get("/admin/programs/programmeyear/").status_code == 200
    change = f"/admin/programs/programmeyear/{year.pk}/change/"
    assert phon_client.get(change).status_code == 200
    assert phon_client.post(change, year_post(households_per_village=99)).status_code == 403
    assert phon_client.post(ADD, year_post(fiscal_year=2571)).status_code == 403
    year.refresh_from_db()
    assert year.households_per_village == 20
    assert ProgrammeYear.objects.count() == 1


# ---- warnings use the year's figures (never a block) -----------------------------------------


def test_team_warnings_use_the_years_guidance(phon_client, two_districts):
    village = two_districts["phon"]
    ProgrammeYear.objects.create(fiscal_year=2568, team_size=7, households_per_village=30)
    sage, occupation = make_sage(village=village), make_occupation("ทอผ้าไหม")
    response = phon_client.post(
        "/admin/programs/trainerteam/add/",
        team_post(village, sage, occupation, [household_row(1)], members=4),
        follow=True,
    )
    text = response.content.decode()
    assert "ตามแนวทางมี 7 คน" in text and "ขณะนี้มี 5 คน" in text
    assert "ประมาณ 30 ครัวเรือน" in text
    assert Household.objects.count() == 1  # a warning, not a block


def test_the_grid_offers_the_years_number_of_rows(phon_client, two_districts):
    village = two_districts["phon"]
    ProgrammeYear.objects.create(fiscal_year=2568, households_per_village=12)
    team = make_team(village=village)
    change = phon_client.get(f"/admin/programs/trainerteam/{team.pk}/change/")
    formset = change.context["inline_admin_formsets"][1].formset
    assert formset.total_form_count() == 12


# ---- Household.target_group ------------------------------------------------------------------


def test_target_group_is_on_the_household_form_and_the_team_grid(phon_client, programme):
    household = programme["phon"]["household"]
    html = phon_client.get(f"/admin/programs/household/{household.pk}/change/").content.decode()
    assert 'name="target_group"' in html
    assert "ผู้สูงอายุ 60 ปีขึ้นไป" in html
    team = programme["phon"]["team"]
    html = phon_client.get(f"/admin/programs/trainerteam/{team.pk}/change/").content.decode()
    assert 'name="households-0-target_group"' in html


def test_the_team_grid_saves_the_target_group(phon_client, two_districts):
    village = two_districts["phon"]
    phon_client.post(
        "/admin/programs/trainerteam/add/",
        team_post(
            village,
            make_sage(village=village),
            make_occupation("ทอผ้าไหม"),
            [household_row(1, target_group="disaster")],
        ),
    )
    assert Household.objects.get().target_group == Household.TargetGroup.DISASTER


def test_the_widget_reads_labels_and_codes():
    widget = TargetGroupWidget()
    assert widget.clean("ผู้สูงอายุ 60 ปีขึ้นไป") == "elderly"
    assert widget.clean("economic_shock") == "economic_shock"
    assert widget.clean("  ") == ""
    assert widget.clean(None) == ""
    with pytest.raises(ValueError, match="กลุ่มเป้าหมาย “คนรวย” ไม่ถูกต้อง"):
        widget.clean("คนรวย")
    assert widget.render("disaster") == "ได้รับผลกระทบจากภัยพิบัติ"
    assert widget.render("") == ""


def import_rows(user, rows, headers):
    dataset = tablib.Dataset(headers=headers)
    for row in rows:
        dataset.append([row.get(header, "") for header in headers])
    return HouseholdResource(user=user).import_data(
        dataset, dry_run=False, rollback_on_validation_errors=True
    )


def new_row(n, **overrides):
    return {
        "ปีงบประมาณ (พ.ศ.)": 2569,
        "รหัสหมู่บ้าน": "40120711",
        "บ้านเลขที่": str(n),
        "ชื่อ": f"นำเข้า{n}",
        "นามสกุล": "ทดสอบ",
        "เลขประจำตัวประชาชน": valid_id(70000 + n),
        **overrides,
    }


def test_the_import_reads_the_optional_column(phon_officer, programme):
    headers = [*new_row(0), "กลุ่มเป้าหมาย"]
    result = import_rows(
        phon_officer,
        [new_row(1, กลุ่มเป้าหมาย="ได้รับผลกระทบทางเศรษฐกิจ"), new_row(2)],
        headers,
    )
    assert not result.has_validation_errors()
    groups = dict(
        Household.objects.filter(first_name__startswith="นำเข้า").values_list(
            "first_name", "target_group"
        )
    )
    assert groups == {"นำเข้า1": "economic_shock", "นำเข้า2": ""}


def test_a_file_without_the_column_keeps_the_target_group(phon_officer, programme):
    household = programme["phon"]["household"]
    Household.objects.filter(pk=household.pk).update(target_group="elderly")
    headers = ["รหัสรายการ", "ปีงบประมาณ (พ.ศ.)", "รหัสหมู่บ้าน", "บ้านเลขที่", "ชื่อ", "นามสกุล"]
    row = {
        "รหัสรายการ": household.pk,
        "ปีงบประมาณ (พ.ศ.)": household.fiscal_year,
        "รหัสหมู่บ้าน": household.village.code,
        "บ้านเลขที่": household.house_no,
        "ชื่อ": household.first_name,
        "นามสกุล": "แก้นามสกุล",
    }
    result = import_rows(phon_officer, [row], headers)
    assert not result.has_validation_errors(), [r.error_dict for r in result.invalid_rows]
    household.refresh_from_db()
    assert household.last_name == "แก้นามสกุล"
    assert household.target_group == "elderly"


def test_a_wrong_target_group_is_a_thai_row_error(phon_officer, programme):
    headers = [*new_row(0), "กลุ่มเป้าหมาย"]
    result = import_rows(phon_officer, [new_row(1, กลุ่มเป้าหมาย="คนรวย")], headers)
    assert result.has_validation_errors()
    messages = [str(e) for row in result.invalid_rows for es in row.error_dict.values() for e in es]
    assert any("กลุ่มเป้าหมาย “คนรวย” ไม่ถูกต้อง" in message for message in messages)
    assert not Household.objects.filter(first_name="นำเข้า1").exists()


def test_the_export_shows_the_label_and_the_template_explains_it(province_client, programme):
    household = programme["phon"]["household"]
    Household.objects.filter(pk=household.pk).update(target_group="elderly")
    response = province_client.post("/admin/programs/household/export/", {"_format": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    column = rows[0].index("กลุ่มเป้าหมาย")
    assert "ผู้สูงอายุ 60 ปีขึ้นไป" in [row[column] for row in rows[1:]]

    buffer = io.BytesIO()
    spreadsheets.write_import_template(buffer, HouseholdResource())
    notes = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))["คำอธิบาย"]
    explained = {row[0]: row[1] for row in notes.iter_rows(values_only=True) if row and row[0]}
    assert "ไม่บังคับ" in explained["กลุ่มเป้าหมาย"]
    assert "ผู้สูงอายุ 60 ปีขึ้นไป" in explained["กลุ่มเป้าหมาย"]


def test_target_group_choices_are_the_departments():
    assert set(Household.TargetGroup.values) == {"disaster", "economic_shock", "elderly", "other"}
    assert Household._meta.get_field("target_group").blank
    assert make_household().target_group == ""


# ---- the data-quality settings of the year (issue 16) ---------------------------------------


def test_provincial_staff_turn_a_warning_off_and_set_the_thresholds(province_client):
    html = province_client.get(ADD).content.decode()
    assert "ปิดคำเตือนคุณภาพข้อมูลของปีนี้" in html
    assert 'value="Q07"' in html
    assert 'value="Q01"' not in html  # an error is not offered
    response = province_client.post(
        ADD,
        year_post(
            quality_rules_off=["Q07", "Q03"],
            phone_shared_max=5,
            report_deadline="15/10/2570",
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    year = ProgrammeYear.objects.get()
    assert year.quality_rules_off == ["Q03", "Q07"]
    assert year.phone_shared_max == 5
    assert str(year.report_deadline) == "2027-10-15"


def test_an_error_rule_cannot_be_turned_off_in_the_admin(province_client):
    response = province_client.post(ADD, year_post(quality_rules_off=["Q01"]))
    assert response.status_code == 200
    assert "quality_rules_off" in response.context["adminform"].form.errors
    assert not ProgrammeYear.objects.exists()
