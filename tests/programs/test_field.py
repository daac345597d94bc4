"""The field app (issue 17, ``docs/field.md``): the sync endpoint (exactly once, scoped, each
item on its own), the visit form without JavaScript, the worklist, the PWA files."""

import datetime
import io
import json
import uuid
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from PIL import Image

from programs.models import FollowUp
from tests.articles.factories import gps_exif, image_bytes, upload
from tests.factories import TEST_PASSWORD, make_user
from tests.programs.factories import make_household

API = "/field/api/visits/"
VISIT_DAY = datetime.date(2026, 9, 15)  # inside fiscal year 2569, after its training day


@pytest.fixture
def homes(two_districts):
    return {
        key: make_household(
            village=village, fiscal_year=2569, status="trained", first_name=f"ครัว{key}"
        )
        for key, village in two_districts.items()
    }


def item(home, **fields):
    data = {
        "client_uuid": str(uuid.uuid4()),
        "household": home.pk,
        "visited_on": VISIT_DAY.isoformat(),
        "practising": True,
        "monthly_income": "3,500",
        "notes": "เยี่ยมบ้าน",
    }
    data.update(fields)
    return data


def sync(client, *items):
    return client.post(API, json.dumps({"visits": list(items)}), content_type="application/json")


def statuses(response):
    return [result["status"] for result in response.json()["results"]]


def test_a_visit_is_saved_with_its_uuid_officer_and_income(phon_client, phon_officer, homes):
    sent = item(homes["phon"])
    response = sync(phon_client, sent)
    assert response.status_code == 200
    assert response.json()["results"] == [
        {"client_uuid": sent["client_uuid"], "status": "saved", "message": "บันทึกแล้ว"}
    ]
    follow_up = FollowUp.objects.get(client_uuid=sent["client_uuid"])
    assert (follow_up.household, follow_up.officer, follow_up.visited_on) == (
        homes["phon"],
        phon_officer,
        VISIT_DAY,
    )
    assert follow_up.monthly_income == Decimal("3500.00")


def test_sending_a_uuid_again_returns_the_saved_visit_never_a_second(phon_client, homes):
    sent = item(homes["phon"])
    assert statuses(sync(phon_client, sent)) == ["saved"]
    assert statuses(sync(phon_client, sent)) == ["duplicate"]
    assert FollowUp.objects.filter(client_uuid=sent["client_uuid"]).count() == 1


def test_the_same_uuid_twice_in_one_batch_is_saved_once(phon_client, homes):
    sent = item(homes["phon"])
    assert statuses(sync(phon_client, sent, dict(sent))) == ["saved", "duplicate"]
    assert FollowUp.objects.filter(household=homes["phon"]).count() == 1


def test_another_districts_household_is_refused_and_the_others_saved(phon_client, homes):
    mine, theirs = item(homes["phon"]), item(homes["muang"])
    response = sync(phon_client, theirs, mine)
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["refused", "saved"]
    assert "ไม่อยู่ในอำเภอที่ท่านรับผิดชอบ" in results[0]["message"]
    assert not FollowUp.objects.filter(household=homes["muang"]).exists()


def test_a_visit_of_a_submitted_district_year_is_refused_with_the_locks_reason(phon_client, homes):
    """A district-year whose report is submitted (``programs.locking``) takes no visit: the
    item is refused with the lock's Thai reason (the phone keeps it as "ส่งไม่ได้"), the others
    are saved."""
    from programs.models import DistrictReport

    DistrictReport.objects.create(district_id="4012", fiscal_year=2569, status="submitted")
    locked = item(homes["phon"])
    response = sync(phon_client, locked)
    [result] = response.json()["results"]
    assert result["status"] == "refused"
    assert "สำนักงานพัฒนาชุมชนจังหวัด" in result["message"]
    assert not FollowUp.objects.exists()
    DistrictReport.objects.filter(district_id="4012").update(status="returned")
    assert statuses(sync(phon_client, locked)) == ["saved"]


def test_malformed_items_are_refused_without_affecting_the_others(phon_client, homes):
    good = item(homes["phon"])
    response = sync(
        phon_client,
        "not an object",
        item(homes["phon"], client_uuid="not-a-uuid"),
        item(homes["phon"], visited_on="15/09/2569"),
        item(homes["phon"], monthly_income="สามพัน"),
        item(homes["phon"], practising="yes"),
        item(homes["phon"], household=None),
        good,
    )
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["refused"] * 6 + ["saved"]
    assert results[3]["message"] == "รายได้ต้องเป็นตัวเลข (บาทต่อเดือน)"
    assert list(FollowUp.objects.values_list("client_uuid", flat=True)) == [
        uuid.UUID(good["client_uuid"])
    ]


@pytest.mark.parametrize(
    ("typed", "amount"),
    [("๓,๕๐๐", Decimal("3500")), ("3500.00", Decimal("3500")), ("", None), (None, None)],
)
def test_income_is_read_as_the_import_reads_it(phon_client, homes, typed, amount):
    sent = item(homes["phon"], monthly_income=typed)
    assert statuses(sync(phon_client, sent)) == ["saved"]
    assert FollowUp.objects.get(client_uuid=sent["client_uuid"]).monthly_income == amount


def test_the_models_date_rules_hold(phon_client, homes):
    future = item(homes["phon"], visited_on="2099-01-01")
    before_year = item(homes["phon"], visited_on="2024-01-01")
    results = sync(phon_client, future, before_year).json()["results"]
    assert [r["status"] for r in results] == ["refused", "refused"]
    assert "วันที่ติดตาม" in results[0]["message"]
    assert "ก่อนปีงบประมาณ 2569" in results[1]["message"]
    assert not FollowUp.objects.exists()


def test_stopped_with_practising_is_refused(phon_client, homes):
    sent = item(homes["phon"], practising=True, stopped_reason="ย้ายไปทำงานต่างจังหวัด")
    assert statuses(sync(phon_client, sent)) == ["refused"]


def test_an_expired_session_gets_401_json_the_page_can_act_on(client, homes):
    response = sync(client, item(homes["phon"]))
    assert response.status_code == 401
    body = response.json()
    assert body["error"] == "signin"
    assert body["login_url"].endswith("?next=/field/")
    assert not FollowUp.objects.exists()


def test_the_endpoint_needs_the_csrf_token_of_the_session(phon_officer, homes):
    client = Client(enforce_csrf_checks=True)
    client.login(username=phon_officer.username, password=TEST_PASSWORD)
    assert sync(client, item(homes["phon"])).status_code == 403
    client.get(reverse("field:worklist"))  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(
        API,
        json.dumps({"visits": [item(homes["phon"])]}),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200


def test_a_user_without_districts_is_refused_403(client, homes):
    client.force_login(make_user(role="district"))
    response = sync(client, item(homes["phon"]))
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"


@pytest.mark.parametrize("body", ["{", "[]", '{"visits": {}}'])
def test_a_body_that_is_not_the_contract_is_400(phon_client, homes, body):
    response = phon_client.post(API, body, content_type="application/json")
    assert response.status_code == 400


def test_province_staff_reach_every_district(province_client, homes):
    assert statuses(sync(province_client, item(homes["muang"]))) == ["saved"]


def test_queries_per_visit(phon_client, homes, two_districts, django_assert_max_num_queries):
    """At most 5 per visit, the savepoint included: the training-date rule of
    ``FollowUp.clean``, the savepoint, the insert, its release; plus a fixed number per request
    (session, user, districts, the batch's uuids and households, the transaction, and the
    batch's stage and income refresh)."""
    households = [
        make_household(village=two_districts["phon"], fiscal_year=2569, status="trained")
        for _ in range(5)
    ]
    items = [item(household) for household in households for _ in range(4)]
    with django_assert_max_num_queries(12 + 20 * 4):
        response = sync(phon_client, *items)
    assert statuses(response) == ["saved"] * 20


def test_a_synced_visit_moves_the_stage_and_income_like_a_saved_one(phon_client, homes):
    household = homes["phon"]
    assert household.status == "trained"
    sync(phon_client, item(household, monthly_income="4,000"))
    household.refresh_from_db()
    assert household.status == "practising"
    assert household.income_after == Decimal(4000)


# The pages: worklist and the visit form without JavaScript.


def test_the_worklist_shows_the_officers_households_only(phon_client, homes):
    response = phon_client.get(reverse("field:worklist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "ครัวphon" in html
    assert "ครัวmuang" not in html
    assert homes["phon"].citizen_id not in html
    assert homes["phon"].citizen_id_masked in html


def test_the_worklist_searches_by_name_and_house_number(phon_client, two_districts):
    village = two_districts["phon"]
    make_household(village=village, fiscal_year=2570, first_name="มาลี", house_no="12/3")
    make_household(village=village, fiscal_year=2570, first_name="บุญมี", house_no="99")
    by_name = phon_client.get(reverse("field:worklist"), {"q": "มาลี"}).content.decode()
    assert "มาลี" in by_name
    assert "บุญมี" not in by_name
    by_house = phon_client.get(reverse("field:worklist"), {"q": "12/3"}).content.decode()
    assert "มาลี" in by_house


def test_the_worklist_puts_overdue_visits_first(phon_client, two_districts):
    village = two_districts["phon"]
    make_household(village=village, fiscal_year=2570, first_name="ยังไม่อบรม")
    overdue = make_household(
        village=village, fiscal_year=2569, status="trained", first_name="เลยกำหนด"
    )
    html = phon_client.get(reverse("field:worklist")).content.decode()
    assert html.index(overdue.first_name) < html.index("ยังไม่อบรม")
    assert "เลยกำหนด</span>" in html


def test_anonymous_is_sent_to_sign_in(client, geography):
    response = client.get(reverse("field:worklist"))
    assert response.status_code == 302
    assert "next=/field/" in response["Location"]


def test_the_visit_form_is_crispy_and_saves_without_javascript(phon_client, phon_officer, homes):
    url = reverse("field:visit", args=[homes["phon"].pk])
    page = phon_client.get(url).content.decode()
    assert 'id="visit-form"' in page
    assert "mb-3" in page  # crispy-bootstrap5's field wrapper
    response = phon_client.post(
        url,
        {"visited_on": "15/09/2569", "practising": "1", "monthly_income": "๓,๕๐๐", "notes": ""},
    )
    assert response.status_code == 302
    follow_up = FollowUp.objects.get(household=homes["phon"])
    assert (follow_up.visited_on, follow_up.monthly_income, follow_up.officer) == (
        VISIT_DAY,
        Decimal("3500"),
        phon_officer,
    )
    assert follow_up.client_uuid is None


def test_the_visit_form_shows_the_models_date_rule(phon_client, homes):
    url = reverse("field:visit", args=[homes["phon"].pk])
    response = phon_client.post(
        url, {"visited_on": "01/01/2567", "practising": "1", "monthly_income": "100"}
    )
    assert response.status_code == 200
    assert "ก่อนปีงบประมาณ 2569" in response.content.decode()
    assert not FollowUp.objects.exists()


def test_another_districts_visit_form_is_404(phon_client, homes):
    assert phon_client.get(reverse("field:visit", args=[homes["muang"].pk])).status_code == 404


# The progressive web app: its files, served so the worker's scope is /field/, the CSP kept.


def test_the_service_worker_is_served_from_field(phon_client, geography):
    response = phon_client.get("/field/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert b"caches" in response.content


def test_the_manifest_is_scoped_to_field(client, geography):
    response = client.get("/field/manifest.webmanifest")
    manifest = json.loads(response.content)
    assert (manifest["scope"], manifest["start_url"]) == ("/field/", "/field/")


def test_the_csp_header_is_unchanged_on_field_pages(phon_client, client, geography):
    field = phon_client.get(reverse("field:worklist"))
    public = client.get("/")
    assert field["Content-Security-Policy"] == public["Content-Security-Policy"]
    assert "'unsafe-inline'" not in field["Content-Security-Policy"].split("script-src")[1]
    assert "<script>" not in field.content.decode()


# Photos (by the visit's UUID) and the location taken on tap.


def saved_visit(client, home, **fields):
    sent = item(home, **fields)
    assert statuses(sync(client, sent)) == ["saved"]
    return sent["client_uuid"]


def photo_url(client_uuid):
    return reverse("field:photo_api", args=[client_uuid])


def test_a_photo_attaches_to_its_visit_once_without_exif(phon_client, homes):
    client_uuid = saved_visit(phon_client, homes["phon"])
    photo = upload(content=image_bytes(exif=gps_exif()))
    response = phon_client.post(photo_url(client_uuid), {"photo": photo})
    assert response.json() == {"client_uuid": client_uuid, "status": "saved"}
    follow_up = FollowUp.objects.get(client_uuid=client_uuid)
    assert follow_up.photo.name.startswith("followups/")
    with default_storage.open(follow_up.photo.name) as handle:
        assert not Image.open(io.BytesIO(handle.read())).getexif()
    again = phon_client.post(photo_url(client_uuid), {"photo": upload()})
    assert again.json()["status"] == "duplicate"
    assert FollowUp.objects.get(client_uuid=client_uuid).photo.name == follow_up.photo.name


def test_a_bad_photo_is_refused_with_a_thai_reason(phon_client, homes):
    client_uuid = saved_visit(phon_client, homes["phon"])
    fake = upload(name="photo.jpg", content=b"this is not an image at all" * 10)
    response = phon_client.post(photo_url(client_uuid), {"photo": fake})
    assert response.status_code == 400
    assert "ไม่ใช่รูปภาพ" in response.json()["message"]
    assert not FollowUp.objects.get(client_uuid=client_uuid).photo


def test_a_photo_for_another_districts_visit_is_404(client, homes, muang_officer):
    client.force_login(muang_officer)
    client_uuid = saved_visit(client, homes["muang"])
    client.force_login(make_user(username="phon2", role="district", districts=["4012"]))
    response = client.post(photo_url(client_uuid), {"photo": upload()})
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_a_photo_before_its_visit_is_404_and_signed_out_401(phon_client, homes):
    assert phon_client.post(photo_url(uuid.uuid4()), {"photo": upload()}).status_code == 404
    phon_client.logout()
    assert phon_client.post(photo_url(uuid.uuid4()), {"photo": upload()}).status_code == 401


def test_the_location_is_stored_only_when_sent(phon_client, homes):
    with_place = saved_visit(phon_client, homes["phon"], latitude=16.2181, longitude="102.5006")
    without = saved_visit(phon_client, homes["phon"])
    follow_up = FollowUp.objects.get(client_uuid=with_place)
    assert (follow_up.latitude, follow_up.longitude) == (
        Decimal("16.218100"),
        Decimal("102.500600"),
    )
    assert FollowUp.objects.get(client_uuid=without).latitude is None
    refused = item(homes["phon"], latitude=123)
    assert statuses(sync(phon_client, refused)) == ["refused"]


def test_the_visit_form_takes_a_photo_without_javascript(phon_client, homes):
    url = reverse("field:visit", args=[homes["phon"].pk])
    page = phon_client.get(url).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert "บันทึกตำแหน่ง" in page
    response = phon_client.post(
        url,
        {
            "visited_on": "15/09/2569",
            "practising": "1",
            "photo": upload(content=image_bytes(exif=gps_exif())),
        },
    )
    assert response.status_code == 302
    follow_up = FollowUp.objects.get(household=homes["phon"])
    with default_storage.open(follow_up.photo.name) as handle:
        assert not Image.open(io.BytesIO(handle.read())).getexif()


def test_the_privacy_notice_says_what_the_phone_stores(client, geography):
    html = client.get("/privacy/").content.decode()
    assert 'id="field-device"' in html


def test_a_second_visit_of_the_same_day_is_said_and_saved_only_when_ticked(phon_client, homes):
    """A double save without JavaScript (QA walk B, item 3): the form says the day has a
    visit already and saves the second only with "บันทึกอีกครั้งในวันเดียวกัน" ticked."""
    url = reverse("field:visit", args=[homes["phon"].pk])
    typed = {"visited_on": "15/09/2569", "practising": "1", "monthly_income": "100"}
    assert phon_client.post(url, typed).status_code == 302
    page = phon_client.get(url).content.decode()
    assert 'data-visited="2026-09-15"' in page
    again = phon_client.post(url, typed)
    assert again.status_code == 200
    html = again.content.decode()
    assert "มีบันทึกการติดตามของวันที่ 15 กันยายน 2569 แล้ว" in html
    assert 'name="again"' in html
    assert FollowUp.objects.filter(household=homes["phon"]).count() == 1
    assert phon_client.post(url, {**typed, "again": "on"}).status_code == 302
    assert FollowUp.objects.filter(household=homes["phon"]).count() == 2


def test_the_visit_page_says_today_has_a_visit(phon_client, homes):
    from django.utils import timezone

    FollowUp.objects.create(household=homes["phon"], visited_on=timezone.localdate())
    url = reverse("field:visit", args=[homes["phon"].pk])
    assert "มีบันทึกการติดตามของวันนี้แล้ว" in phon_client.get(url).content.decode()


@pytest.mark.parametrize(
    "query",
    ["สมศรี ใจสาธิต", "นางสาวสมศรี", "นาง สมศรี", "๒๓๗", "237", "ใจสาธิต 237", "บ้านเพ็กใหญ่สาธิต"],
)
def test_the_worklist_finds_a_name_as_it_is_shown(phon_client, geography, query):
    """QA walk B, item 5: first and last name, a title, Thai digits and the village name."""
    from tests.factories import make_village

    village = make_village(subdistrict="401207", moo=11, name_th="บ้านเพ็กใหญ่สาธิต")
    other = make_village(subdistrict="401207", moo=12, name_th="บ้านโนนสาธิต")
    make_household(
        village=village,
        fiscal_year=2570,
        prefix="นางสาว",
        first_name="สมศรี",
        last_name="ใจสาธิต",
        house_no="237",
    )
    make_household(village=other, fiscal_year=2570, first_name="บุญมี", house_no="99")
    html = phon_client.get(reverse("field:worklist"), {"q": query}).content.decode()
    assert "สมศรี" in html
    assert "บุญมี" not in html


def test_a_search_that_finds_nothing_says_so(phon_client, two_districts):
    make_household(village=two_districts["phon"], fiscal_year=2570, first_name="มาลี")
    html = phon_client.get(reverse("field:worklist"), {"q": "สมศรี มาลี"}).content.decode()
    assert "ไม่พบครัวเรือนที่ตรงกับ “สมศรี มาลี”" in html
    assert "ไม่มีครัวเรือนที่ต้องติดตาม" not in html


def test_signing_out_of_the_field_app_lands_on_a_sign_in_back_to_it(phon_client, homes):
    page = phon_client.get(reverse("field:worklist")).content.decode()
    back = "/admin/login/?next=/field/"
    assert f'name="next" value="{back}"' in page
    response = phon_client.post(reverse("admin:logout"), {"next": back})
    assert response.status_code == 302
    assert response["Location"] == back
    assert phon_client.get(reverse("field:worklist")).status_code == 302  # signed out


def _luminance(colour):
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(one, two):
    light, dark = sorted([_luminance(one), _luminance(two)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_field_apps_text_colours_reach_4_5_to_1_on_its_background():
    """QA walk B: Bootstrap's blue (4.20:1) and grey (4.37:1) were too faint outdoors."""
    import re
    from pathlib import Path

    from django.contrib.staticfiles import finders

    css = re.sub(r"/\*.*?\*/", "", Path(finders.find("field/field.css")).read_text(), flags=re.S)
    background = re.search(r"body#field \{[^}]*background: (#[0-9a-f]{6})", css).group(1)
    texts = re.findall(r"(?:^|[\s;{])(?:color|--bs-link-color|--bs-btn-color): (#[0-9a-f]{6})", css)
    assert "#0a58ca" in texts  # the links
    assert "#565e64" in texts  # the footer and the secondary buttons
    for colour in texts:
        assert _contrast(colour, background) >= 4.5, colour
