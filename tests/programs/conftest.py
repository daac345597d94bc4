import pytest

from tests.programs.factories import make_household, make_occupation, make_sage, make_team


@pytest.fixture
def programme(two_districts):
    """The same programme records in อ.พล and อ.เมืองขอนแก่น (names mark the district)."""
    occupation = make_occupation("ทอผ้าไหม")
    data = {}
    for key, village in two_districts.items():
        sage = make_sage(village=village, first_name=f"ปราชญ์{key}", last_name="ลับ")
        team = make_team(village=village, sage=sage, occupation=occupation)
        household = make_household(
            village=village, first_name=f"ครัวเรือน{key}", last_name="ลับ", trainer_team=team
        )
        data[key] = {"village": village, "sage": sage, "team": team, "household": household}
    return data


@pytest.fixture
def phon_client(client, phon_officer):
    client.force_login(phon_officer)
    return client


@pytest.fixture
def province_client(client, province_staff):
    client.force_login(province_staff)
    return client
