"""The household changelist at national size: an estimated count only for the unfiltered list on
PostgreSQL (said ประมาณ), exact everywhere else; deep pages picked by key, the same rows as OFFSET.
"""

import pytest
from django.contrib import admin
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs.models import Household
from sammachip.paginator import LargeTablePaginator
from tests.programs.factories import make_household

pytestmark = pytest.mark.django_db

ADMIN_ORDER = ["village__code", "house_no", "id"]  # Household.Meta.ordering, as the admin uses it
CHANGELIST = "/admin/programs/household/"
# The household list's one action: a dated, reasoned drop decision (programs.stages).
DROP = {"decided_on": "01/02/2568", "reason": "ย้ายออกจากหมู่บ้าน"}


def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")


def analyze():
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE programs_household")


class DeepOnly(LargeTablePaginator):
    """Every page picked by key, as deep pages are; counted exactly (a small table)."""

    deep_from = 0


class Eager(DeepOnly):
    """Estimated too, so a few rows behave as millions would. ANALYZE first: its statistics
    outlive a test's transaction (PostgreSQL writes them in place)."""

    estimate_from = 0


@pytest.fixture
def households(two_districts):
    """13 households in two villages, house numbers out of insertion order."""
    rows = []
    for n in range(13):
        village = two_districts["phon" if n % 3 else "muang"]
        rows.append(make_household(village=village, house_no=str((n * 7) % 13 + 1)))
    return rows


def small_pages(monkeypatch, paginator):
    """The household admin with 5 rows a page and ``paginator``."""
    model_admin = admin.site._registry[Household]
    monkeypatch.setattr(model_admin, "list_per_page", 5)
    monkeypatch.setattr(model_admin, "paginator", paginator)


@pytest.fixture
def eager_pages(monkeypatch):
    small_pages(monkeypatch, Eager)


@pytest.fixture
def deep_pages(monkeypatch):
    small_pages(monkeypatch, DeepOnly)


def test_household_admin_uses_the_large_table_paginator():
    assert issubclass(admin.site._registry[Household].paginator, LargeTablePaginator)


def test_unfiltered_count_is_the_estimate_on_postgresql(households):
    postgresql_only()
    analyze()
    make_household(village=households[0].village)  # after the statistics: not in the estimate
    paginator = Eager(Household.objects.order_by(*ADMIN_ORDER), 5)
    assert paginator.count == 13
    assert paginator.count_is_estimate
    assert Household.objects.count() == 14


def test_filtered_count_is_exact_on_postgresql(households):
    postgresql_only()
    analyze()
    paginator = Eager(Household.objects.filter(district_id="4012").order_by(*ADMIN_ORDER), 5)
    assert paginator.count == 8
    assert not paginator.count_is_estimate


def test_small_table_is_counted_exactly_on_postgresql(households):
    postgresql_only()
    analyze()
    paginator = LargeTablePaginator(Household.objects.order_by(*ADMIN_ORDER), 5)
    assert paginator.count == 13
    assert not paginator.count_is_estimate


def test_count_is_exact_on_sqlite(households):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    paginator = Eager(Household.objects.order_by(*ADMIN_ORDER), 5)
    assert paginator.count == 13
    assert not paginator.count_is_estimate


@pytest.mark.parametrize("orphans", [0, 2])
def test_every_page_holds_the_rows_offset_paging_gives(households, orphans):
    queryset = Household.objects.for_listing().order_by(*ADMIN_ORDER)
    ours = DeepOnly(queryset, 5, orphans=orphans)
    django = Paginator(queryset, 5, orphans=orphans)
    assert ours.num_pages == django.num_pages
    for number in django.page_range:
        assert list(ours.page(number)) == list(django.page(number))


def test_deep_page_costs_one_query(households):
    queryset = Household.objects.for_listing().order_by(*ADMIN_ORDER)
    paginator = DeepOnly(queryset, 5)
    paginator.count  # noqa: B018 - counted before, as the changelist does
    for number in paginator.page_range:
        with CaptureQueriesContext(connection) as queries:
            list(paginator.page(number))
        assert len(queries) == 1


def test_with_an_estimate_the_last_page_shows_the_last_rows(two_districts, households):
    postgresql_only()
    analyze()
    newest = make_household(village=two_districts["phon"], house_no="99")  # last in the order
    queryset = Household.objects.order_by(*ADMIN_ORDER)
    paginator = Eager(queryset, 5)
    assert paginator.count == 13  # the estimate: 14 rows now
    last = list(paginator.page(paginator.num_pages))
    assert last == list(queryset)[-3:]
    assert last[-1] == newest


def test_a_list_pages_as_django_does():
    paginator = DeepOnly(list(range(13)), 5)
    assert paginator.count == 13
    assert list(paginator.page(3)) == [10, 11, 12]


def test_changelist_says_the_count_is_an_estimate(province_client, households, eager_pages):
    postgresql_only()
    analyze()
    html = province_client.get(CHANGELIST).content.decode()
    assert "ประมาณ 13" in html


def test_changelist_count_of_district_officer_is_exact(phon_client, households, eager_pages):
    if connection.vendor == "postgresql":
        analyze()
    html = phon_client.get(CHANGELIST).content.decode()
    assert "count-estimate" not in html  # ("ปีงบประมาณ" is on every page)
    assert "8 ครัวเรือนเป้าหมาย" in html


def test_changelist_count_is_exact_on_sqlite(province_client, households, eager_pages):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    html = province_client.get(CHANGELIST).content.decode()
    assert "count-estimate" not in html  # ("ปีงบประมาณ" is on every page)
    assert "13 ครัวเรือนเป้าหมาย" in html


def test_changelist_deep_pages_list_every_household_once(province_client, households, deep_pages):
    seen = []
    for number in (1, 2, 3):
        response = province_client.get(f"{CHANGELIST}?p={number}")
        assert response.status_code == 200
        seen += [h.pk for h in response.context["cl"].result_list]
    expected = list(Household.objects.order_by(*ADMIN_ORDER).values_list("pk", flat=True))
    assert seen == expected


def test_changelist_deep_page_of_district_officer_stays_in_district(
    phon_client, households, deep_pages
):
    response = phon_client.get(f"{CHANGELIST}?p=2")
    assert response.status_code == 200
    rows = list(response.context["cl"].result_list)
    assert len(rows) == 3
    assert {h.district_id for h in rows} == {"4012"}


def test_house_number_search_can_use_an_index_on_postgresql(rf, province_staff, households):
    """``=house_no`` is iexact (UPPER) and ORed with the name prefixes: all three indexed."""
    postgresql_only()
    model_admin = admin.site._registry[Household]
    request = rf.get(CHANGELIST, {"q": "12"})
    request.user = province_staff
    queryset, _ = model_admin.get_search_results(request, Household.objects.all(), "12")
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "household_house_no_upper_idx" in plan


def test_a_searched_list_is_counted_up_to_the_cap(households):
    queryset = Household.objects.order_by(*ADMIN_ORDER)
    paginator = DeepOnly(queryset, 2)
    paginator.count_cap = 3
    assert paginator.count == 3
    assert paginator.count_is_capped
    assert list(paginator.page(2)) == list(queryset)[2:3]  # not walked from the unknown end


def test_under_the_cap_the_count_is_exact(households):
    paginator = DeepOnly(Household.objects.order_by(*ADMIN_ORDER), 5)
    paginator.count_cap = 100
    assert paginator.count == 13
    assert not paginator.count_is_capped


def capped_search(monkeypatch):
    """The household admin with 5 rows a page and a search cap of 6 matches."""
    model_admin = admin.site._registry[Household]
    monkeypatch.setattr(model_admin, "list_per_page", 5)
    monkeypatch.setattr(model_admin, "list_max_show_all", 5)
    monkeypatch.setattr(model_admin, "search_count_cap", 6)


def test_the_changelist_says_more_than_for_a_search_past_the_cap(
    monkeypatch, province_client, households
):
    capped_search(monkeypatch)
    searched = province_client.get(CHANGELIST, {"q": "สมชาย"}).content.decode()
    assert "มากกว่า 6" in searched
    assert searched.count('class="action-select"') == 5  # paginated, not every match
    assert "question" not in searched  # no "select all N": N is not a count
    plain = province_client.get(CHANGELIST).content.decode()
    assert "มากกว่า" not in plain
    assert 'class="question' in plain  # an exact count: "select all 13" is offered


def test_the_cap_is_never_below_a_page(monkeypatch, province_client, households):
    monkeypatch.setattr(admin.site._registry[Household], "search_count_cap", 3)
    searched = province_client.get(CHANGELIST, {"q": "สมชาย"}).content.decode()
    assert "มากกว่า" not in searched  # 13 matches, under a page of 100: counted exactly


def test_an_action_on_all_rows_of_a_capped_search_is_refused(
    monkeypatch, province_client, households
):
    capped_search(monkeypatch)
    on_page = [str(h.pk) for h in Household.objects.order_by(*ADMIN_ORDER)[:5]]
    response = province_client.post(
        CHANGELIST + "?q=สมชาย",
        {
            "action": "record_drop_decision",
            "select_across": "1",
            "index": "0",
            "_selected_action": on_page,
            **DROP,
        },
        follow=True,
    )
    assert "เลือกทั้งหมดไม่ได้" in response.content.decode()
    assert not Household.objects.filter(status="dropped").exists()


def test_an_action_on_the_selected_rows_of_a_capped_search_runs(
    monkeypatch, province_client, households
):
    capped_search(monkeypatch)
    chosen = [str(households[0].pk), str(households[1].pk)]
    province_client.post(
        CHANGELIST + "?q=สมชาย",
        {
            "action": "record_drop_decision",
            "select_across": "0",
            "index": "0",
            "_selected_action": chosen,
            **DROP,
        },
    )
    assert sorted(Household.objects.filter(status="dropped").values_list("pk", flat=True)) == (
        sorted(int(pk) for pk in chosen)
    )


def test_a_decision_action_on_the_plain_list_runs(province_client, households):
    """The changelist queryset outer-joins the occupation; PostgreSQL refused to lock it."""
    chosen = [str(households[0].pk)]
    response = province_client.post(
        CHANGELIST,
        {"action": "record_drop_decision", "index": "0", "_selected_action": chosen, **DROP},
        follow=True,
    )
    assert response.status_code == 200
    assert list(Household.objects.filter(status="dropped").values_list("pk", flat=True)) == [
        households[0].pk
    ]
