import io

import pytest
from django.core.management import call_command

from tests.factories import make_user, make_village
from tests.fuzz import profiles  # noqa: F401  (loads the hypothesis profile: dev, or ci)
from tests.programs.factories import make_household, make_occupation, make_sage, make_team


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """``make test`` runs ``-n 2 --dist loadfile`` (pytest-xdist): each test file goes whole to
    one worker, so a module's shared fixture (a child process, nginx) is built once; here the
    deployment tests (tests/deploy: session fixtures, one Redis database) go together too.
    (``--dist loadgroup`` does not group under pytest 9: xdist 3.8 renames ``item._nodeid``.)"""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class Scheduling(LoadFileScheduling):
        def _split_scope(self, nodeid):
            if nodeid.startswith("tests/deploy/"):
                return "tests/deploy/"
            return super()._split_scope(nodeid)

    return Scheduling(config, log)


@pytest.fixture(autouse=True)
def fresh_public_cache():
    """Every test starts with an empty public-page cache (a new content version: nothing is
    flushed, so a shared Redis is left alone)."""
    from sammachip.cache import bump_content_version

    bump_content_version()


@pytest.fixture(autouse=True)
def fresh_counters():
    """Counters kept in the cache (``sammachip.ratelimit``: ID checks, searches) start at zero:
    row ids repeat between tests on SQLite, so a user's budget would carry over. Only the
    process-local cache is cleared; a shared Redis is left alone."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    if isinstance(caches["default"], LocMemCache):
        caches["default"].clear()


def load_khon_kaen():
    """Khon Kaen (40) from the installed geothai data: 26 districts, 199 subdistricts."""
    call_command("load_geography", province=["40"], verbosity=0, stdout=io.StringIO())


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database (one per xdist worker) gets the geography once, committed: every test's
    transaction starts from it and rolls back to it."""
    with django_db_blocker.unblock():
        load_khon_kaen()


@pytest.fixture
def geography(db):
    """Khon Kaen, loaded once per session by ``django_db_setup``. A transactional test
    (``transactional_db``, ``live_server``) flushes every table when it ends; the next test that
    asks for the geography loads it again."""
    from villages.models import Subdistrict

    if not Subdistrict.objects.filter(district__province_id="40").exists():
        load_khon_kaen()


@pytest.fixture
def empty_geography(db):
    """No geography at all, for the tests of ``load_geography`` itself (rolled back after)."""
    from villages.models import District, Province, Subdistrict

    Subdistrict.objects.all().delete()
    District.objects.all().delete()
    Province.objects.all().delete()


@pytest.fixture
def phon_officer(geography):
    """A district officer of อ.พล (4012)."""
    return make_user(username="phon", role="district", districts=["4012"])


@pytest.fixture
def muang_officer(geography):
    """A district officer of อ.เมืองขอนแก่น (4001)."""
    return make_user(username="muang", role="district", districts=["4001"])


@pytest.fixture
def province_staff(geography):
    return make_user(username="province", role="province")


@pytest.fixture
def two_districts(geography):
    """Villages in two districts: อ.พล (ต.เพ็กใหญ่ 401207) and อ.เมืองขอนแก่น (ต.ในเมือง 400101)."""
    return {
        "phon": make_village(subdistrict="401207", moo=11, name_th="บ้านพลสาธิต"),
        "muang": make_village(subdistrict="400101", moo=2, name_th="บ้านเมืองลับเฉพาะ"),
    }


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
