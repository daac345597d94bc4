"""Item 2 of hardening round 2: the duplicate check is not an oracle for full citizen IDs.

A masked ID leaves ~909,000 candidates; a file (or the add form) of candidates must not say
which one is listed in another district, must be budgeted per user and hour, and every answer
about another district is audited (``programs.listings``)."""

import pytest
import tablib
from auditlog import get_logentry_model

from programs.models import Household
from programs.resources import HouseholdResource
from tests.programs.factories import make_occupation, valid_id

HEADERS = [
    "ปีงบประมาณ (พ.ศ.)",
    "รหัสหมู่บ้าน",
    "บ้านเลขที่",
    "คำนำหน้า",
    "ชื่อ",
    "นามสกุล",
    "เลขประจำตัวประชาชน",
    "อาชีพ",
]


@pytest.fixture
def listed(programme):
    """The household of อ.เมือง the อ.พล officer may not see, and its full ID."""
    make_occupation("ทอผ้าไหม")
    return programme["muang"]["household"]


def dataset_of(numbers, *, village="40120711", year=2568):
    data = tablib.Dataset(headers=HEADERS)
    for n, number in enumerate(numbers, 1):
        data.append([year, village, str(n), "นาย", f"ผู้สมัคร{n}", "ทดสอบ", number, "ทอผ้าไหม"])
    return data


def candidates(hit, count):
    """``count`` valid IDs with the listed one somewhere in the middle."""
    numbers = [valid_id(700000 + n) for n in range(count - 1)]
    numbers.insert(count // 2, hit)
    return numbers


def messages_of(result):
    base = [str(error.error) for error in result.base_errors]
    rows = [
        str(message)
        for invalid in result.invalid_rows
        for errors in invalid.error_dict.values()
        for message in errors
    ]
    rows += [str(e.error) for _n, errors in result.row_errors() for e in errors]
    return base, rows


def access_entries(household):
    entries = get_logentry_model().objects.filter(
        object_pk=str(household.pk), action=get_logentry_model().Action.ACCESS
    )
    return list(entries)


def test_item_2_a_file_of_candidates_does_not_name_the_listed_row(phon_officer, listed):
    """Item 2: 40 candidates with the one listed in อ.เมือง — the file is refused as a whole,
    no row is named, and the answer is audited with who and how many numbers."""
    result = HouseholdResource(user=phon_officer).import_data(
        dataset_of(candidates(listed.citizen_id, 40)), dry_run=True
    )
    base, rows = messages_of(result)
    assert any("มี 1 แถวในไฟล์นี้" in message for message in base)
    assert any("ไม่บอกว่าเป็นแถวใด" in message for message in base)
    assert not [message for message in rows if "มีรายชื่อ" in message]
    assert not any("แถวที่ 21" in message for message in base + rows)
    entries = access_entries(listed)
    assert len(entries) == 1
    assert entries[0].actor == phon_officer
    assert "ตรวจทั้งหมด 40 เลข" in entries[0].changes_text


def test_item_2_five_thousand_candidates_are_refused_before_any_lookup(
    phon_officer, listed, django_assert_max_num_queries
):
    """Item 2: the 5,000-candidate file of the review goes over the hourly budget: refused
    before anything is looked up (nothing flagged, nothing audited), in Thai."""
    dataset = dataset_of(candidates(listed.citizen_id, 5000))
    result = HouseholdResource(user=phon_officer).import_data(dataset, dry_run=True)
    base, rows = messages_of(result)
    assert any("ไม่เกิน 2,000 เลขต่อชั่วโมง" in message for message in base)
    assert not any("อำเภออื่น" in message for message in base + rows)
    assert not [message for message in rows if "มีรายชื่อ" in message]
    assert access_entries(listed) == []
    assert not Household.objects.filter(fiscal_year=2568, district_id="4012", house_no="1")


def test_item_2_the_budget_is_per_hour_and_counts_every_number(phon_officer, listed, settings):
    """Item 2: with 30 checks an hour, two files of 20 numbers: the second is refused whole."""
    settings.SAMMACHIP_ID_CHECKS_PER_HOUR = 30
    first = HouseholdResource(user=phon_officer).import_data(
        dataset_of([valid_id(710000 + n) for n in range(20)]), dry_run=True
    )
    assert not first.base_errors
    second = HouseholdResource(user=phon_officer).import_data(
        dataset_of(candidates(listed.citizen_id, 20)), dry_run=True
    )
    base, _rows = messages_of(second)
    assert any("ไม่เกิน 30 เลขต่อชั่วโมง" in message for message in base)
    assert access_entries(listed) == []


def test_item_2_a_normal_list_of_200_new_households_imports_in_one_go(phon_officer, listed):
    """Item 2: one district's 200 new households (IDs sharing their office digits, so their masks
    look alike) import in one go under the default budget."""
    numbers = [valid_id(40120000 + n) for n in range(200)]
    result = HouseholdResource(user=phon_officer).import_data(
        dataset_of(numbers, year=2569), dry_run=False
    )
    assert not result.has_errors()
    assert not result.has_validation_errors()
    assert Household.objects.filter(fiscal_year=2569, district_id="4012").count() == 200


def test_item_2_a_clash_in_the_officers_own_district_is_named(phon_officer, programme):
    """Item 2: a duplicate the officer may see is named on its row (name and record number)."""
    make_occupation("ทอผ้าไหม")
    own = programme["phon"]["household"]
    result = HouseholdResource(user=phon_officer).import_data(
        dataset_of([own.citizen_id]), dry_run=True
    )
    base, rows = messages_of(result)
    assert not base
    assert any(own.full_name in message and f"รหัสรายการ {own.pk}" in message for message in rows)


def test_item_2_provincial_staff_are_not_counted(province_staff, listed, settings):
    """Item 2: provincial staff see every district: the clash is named, no budget is spent."""
    settings.SAMMACHIP_ID_CHECKS_PER_HOUR = 1
    result = HouseholdResource(user=province_staff).import_data(
        dataset_of(candidates(listed.citizen_id, 5)), dry_run=True
    )
    base, rows = messages_of(result)
    assert not base
    assert any(listed.full_name in message for message in rows)


def add_form(client, number):
    return client.post(
        "/admin/programs/household/add/",
        {
            "village": "40120711",
            "fiscal_year": "2568",
            "house_no": "9",
            "prefix": "นาย",
            "first_name": "ทดลอง",
            "last_name": "ค้นหา",
            "citizen_id": number,
            "phone": "",
            "status": "target",
            "followups-TOTAL_FORMS": "0",
            "followups-INITIAL_FORMS": "0",
        },
    )


def form_errors(response):
    form = response.context["adminform"].form
    return " | ".join(str(m) for errors in form.errors.values() for m in errors)


def test_item_2_the_add_form_answers_one_number_budgeted_and_audited(
    phon_client, phon_officer, listed, settings
):
    """Item 2: the add form says "listed in another district" (never which household), audits
    the answer, and stops answering once the hourly budget is spent."""
    settings.SAMMACHIP_ID_CHECKS_PER_HOUR = 2
    response = add_form(phon_client, listed.citizen_id)
    assert response.status_code == 200
    errors = form_errors(response)
    assert "ในอำเภออื่น" in errors
    assert listed.full_name not in errors
    assert len(access_entries(listed)) == 1

    add_form(phon_client, valid_id(720001))  # a second check: the budget of 2 is spent
    refused = add_form(phon_client, listed.citizen_id)
    assert "ไม่เกิน 2 เลขต่อชั่วโมง" in form_errors(refused)
    assert "ในอำเภออื่น" not in form_errors(refused)
    assert len(access_entries(listed)) == 1


def test_item_2_editing_ones_own_row_costs_nothing(phon_officer, programme, settings):
    """Item 2: saving a household whose number is unchanged asks nothing new of the budget."""
    from programs.listings import CheckLimitExceeded, spend_checks

    settings.SAMMACHIP_ID_CHECKS_PER_HOUR = 1
    own = Household.objects.get(pk=programme["phon"]["household"].pk)
    own.listing_checked_by = phon_officer
    for _ in range(3):
        own.full_clean(exclude=["village", "occupation", "trainer_team", "group", "district"])
    spend_checks(phon_officer, 1)  # the one check of the hour is still there
    with pytest.raises(CheckLimitExceeded):
        spend_checks(phon_officer, 1)


def test_item_2_the_team_grid_is_budgeted_and_audited_too(
    phon_client, phon_officer, listed, settings
):
    """Item 2: the team page's household grid asks through the same check: another
    district's listing is not named, the answer is audited, the budget counts each row."""
    from tests.programs.factories import make_sage
    from tests.programs.test_team_entry import household_row, team_post

    settings.SAMMACHIP_ID_CHECKS_PER_HOUR = 3
    village = listed.village.__class__.objects.get(code="40120711")
    sage = make_sage(village=village)
    occupation = make_occupation("ทอผ้าไหม")
    rows = [household_row(1, citizen_id=listed.citizen_id), household_row(2)]
    response = phon_client.post(
        "/admin/programs/trainerteam/add/", team_post(village, sage, occupation, rows)
    )
    assert response.status_code == 200
    errors = str(response.context["inline_admin_formsets"][1].formset.errors)
    assert "ในอำเภออื่น" in errors
    assert listed.full_name not in errors
    assert len(access_entries(listed)) == 1
    # Two of the three checks are spent: row 3 takes the last one, row 4 is not looked up.
    rows = [household_row(3), household_row(4, citizen_id=listed.citizen_id)]
    response = phon_client.post(
        "/admin/programs/trainerteam/add/", team_post(village, sage, occupation, rows)
    )
    errors = str(response.context["inline_admin_formsets"][1].formset.errors)
    assert "ไม่เกิน 3 เลขต่อชั่วโมง" in errors
    assert len(access_entries(listed)) == 1
