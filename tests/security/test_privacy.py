"""PDPA controls, proven on real requests: full citizen IDs only with a named permission, each
reveal and each export recorded once with the trusted address, the records immutable in the
admin (superusers included), and no unmasked ID in pages, URLs, default exports or logs."""

import io
import logging
import re

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import Client

from programs.models import ExportLog, Household
from sammachip.models import AuditEntry
from tests.factories import make_user
from tests.programs.factories import make_household, make_occupation, make_sage, make_team

pytestmark = pytest.mark.django_db

# 13 digits in a row, or in the printed groups 1-2345-67890-12-1 (dashes or spaces).
UNMASKED_ID = re.compile(
    r"(?<![0-9])(?:[0-9]{13}|[0-9][- ][0-9]{4}[- ][0-9]{5}[- ][0-9]{2}[- ][0-9])(?![0-9])"
)
HOUSEHOLDS = "/admin/programs/household/"
EXPORT = HOUSEHOLDS + "export/"
REVEALED = "ดูเลขประจำตัวประชาชนเต็ม"


def assert_no_id(text, *numbers):
    text = str(text)
    assert not UNMASKED_ID.search(text), UNMASKED_ID.search(text).group(0)
    for number in numbers:
        assert number not in text


@pytest.fixture
def data(two_districts):
    village = two_districts["phon"]
    occupation = make_occupation("ทอผ้าไหม")
    sage = make_sage(village=village, first_name="คำปุน", citizen_id="3400100123452")
    team = make_team(village=village, sage=sage, occupation=occupation)
    households = [
        make_household(village=village, first_name=f"สมหญิง{n}", trainer_team=team) for n in range(3)
    ]
    return {"sage": sage, "households": households, "numbers": [h.citizen_id for h in households]}


@pytest.fixture
def staff(geography):
    return make_user(username="province", role="province")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def officer_client(geography):
    client = Client()
    client.force_login(make_user(username="officer", role="district", districts=["4012"]))
    return client


# ---- a named permission for full IDs ----------------------------------------------------------


def test_an_officer_without_the_permission_can_neither_reveal_nor_export(officer_client, data):
    household = data["households"][0]
    response = officer_client.post(f"{HOUSEHOLDS}{household.pk}/citizen-id/")
    assert response.status_code == 403
    assert officer_client.post(EXPORT, {"_full_ids": "1"}).status_code == 403
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).exists()
    assert not ExportLog.objects.exists()


def test_the_named_permissions_are_what_grant_it(geography, data):
    """The same district officer, given the two named permissions, can do both."""
    user = make_user(username="trusted", role="district", districts=["4012"])
    user.user_permissions.set(
        Permission.objects.filter(codename__in=["view_full_citizen_id", "export_full_citizen_id"])
    )
    client = Client()
    client.force_login(user)
    household = data["households"][0]
    assert client.post(f"{HOUSEHOLDS}{household.pk}/citizen-id/").status_code == 200
    assert client.post(EXPORT, {"_full_ids": "1", "_format": "csv"}).status_code == 200
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).count() == 1
    assert ExportLog.objects.get().full_ids


# ---- each reveal and each export: one record, with the trusted address -----------------------


def test_each_reveal_writes_one_audit_row_with_who_what_when_and_where(
    staff_client, staff, data, settings
):
    settings.SAMMACHIP_TRUSTED_PROXY_HOPS = 1  # behind nginx
    household = data["households"][0]
    url = f"{HOUSEHOLDS}{household.pk}/citizen-id/"
    staff_client.get(url)  # the confirmation page reveals nothing and records nothing
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).exists()
    for _ in range(2):
        staff_client.post(url, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.20.30.40")
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS)
    assert entries.count() == 2
    entry = entries.first()
    assert entry.actor == staff
    assert entry.object_id == household.pk
    assert entry.content_type.model == "household"
    assert entry.changes_text == REVEALED
    assert entry.remote_addr == "10.20.30.40"  # the proxy's entry, not the client's
    assert entry.timestamp is not None
    assert entry.district_id == "4012"


def test_a_sage_reveal_is_recorded_too(staff_client, staff, data):
    sage = data["sage"]
    staff_client.post(f"/admin/programs/sage/{sage.pk}/citizen-id/", REMOTE_ADDR="10.0.0.7")
    entry = AuditEntry.objects.get(action=AuditEntry.Action.ACCESS)
    assert (entry.actor, entry.object_id, entry.remote_addr) == (staff, sage.pk, "10.0.0.7")


def test_an_export_of_full_ids_is_recorded_once_with_filter_and_trusted_address(
    staff_client, staff, data, settings
):
    settings.SAMMACHIP_TRUSTED_PROXY_HOPS = 1
    response = staff_client.post(
        EXPORT + "?status__exact=target",
        {"_format": "csv", "_full_ids": "1"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 10.20.30.41",
    )
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert data["numbers"][0] in content  # full IDs, as asked
    log = ExportLog.objects.get()
    assert log.user == staff
    assert log.full_ids
    assert log.row_count == 3
    assert "status__exact=target" in log.filters
    assert log.remote_addr == "10.20.30.41"
    assert log.created_at is not None


def test_an_edit_is_audited_with_the_trusted_address_not_a_forged_one(staff_client, data):
    household = data["households"][0]
    response = staff_client.post(
        f"{HOUSEHOLDS}{household.pk}/change/",
        {
            "village": household.village_id,
            "fiscal_year": household.fiscal_year,
            "house_no": household.house_no,
            "prefix": household.prefix,
            "first_name": household.first_name,
            "last_name": "เปลี่ยนนามสกุล",
            "citizen_id": "",
            "status": household.status,
            "follow_ups-TOTAL_FORMS": "0",
            "follow_ups-INITIAL_FORMS": "0",
        },
        REMOTE_ADDR="10.0.0.8",
        HTTP_X_FORWARDED_FOR="6.6.6.6",
        HTTP_X_FORWARDED_PORT="31337",
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(
        object_id=household.pk, action=AuditEntry.Action.UPDATE
    ).latest("timestamp")
    assert entry.remote_addr == "10.0.0.8"
    assert entry.remote_port is None


# ---- the records cannot be changed or deleted in the admin, not even by a superuser ----------


@pytest.fixture
def superuser_client(geography):
    client = Client()
    client.force_login(make_user(username="root", role="", is_superuser=True))
    return client


@pytest.mark.parametrize(
    ("model", "url"),
    [(AuditEntry, "/admin/sammachip/auditentry/"), (ExportLog, "/admin/programs/exportlog/")],
)
def test_records_are_immutable_in_the_admin_even_for_a_superuser(
    superuser_client, staff_client, data, model, url
):
    staff_client.post(f"{HOUSEHOLDS}{data['households'][0].pk}/citizen-id/")
    staff_client.post(EXPORT, {"_format": "csv", "_full_ids": "1"})
    record = model.objects.first()
    before = model.objects.filter(pk=record.pk).values().get()

    changelist = superuser_client.get(url)
    assert changelist.status_code == 200
    assert 'value="delete_selected"' not in changelist.content.decode()
    page = superuser_client.get(f"{url}{record.pk}/change/")
    assert page.status_code == 200  # may be read
    assert 'name="_save"' not in page.content.decode()
    assert superuser_client.get(f"{url}add/").status_code == 403
    assert superuser_client.get(f"{url}{record.pk}/delete/").status_code == 403
    assert superuser_client.post(f"{url}{record.pk}/delete/", {"post": "yes"}).status_code == 403
    assert (
        superuser_client.post(f"{url}{record.pk}/change/", {"remote_addr": "1.1.1.1"}).status_code
        == 403
    )
    superuser_client.post(
        url, {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"}
    )
    assert model.objects.filter(pk=record.pk).values().get() == before


# ---- no unmasked ID in pages, URLs, default exports, logs -------------------------------------


def hrefs(html):
    return re.findall(r'(?:href|src|action)="([^"]*)"', html)


def test_no_unmasked_id_in_changelists_forms_and_autocomplete(staff_client, data):
    numbers = [*data["numbers"], data["sage"].citizen_id]
    for url in (
        HOUSEHOLDS,
        f"{HOUSEHOLDS}{data['households'][0].pk}/change/",
        "/admin/programs/sage/",
        f"/admin/programs/sage/{data['sage'].pk}/change/",
        f"/admin/programs/trainerteam/{data['households'][0].trainer_team_id}/change/",
        "/admin/programs/followup/add/",
        "/admin/sammachip/auditentry/",
    ):
        response = staff_client.get(url)
        assert response.status_code == 200, url
        assert_no_id(response.content.decode(), *numbers)
    autocomplete = staff_client.get(
        "/admin/autocomplete/",
        {"app_label": "programs", "model_name": "followup", "field_name": "household", "term": ""},
    )
    assert autocomplete.status_code == 200
    assert_no_id(autocomplete.content.decode(), *numbers)


def test_searching_by_full_id_keeps_it_out_of_the_url_and_the_page(staff_client, data):
    number = data["numbers"][1]
    response = staff_client.get(HOUSEHOLDS, {"q": number}, follow=True)
    assert list(response.context["cl"].result_list) == [data["households"][1]]
    final_url = response.redirect_chain[-1][0]
    assert_no_id(final_url, number)
    html = response.content.decode()
    assert_no_id(html, number)
    for link in hrefs(html):
        assert_no_id(link, number)
    # The export buttons of that result page carry the search on, still without the number.
    export_action = next(link for link in hrefs(html) if "/export/" in link)
    export = staff_client.post(export_action.replace("&amp;", "&"), {"_format": "csv"})
    assert data["households"][1].first_name in b"".join(export.streaming_content).decode(
        "utf-8-sig"
    )
    assert_no_id(ExportLog.objects.get().filters, number)


def test_searching_by_name_shows_masked_ids_only(staff_client, data):
    response = staff_client.get(HOUSEHOLDS, {"q": "สมหญิง"})
    html = response.content.decode()
    assert data["households"][0].citizen_id_masked in html
    assert_no_id(html, *data["numbers"])


def test_default_exports_carry_masked_ids_only(staff_client, data, tmp_path):
    csv = staff_client.post(EXPORT, {"_format": "csv"})
    assert_no_id(b"".join(csv.streaming_content).decode("utf-8-sig"), *data["numbers"])
    xlsx = staff_client.post(EXPORT, {"_format": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    cells = [c for row in book.worksheets[0].iter_rows(values_only=True) for c in row]
    assert data["households"][0].citizen_id_masked in cells
    assert_no_id(cells, *data["numbers"])
    out = tmp_path / "command.csv"
    call_command("export_households", "--output", str(out), stdout=io.StringIO())
    assert_no_id(out.read_text(encoding="utf-8-sig"), *data["numbers"])


@pytest.fixture
def console_output():
    """What the configured console log handler writes (its masking filter included)."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    stream = io.StringIO()
    old = handler.setStream(stream)
    yield stream
    handler.setStream(old)


def test_a_request_failing_with_an_id_in_its_post_logs_no_id(
    staff, data, console_output, monkeypatch
):
    from django.views.debug import ExceptionReporter

    from programs.admin import HouseholdAdmin

    number = "1101700230708"
    reports = []

    def broken_save(self, request, obj, form, change):
        raise RuntimeError(f"cannot save household with citizen ID {obj.citizen_id}")

    class Keep(logging.Handler):
        def emit(self, record):
            if getattr(record, "request", None) is not None and record.exc_info:
                reports.append(ExceptionReporter(record.request, *record.exc_info))

    keep = Keep(level=logging.ERROR)
    logging.getLogger("django.request").addHandler(keep)
    monkeypatch.setattr(HouseholdAdmin, "save_model", broken_save)
    client = Client(raise_request_exception=False)
    client.force_login(staff)
    try:
        response = client.post(
            f"{HOUSEHOLDS}add/",
            {
                "village": data["households"][0].village_id,
                "fiscal_year": 2568,
                "house_no": "99",
                "prefix": "นาง",
                "first_name": "ล้มเหลว",
                "last_name": "ทดสอบ",
                "citizen_id": number,
                "status": "target",
                "follow_ups-TOTAL_FORMS": "0",
                "follow_ups-INITIAL_FORMS": "0",
            },
        )
    finally:
        logging.getLogger("django.request").removeHandler(keep)
    assert response.status_code == 500
    output = console_output.getvalue()
    assert "Internal Server Error" in output
    assert "RuntimeError" in output  # the traceback is there, the number is not
    assert_no_id(output, number, "1-1017-00230-70-8")
    # An error report (e-mail, Sentry) would not carry the POSTed number either.
    report = reports[0].get_traceback_text()
    assert "citizen_id" in report
    post_section = report[report.index("POST:") :]
    assert number not in post_section.split("FILES:")[0]
    assert not Household.objects.filter(first_name="ล้มเหลว").exists()


def test_login_and_lockout_logs_carry_no_password(console_output, geography):
    make_user(username="officer")
    client = Client()
    for _ in range(6):
        client.post("/admin/login/", {"username": "officer", "password": "my-secret-guess-1"})
    # A password typed into the username box by mistake, until locked out.
    for _ in range(6):
        client.post("/admin/login/", {"username": "my-Secret-2568", "password": "officer"})
    output = console_output.getvalue()
    assert "login refused" in output
    assert "my-secret-guess-1" not in output
    assert "my-Secret-2568" not in output
