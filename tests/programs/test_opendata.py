"""Open data (issue 16): approved district-years only, CKAN-schema metadata, no small cell."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from programs import opendata, public_stats, reporting
from programs.models import DistrictReport
from tests.programs.test_reporting import make_reportable

S = DistrictReport.Status


def approve(district, fiscal_year=2568):
    """An approved report, written directly ("however it was written") with its snapshot."""
    return DistrictReport.objects.create(
        district_id=district,
        fiscal_year=fiscal_year,
        status=S.APPROVED,
        snapshot=reporting.district_snapshot(district=district, fiscal_year=fiscal_year),
    )


def csv_rows(response):
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


@pytest.mark.django_db
def test_only_approved_district_years_appear(client, programme):
    approve("4012")
    DistrictReport.objects.create(district_id="4001", fiscal_year=2568, status=S.SUBMITTED)
    for slug in ("households", "villages", "sages", "kpis", "groups", "products"):
        rows = csv_rows(client.get(f"/opendata/{slug}.csv"))
        codes = [row[1] for row in rows[1:]]
        assert codes == ["4012"], slug
        data = client.get(f"/opendata/{slug}.json").json()
        assert [r["district_code"] for r in data["records"]] == ["4012"]
    page = client.get("/opendata/").content.decode()
    assert "/opendata/households.csv" in page


@pytest.mark.django_db
def test_an_open_or_returned_year_is_not_published(client, programme):
    DistrictReport.objects.create(district_id="4012", fiscal_year=2568, status=S.OPEN)
    DistrictReport.objects.create(district_id="4001", fiscal_year=2568, status=S.RETURNED)
    rows = csv_rows(client.get("/opendata/households.csv"))
    assert rows[1:] == []


@pytest.mark.django_db
def test_approval_through_the_service_publishes_and_reopen_withdraws(
    client, phon_officer, province_staff, programme
):
    make_reportable(programme)
    reporting.report_submit(district="4012", fiscal_year=2568, user=phon_officer, note="ครบ")
    assert client.get("/opendata/sages.json").json()["records"] == []
    report = reporting.report_approve(district="4012", fiscal_year=2568, user=province_staff)
    assert report.snapshot["counts"]["sages"] == 1
    records = client.get("/opendata/sages.json").json()["records"]
    assert records == [
        {"fiscal_year": 2568, "district_code": "4012", "district_name": "พล", "sages": 1}
    ]
    reporting.report_reopen(district="4012", fiscal_year=2568, user=province_staff, reason="แก้")
    assert client.get("/opendata/sages.json").json()["records"] == []


@pytest.mark.django_db
def test_metadata_fills_every_schema_field(client, programme):
    approve("4012")
    approve("4012", fiscal_year=2567)
    for dataset in opendata.DATASETS:
        response = client.get(f"/opendata/{dataset.slug}/metadata.json")
        assert response.status_code == 200
        meta = response.json()
        for name in opendata.SCHEMA_FIELDS:
            assert meta.get(name) not in (None, "", []), (dataset.slug, name)
        assert meta["first_year_of_data"] == "2567"
        assert meta["last_year_of_data"] == "2568"
        assert meta["data_type"] == "ข้อมูลสถิติ"
        assert meta["license_id"] == "cc-by-4.0"
        assert "ครีเอทีฟคอมมอนส์" in meta["license_title"]
        assert [f["id"] for f in meta["fields"]][:3] == [
            "fiscal_year",
            "district_code",
            "district_name",
        ]
        # The JSON file carries the same metadata; the CSV the same columns.
        data = client.get(f"/opendata/{dataset.slug}.json").json()
        assert data["metadata"] == meta
        header = csv_rows(client.get(f"/opendata/{dataset.slug}.csv"))[0]
        assert header == [f["label"] for f in meta["fields"]]
        assert all(set(r) == {f["id"] for f in meta["fields"]} for r in data["records"])


@pytest.mark.django_db
def test_licence_is_a_setting(client, settings, programme):
    settings.SAMMACHIP_OPENDATA_LICENCE = {"id": "ogl-th", "title": "สัญญาอนุญาตรัฐบาลเปิด"}
    meta = client.get("/opendata/groups/metadata.json").json()
    assert meta["license_id"] == "ogl-th"
    assert meta["license_title"] == "สัญญาอนุญาตรัฐบาลเปิด"


@pytest.mark.django_db
def test_small_household_counts_are_hidden_in_the_files(client, programme):
    approve("4012")  # one household, at "target"
    record = client.get("/opendata/households.json").json()["records"][0]
    assert record["status_target"] == "<5"
    assert record["households"] in ("<5", "*")
    assert all(
        not isinstance(v, int) or v == 0 or v >= 5
        for k, v in record.items()
        if k.startswith("status_") or k == "households"
    )
    kpis = client.get("/opendata/kpis.json").json()["records"][0]
    assert kpis["practising_share"] is None and kpis["income_change"] is None


@pytest.mark.django_db
def test_figures_come_from_the_snapshot(client, programme):
    report = approve("4012")  # one household at "target" in the records
    report.snapshot["counts"]["statuses"]["target"] = 7
    report.snapshot["counts"]["sages"] = 3
    DistrictReport.objects.filter(pk=report.pk).update(snapshot=report.snapshot)
    counts = client.get("/opendata/households.json").json()["records"][0]
    assert counts["status_target"] == 7
    assert counts["households"] == 7
    assert client.get("/opendata/sages.json").json()["records"][0]["sages"] == 3


@pytest.mark.django_db
def test_a_line_equal_to_the_records_is_the_stats_line(programme, monkeypatch):
    # /stats/'s line of อ.เมือง, marked so that it cannot come about by chance: the files show
    # exactly it, even though อ.พล's snapshot differs from the records in the same year.
    real = public_stats.programme_figures

    def marked(*, fiscal_year):
        figures = real(fiscal_year=fiscal_year)
        line = figures.district("4001")
        line.statuses = {**line.statuses, "dropped": public_stats.Cell(0, hidden=True)}
        return figures

    monkeypatch.setattr(public_stats, "programme_figures", marked)
    approve("4001")
    moved = approve("4012")
    moved.snapshot["counts"]["statuses"]["target"] = 9  # the records moved past the snapshot
    DistrictReport.objects.filter(pk=moved.pk).update(snapshot=moved.snapshot)
    rows = {row.code: row for row in opendata.compute_district_years()}
    assert rows["4001"].figures.statuses["dropped"].hidden
    assert rows["4012"].figures.statuses["target"].value == 9
    assert not rows["4012"].figures.statuses["dropped"].hidden


@pytest.mark.django_db
def test_the_footer_links_the_page(client, geography):
    page = client.get("/about/").content.decode()
    assert 'href="/opendata/"' in page


@pytest.mark.django_db
def test_query_count_does_not_grow_with_district_years(programme, two_districts):
    from django.core.cache import cache

    from tests.programs.factories import make_household

    approve("4012")

    def count():
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            opendata.compute_district_years()
        return len(queries)

    # the reports, five counts of the live records, the /stats/ figures of the year (eight)
    assert count() == 14
    approve("4001")  # another district of the same year: no query more
    assert count() == 14
    for year in (2566, 2567):  # each further year: its /stats/ figures, nothing else
        make_household(village=two_districts["muang"], fiscal_year=year)
        approve("4001", fiscal_year=year)
    assert count() <= 14 + 2 * 8
    # the cached figures: no query once read
    opendata.district_years()
    with CaptureQueriesContext(connection) as queries:
        opendata.district_years()
    assert len(queries) == 0


@pytest.mark.django_db
def test_old_snapshots_are_completed_from_the_records(programme):
    report = approve("4012")
    del report.snapshot["counts"]
    report.save()
    rows = opendata.compute_district_years()
    assert rows[0].counts["sages"] == 1


def _row(statuses, villages, with_income, index):
    return opendata.DistrictYear(
        fiscal_year=2568,
        code=f"40{index:02d}",
        name=f"อำเภอ{index}",
        kpis={"listed_villages": villages, "households_with_income": with_income},
        counts={"statuses": dict(zip([s.value for s in opendata.STATUSES], statuses, strict=True))},
    )


district_counts = st.lists(
    st.tuples(
        st.lists(st.integers(0, 30), min_size=5, max_size=5),
        st.integers(0, 3),
        st.integers(0, 12),
    ),
    min_size=1,
    max_size=5,
)


@given(district_counts)
def test_no_published_cell_is_below_the_threshold(generated):
    # The snapshots differ from the live records (no ``/stats/`` line to reuse), so the rows go
    # through the disclosure rule here; whatever they are, no household count of 1–4 is
    # published, no hidden cell can be computed back, and the shares follow rule 4.
    rows = []
    for index, (statuses, villages, with_income) in enumerate(generated):
        villages = min(villages, sum(statuses))
        rows.append(_row(statuses, villages, min(with_income, sum(statuses)), index))
    live = {(row.code, 2568): {"statuses": {}} for row in rows}
    opendata.suppress_year(2568, rows, live)
    dataset = opendata.BY_SLUG["households"]
    keys = [c.key for c in dataset.columns]
    for record in opendata.records(dataset, rows):
        for key in keys:
            value = record[key]
            assert not (isinstance(value, int) and public_stats.is_small(value)), (key, record)
            if isinstance(value, str):
                assert value in ("<5", "*")
    for row in rows:
        if row.figures.practising_share is not None:
            assert row.figures.trained >= public_stats.SMALL_CELL
        if row.figures.income_change is not None:
            assert row.kpis["households_with_income"] >= public_stats.SMALL_CELL
    # The audit of /stats/ (``determined_cells``) on what a visitor of the files knows: the
    # published cells, the bounds of each hidden one (a "<5" is 1–4, another hidden inner cell at
    # least 5 unless it is a small one shown "*", a total at least its floor), and not the column
    # totals of the approved districts, which are not published (hidden, at least 1 when not 0).
    width = len(opendata.STATUSES)
    table = [
        [*(row.figures.statuses[s.value] for s in opendata.STATUSES), row.figures.total]
        for row in rows
    ]
    values = [[cell.value for cell in line] for line in table]
    values.append([sum(column) for column in zip(*values, strict=True)])
    bounds = {}
    for i, (row, line) in enumerate(zip(rows, table, strict=True)):
        floor = max(
            row.kpis["listed_villages"], 5 if row.kpis["households_with_income"] >= 5 else 1
        )
        for j, cell in enumerate(line):
            if not cell.hidden:
                continue
            if j == width:
                bounds[i, j] = (min(floor, cell.value), None)
            elif cell.small:
                bounds[i, j] = (1, public_stats.SMALL_CELL - 1)
            elif public_stats.is_small(cell.value):
                bounds[i, j] = (1, None)
            else:
                bounds[i, j] = (public_stats.SMALL_CELL, None)
    for j, value in enumerate(values[-1]):
        if value:
            bounds[len(rows), j] = (1, None)
    # (a column total computed from published cells tells nothing new: only the lines count)
    determined = public_stats.determined_cells(values, bounds)
    assert [cell for cell in determined if cell[0] < len(rows)] == [], generated


def test_json_of_an_unknown_dataset_is_404(client, db):
    assert client.get("/opendata/nothing.json").status_code == 404
    assert client.get("/opendata/nothing/metadata.json").status_code == 404
