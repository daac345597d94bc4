"""The admin's pickers (autocomplete) find what an officer types: inside a village's name, a
team by its sage or its year (Thai digits too), a household inside its name; the rows offered
stay the officer's district's."""

import pytest

pytestmark = pytest.mark.django_db


def picked(client, model, field, term):
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "programs", "model_name": model, "field_name": field, "term": term},
    )
    assert response.status_code == 200
    return [row["text"] for row in response.json()["results"]]


@pytest.fixture
def hua_thung(programme):
    village = programme["phon"]["village"]
    village.name_th = "บ้านหัวทุ่งพัฒนา"
    village.save()
    team = programme["phon"]["team"]
    team.fiscal_year = 2569
    team.save()
    return programme


@pytest.mark.parametrize("term", ["หัวทุ่ง", "ปราชญ์phon", "2569", "๒๕๖๙", "หัวทุ่ง 2569"])
def test_the_team_picker_finds_the_team(phon_client, hua_thung, term):
    found = picked(phon_client, "household", "trainer_team", term)
    assert len(found) == 1, found
    assert "หัวทุ่ง" in found[0]


def test_the_team_picker_does_not_reach_another_district(phon_client, hua_thung):
    assert picked(phon_client, "household", "trainer_team", "ปราชญ์muang") == []


def test_the_year_must_match_too(phon_client, hua_thung):
    assert picked(phon_client, "household", "trainer_team", "หัวทุ่ง 2570") == []


def test_the_sage_picker_finds_inside_names(phon_client, programme):
    assert picked(phon_client, "trainerteam", "sage", "phon") == ["ปราชญ์phon ลับ"]


def test_the_household_picker_finds_inside_names_in_its_district(phon_client, programme):
    found = picked(phon_client, "stagedecision", "household", "phon")
    assert len(found) == 1
    assert "ครัวเรือนphon" in found[0]
    assert picked(phon_client, "stagedecision", "household", "muang") == []


def test_the_household_changelist_keeps_its_prefix_search(phon_client, programme):
    html = phon_client.get("/admin/programs/household/", {"q": "phon"}).content.decode()
    assert "ครัวเรือนphon" not in html
    html = phon_client.get("/admin/programs/household/", {"q": "ครัวเรือน"}).content.decode()
    assert "ครัวเรือนphon" in html


@pytest.mark.parametrize("term", ["นายครัวเรือนphon", "นางสาวครัวเรือนphon ลับ", "นาย ครัวเรือนphon"])
def test_the_household_list_finds_a_name_typed_with_its_title(phon_client, programme, term):
    """The list shows "นายครัวเรือนphon ลับ"; typed so (or with นาง/นางสาว), it is found."""
    html = phon_client.get("/admin/programs/household/", {"q": term}).content.decode()
    assert "ครัวเรือนphon" in html and "1 ผลลัพธ์" in html


def test_titles_come_off_search_words_only_before_a_consonant():
    from sammachip.names import search_words, without_title

    assert search_words("นายสมศักดิ์ ใจสาธิต") == ["สมศักดิ์", "ใจสาธิต"]
    assert search_words("นางสาวสมศรี") == ["สมศรี"]
    assert search_words("นาง สมศรี") == ["สมศรี"]
    assert without_title("นายิกา") == "นายิกา"  # a name, not a title: a vowel follows
    assert without_title("นาง") == "นาง"


@pytest.mark.parametrize("term", ["หัวทุ่ง", "40120711", "๔๐๑๒๐๗๑๑"])
def test_the_village_picker_finds_inside_names_and_codes_in_either_script(
    phon_client, hua_thung, term
):
    assert picked(phon_client, "household", "village", term) == ["บ้านหัวทุ่งพัฒนา หมู่ที่ 11 (40120711)"]
