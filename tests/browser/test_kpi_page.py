"""The KPI page (ตัวชี้วัด) as an officer sees it, on a desktop and a phone: the trend charts are
drawn (they once rendered with no width, a blank area above their table) and no table widens
the page on a phone (the wide ones scroll inside it)."""

import io

import pytest
from django.core.management import call_command

from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import TEST_PASSWORD, make_user, make_village
from tests.programs.factories import make_household

pytestmark = pytest.mark.django_db(transaction=True)

PAGE = "/admin/programs/household/progress/?fiscal_year=2568"


def test_the_trend_charts_are_drawn_and_a_phone_scrolls_only_the_tables(
    live_server, new_page, screenshot
):
    call_command("load_geography", province=["40"], stdout=io.StringIO())
    village = make_village(subdistrict="401207", moo=11, name_th="บ้านเพ็กใหญ่สาธิต")
    for year in (2567, 2568):
        for status in ("practising", "practising", "trained"):
            make_household(
                village=village,
                fiscal_year=year,
                status=status,
                income_before=1000,
                income_after=1100,
            )
    make_user(username="officer_phon", role="district", districts=["4012"])

    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = new_page(viewport)
        page.goto(live_server.url + "/admin/login/")
        page.get_by_label("ชื่อผู้ใช้").fill("officer_phon")
        page.get_by_label("รหัสผ่าน").fill(TEST_PASSWORD)
        page.get_by_role("button", name="เข้าสู่ระบบ").click()
        page.goto(live_server.url + PAGE)
        charts = page.locator("svg.kpi-trend")
        assert charts.count() == 3
        for n in range(3):
            box = charts.nth(n).bounding_box()
            assert box["width"] > 200, (name, box)
            assert box["height"] > 80, (name, box)
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        screenshot(page, f"kpi-page-{name}")
