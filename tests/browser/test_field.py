"""Issue 17's done-when: officer_phon opens /field/, goes offline, records three visits (a photo
with one, the location with another), reloads offline (the shell and the outbox survive), comes
back online, signs in again (the session expired) and syncs: exactly three follow-ups; sending the
same visits again: still three. On a 390 px phone."""

import io
import json
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from PIL import Image
from playwright.sync_api import expect

from programs.models import FollowUp
from tests.articles.factories import gps_exif, image_bytes
from tests.browser.conftest import PHONE
from tests.factories import TEST_PASSWORD, make_user, make_village
from tests.programs.factories import make_household

pytestmark = pytest.mark.django_db(transaction=True)

CACHED_PAGES = """async () => {
  const names = await caches.keys();
  let urls = [];
  for (const name of names) {
    const keys = await (await caches.open(name)).keys();
    urls = urls.concat(keys.map((r) => new URL(r.url).pathname));
  }
  return urls;
}"""


def test_three_visits_offline_are_synced_exactly_once(live_server, new_page, screenshot, tmp_path):
    call_command("load_geography", province=["40"], stdout=io.StringIO())
    village = make_village(subdistrict="401207", moo=11, name_th="บ้านเพ็กใหญ่สาธิต")
    households = [
        make_household(village=village, fiscal_year=2569, status="trained", first_name=name)
        for name in ("บุญมา", "สมศรี", "คำแพง")
    ]
    make_user(username="officer_phon", role="district", districts=["4012"])

    photo = tmp_path / "visit.jpg"
    photo.write_bytes(image_bytes(size=(3000, 2000), exif=gps_exif()))

    page = new_page(
        PHONE, geolocation={"latitude": 16.2181, "longitude": 102.5006}, permissions=["geolocation"]
    )
    page.goto(live_server.url + "/admin/login/?next=/field/")
    page.get_by_label("ชื่อผู้ใช้").fill("officer_phon")
    page.get_by_label("รหัสผ่าน").fill(TEST_PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    page.wait_for_url("**/field/")
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()  # now controlled by the worker; it caches the visit pages the list links to
    visit_paths = [f"/field/visit/{h.pk}/" for h in households]
    # Everything the shell needs offline, its script and style sheets included (a visit page
    # without its script would post the form natively instead of keeping it in the outbox).
    shell = [*visit_paths, "/static/field/field.js", "/static/field/field.css"]
    page.wait_for_function(
        "async (paths) => { const got = await (" + CACHED_PAGES + ")();"
        " return paths.every((p) => got.includes(p)) && got.some((p) => p.endsWith('.woff2')); }",
        arg=shell,
    )
    screenshot(page, "field-worklist-390")

    # Nothing may try the sync endpoint while offline (the page's requests and the worker's).
    tried_offline = []

    def watch(request):
        if "/field/api/" in request.url:
            tried_offline.append(request.url)

    page.context.on("request", watch)
    page.context.set_offline(True)
    for number, household in enumerate(households, start=1):
        page.goto(live_server.url + f"/field/visit/{household.pk}/")
        page.get_by_label("วันที่ติดตาม").fill("15/09/2569")
        page.get_by_label("รายได้จากอาชีพเดือนนี้ (บาท)").fill("๓,๕๐๐" if number == 1 else "3500")
        if number == 1:
            page.get_by_label("รูปถ่าย (ถ้ามี)").set_input_files(photo)
        if number == 2:
            page.get_by_role("button", name="บันทึกตำแหน่ง").click()
            page.get_by_text("บันทึกตำแหน่งแล้ว").wait_for()
            screenshot(page, "field-visit-form-390")
        page.get_by_role("button", name="บันทึกการติดตาม").click()
        page.locator("#visit-saved").wait_for(state="visible")
        # The outbox is drawn from IndexedDB asynchronously: wait for it, never read it once.
        expect(page.locator("#outbox-count")).to_have_text(f"รอส่ง {number} รายการ")
    screenshot(page, "field-offline-outbox-390")
    assert not FollowUp.objects.exists()

    page.reload()  # offline: the shell comes from the cache, the outbox from IndexedDB
    expect(page.locator("#outbox-count")).to_have_text("รอส่ง 3 รายการ")
    expect(page.locator("#outbox-items li")).to_have_count(3)
    assert tried_offline == []
    assert not FollowUp.objects.exists()
    page.context.remove_listener("request", watch)

    # The session expired meanwhile: sending asks the officer to sign in again, then sends.
    page.context.clear_cookies()
    sent = []
    page.on(
        "response",
        lambda response: (
            sent.append(response.request.post_data)
            if "/field/api/" in response.url and response.status == 200
            else None
        ),
    )
    page.context.set_offline(False)
    page.get_by_role("button", name="ส่งตอนนี้").click()
    signin = page.get_by_role("link", name="เข้าสู่ระบบอีกครั้ง")
    signin.wait_for()
    screenshot(page, "field-signin-again-390")
    assert not FollowUp.objects.exists()
    signin.click()
    page.get_by_label("ชื่อผู้ใช้").fill("officer_phon")
    page.get_by_label("รหัสผ่าน").fill(TEST_PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    page.wait_for_url("**/field/")
    page.get_by_text("ส่งแล้ว 3 รายการ").wait_for()  # sent on arrival
    screenshot(page, "field-synced-390")
    expect(page.locator("#outbox-count")).to_have_text("รอส่ง 0 รายการ")
    assert FollowUp.objects.filter(client_uuid__isnull=False).count() == 3
    assert set(FollowUp.objects.values_list("household_id", flat=True)) == {
        h.pk for h in households
    }
    with_photo = FollowUp.objects.get(household=households[0])
    with default_storage.open(with_photo.photo.name) as handle:
        stored = Image.open(io.BytesIO(handle.read()))
    assert max(stored.size) == 1600  # scaled on the phone
    assert not stored.getexif()
    assert with_photo.monthly_income == Decimal(3500)
    located = FollowUp.objects.get(household=households[1])
    assert (located.latitude, located.longitude) == (Decimal("16.218100"), Decimal("102.500600"))
    assert FollowUp.objects.get(household=households[2]).latitude is None

    # The fresh worklist: the three visits done, nothing of 2569 is due any more.
    page.get_by_role("link", name="ดูรายชื่อล่าสุด").click()
    page.get_by_text("ไม่มีครัวเรือนที่ต้องติดตาม").wait_for()

    # Sync again (a retry, a second tab): the same visits answer "duplicate", nothing is added.
    again = page.evaluate(
        """async (body) => {
          const token = document.cookie.match(/csrftoken=([^;]+)/)[1];
          const response = await fetch("/field/api/visits/", {method: "POST", body,
            headers: {"Content-Type": "application/json", "X-CSRFToken": token}});
          return response.json();
        }""",
        sent[0],
    )
    assert [r["status"] for r in again["results"]] == ["duplicate"] * 3
    assert len(json.loads(sent[0])["visits"]) == 3
    assert FollowUp.objects.count() == 3

    # Signing out deletes the cached worklist and pages (the outbox is empty: nothing to keep).
    page.get_by_role("button", name="ออกจากระบบ").click()
    page.wait_for_url("**/admin/login/?next=/field/")  # a sign-in that returns to the app
    assert page.evaluate(CACHED_PAGES) == []


def test_a_refused_visit_stays_in_the_outbox_with_its_reason_until_discarded(
    live_server, new_page, screenshot
):
    """Issue 17: a household whose district-year is locked (report submitted) refuses the visit;
    the phone keeps it as "ส่งไม่ได้" with the lock's Thai reason, never drops it silently, and
    the officer may discard it."""
    from programs.models import DistrictReport

    call_command("load_geography", province=["40"], stdout=io.StringIO())
    village = make_village(subdistrict="401207", moo=11, name_th="บ้านเพ็กใหญ่สาธิต")
    household = make_household(
        village=village, fiscal_year=2569, status="trained", first_name="บุญมา"
    )
    make_user(username="officer_phon", role="district", districts=["4012"])

    page = new_page(PHONE)
    page.goto(live_server.url + f"/admin/login/?next=/field/visit/{household.pk}/")
    page.get_by_label("ชื่อผู้ใช้").fill("officer_phon")
    page.get_by_label("รหัสผ่าน").fill(TEST_PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    page.wait_for_url(f"**/field/visit/{household.pk}/")
    # The report is submitted while the officer is in the village.
    DistrictReport.objects.create(district_id="4012", fiscal_year=2569, status="submitted")
    page.get_by_label("วันที่ติดตาม").fill("15/09/2569")
    page.get_by_label("รายได้จากอาชีพเดือนนี้ (บาท)").fill("3500")
    page.get_by_role("button", name="บันทึกการติดตาม").click()

    refused = page.locator("#outbox-items li.state-refused")
    expect(refused).to_contain_text("ส่งไม่ได้: ")
    expect(refused).to_contain_text("สำนักงานพัฒนาชุมชนจังหวัด")
    expect(page.locator("#outbox-count")).to_have_text("รอส่ง 0 รายการ")
    expect(page.locator("#outbox-status")).to_contain_text("ส่งไม่ได้ 1 รายการ")
    assert not FollowUp.objects.exists()
    screenshot(page, "field-outbox-refused-390")

    page.reload()  # still kept: it lives in IndexedDB, not on the page
    expect(refused).to_have_count(1)
    refused.get_by_role("button", name="ทิ้งรายการนี้").click()
    expect(page.locator("#outbox-items li")).to_have_count(0)
    page.reload()
    page.wait_for_load_state("networkidle")
    expect(page.locator("#outbox-items li")).to_have_count(0)
    assert not FollowUp.objects.exists()
