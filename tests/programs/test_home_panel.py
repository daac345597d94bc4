"""The officer's admin home (``programs.home`` through ``sammachip.admin_site``): the lists, their
links to exactly their rows, scoping, and a query count that does not grow with the data."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs.models import FollowUp, TrainingSession
from tests.factories import make_village
from tests.programs.factories import make_household, make_sage, make_team

BANGKOK = zoneinfo.ZoneInfo("Asia/Bangkok")
D = datetime.date
TODAY = datetime.datetime(2027, 2, 16, 9, tzinfo=BANGKOK)  # FY 2570
TRAINING_END = D(2026, 11, 15)  # visits due 15 Dec 2026, 15 Feb 2027 (overdue today), 15 May


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


def trained_village(subdistrict, *, households=1, name=None, visited=0):
    """A village of FY 2570 with its team, one session ended 15 Nov 2026 and ``households``
    attendees, the first ``visited`` of them visited on 15 Dec 2026."""
    village = make_village(subdistrict=subdistrict, name_th=name)
    team = make_team(village=village, fiscal_year=2570)
    session = TrainingSession.objects.create(
        team=team, start_date=D(2026, 11, 11), end_date=TRAINING_END
    )
    members = [
        make_household(
            village=village, fiscal_year=2570, trainer_team=team, first_name=f"{name}คนที่{i}"
        )
        for i in range(households)
    ]
    session.attendees.add(*members)
    for household in members[:visited]:
        FollowUp.objects.create(household=household, visited_on=D(2026, 12, 15))
    return village, team, members


@pytest.fixture
def phon_home(phon_client):
    phon_village, _, phon_households = trained_village(
        "401207", households=2, name="บ้านพลค้าง", visited=1
    )
    muang_village, _, _ = trained_village("400101", households=2, name="บ้านเมืองลับ")
    # อ.พล: a team without a session, in a village without a sage (its sage lives elsewhere).
    bare = make_village(subdistrict="401207", name_th="บ้านพลไร้ปราชญ์")
    make_team(village=bare, fiscal_year=2570, sage=make_sage(village=phon_village))
    # อ.เมือง: the same, which อ.พล's officer must not see.
    other = make_village(subdistrict="400101", name_th="บ้านเมืองไร้ปราชญ์")
    make_team(village=other, fiscal_year=2570, sage=make_sage(village=muang_village))
    return {
        "client": phon_client,
        "village": phon_village,
        "households": phon_households,
        "bare": bare,
    }


def test_the_home_lists_the_officers_work(phon_home):
    html = phon_home["client"].get("/admin/").content.decode()
    assert 'id="programme-home"' in html
    assert "บ้านพลค้าง" in html
    assert "บ้านพลไร้ปราชญ์" in html
    assert "16 ก.พ. 70" in html  # BE dates


def test_the_officer_sees_only_their_districts(phon_home):
    html = phon_home["client"].get("/admin/").content.decode()
    assert "บ้านเมืองลับ" not in html
    assert "บ้านเมืองไร้ปราชญ์" not in html
    assert "สรุปรายอำเภอ" not in html  # one district: no summary


def test_the_counts_are_of_the_officers_rows(phon_home):
    from programs.home import home_lists

    lists = home_lists(_user(phon_home))
    assert lists["overdue"]["count"] == 2  # both missed the 3-month visit
    assert lists["never"]["count"] == 1
    assert lists["due"]["count"] == 0
    assert lists["teams"]["count"] == 1
    assert lists["villages"]["count"] == 1
    assert [v["count"] for v in lists["overdue"]["villages"]] == [2]


def _user(home):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="phon")


def changelist_rows(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


def test_each_list_links_to_exactly_its_rows(phon_home):
    from programs.home import home_lists

    client = phon_home["client"]
    lists = home_lists(_user(phon_home))
    households = phon_home["households"]
    assert changelist_rows(client, lists["overdue"]["url"]) == set(households)
    assert changelist_rows(client, lists["overdue"]["villages"][0]["url"]) == set(households)
    assert changelist_rows(client, lists["never"]["url"]) == {households[1]}
    assert changelist_rows(client, lists["due"]["url"]) == set()
    assert {t.village for t in changelist_rows(client, lists["teams"]["url"])} == {
        phon_home["bare"]
    }
    assert changelist_rows(client, lists["villages"]["url"]) == {phon_home["bare"]}


def test_due_this_week(phon_client):
    _, _, households = trained_village("401207", households=1, name="บ้านพลใกล้", visited=1)
    with time_machine.travel(datetime.datetime(2027, 2, 10, 9, tzinfo=BANGKOK), tick=False):
        html = phon_client.get("/admin/").content.decode()
        assert changelist_rows(phon_client, "/admin/programs/household/?followup=due") == set(
            households
        )
    assert "15 ก.พ. 70" in html
    assert "บ้านพลใกล้คนที่0" in html
    assert "2 (3 เดือนหลังอบรม)" in html  # the visit's number and months of the schedule


def test_provincial_staff_get_a_summary_per_district(phon_home, province_client):
    html = province_client.get("/admin/").content.decode()
    assert "สรุปรายอำเภอ" in html
    assert "บ้านเมืองไร้ปราชญ์" in html
    assert "district__code__exact=4012" in html
    assert "district__code__exact=4001" in html


def test_an_officer_without_districts_gets_no_panel(client, geography):
    from tests.factories import make_user

    client.force_login(make_user(role="district", districts=[]))
    html = client.get("/admin/").content.decode()
    assert 'id="programme-home"' not in html


def home_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/admin/").status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["phon", "province"])
def test_the_home_asks_the_same_queries_for_2_and_for_20(who, phon_officer, province_staff, client):
    client.force_login(phon_officer if who == "phon" else province_staff)
    for index in range(2):
        trained_village("401207", households=1, name=f"บ้านน้อย{index}", visited=index % 2)
        make_team(village=make_village(subdistrict="401201"), fiscal_year=2570)
    few = home_queries(client)
    for index in range(18):
        trained_village("401207", households=1, name=f"บ้านมาก{index}", visited=index % 2)
        make_team(village=make_village(subdistrict="401201"), fiscal_year=2570)
    many = home_queries(client)
    assert many == few


def test_the_home_reads_counts_and_first_rows_not_every_household(phon_officer, client):
    """The schedule is computed by the database: no query reads the follow-ups' dates or every
    followed household into Python (each household query is counted, grouped or limited)."""
    client.force_login(phon_officer)
    for index in range(3):
        trained_village("401207", households=5, name=f"บ้านนับ{index}")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/admin/").status_code == 200
    reads = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT") and 'FROM "programs_household"' in q["sql"]
    ]
    assert reads
    for sql in reads:
        # (``SELECT DISTINCT fiscal_year``: the report panel's years, a handful of rows)
        bounded = (
            "LIMIT",
            "GROUP BY",
            "COUNT(",
            'SELECT DISTINCT "programs_household"."fiscal_year"',
        )
        assert any(word in sql for word in bounded), sql
    assert not any(
        q["sql"].startswith('SELECT "programs_followup"') for q in queries.captured_queries
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's JIT")
def test_the_schedule_queries_run_without_postgresql_jit(phon_officer, client):
    client.force_login(phon_officer)
    trained_village("401207", households=2, name="บ้านจิต")
    with CaptureQueriesContext(connection) as queries:
        client.get("/admin/")
        client.get("/admin/programs/household/?followup=overdue")
    assert sum("SET LOCAL jit = off" in q["sql"] for q in queries.captured_queries) == 2
