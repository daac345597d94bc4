"""Server-rendered SVG charts: accessible, escaped, legible colours."""

import re
from decimal import Decimal
from xml.etree import ElementTree

from sammachip.portal import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg):
    return ElementTree.fromstring(str(svg))


def test_a_chart_is_an_accessible_scalable_image():
    svg = charts.simple_bars(chart_id="c1", title="ผลิตภัณฑ์", rows=[("อาหาร", 3)], unit="รายการ")
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title c1-desc"
    assert re.fullmatch(r"0 0 \d+ [\d.]+", root.get("viewBox"))
    assert root.find(f"{SVG}title").text == "ผลิตภัณฑ์"
    assert root.find(f"{SVG}desc").text == "อาหาร: 3 รายการ"
    assert root.get("style") is None
    assert root.get("width") is None  # it takes the width of its column


def test_text_is_escaped():
    svg = charts.stacked_bars(
        chart_id="c2",
        title='<script>alert("x")</script>',
        series=[("practising", "ประกอบอาชีพ")],
        unit="ครัวเรือน",
        rows=[{"label": "<b>อ.พล</b> & co", "values": {"practising": 20}, "total": "20"}],
    )
    assert "<script>" not in str(svg)
    assert "<b>" not in str(svg)
    root = parse(svg)  # well-formed XML
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert "<b>อ.พล</b> & co" in labels


def test_hidden_values_are_never_drawn_or_said():
    svg = charts.stacked_bars(
        chart_id="c3",
        title="สถานะ",
        series=[("practising", "ประกอบอาชีพ"), ("dropped", "เลิก")],
        unit="ครัวเรือน",
        hidden_label="ไม่เปิดเผย",
        rows=[{"label": "พล", "values": {"practising": 30, "dropped": None}, "total": "*"}],
    )
    root = parse(svg)
    assert root.find(f"{SVG}desc").text == "พล: ประกอบอาชีพ 30, เลิก ไม่เปิดเผย; รวม * ครัวเรือน"
    tooltips = [t.text for t in root.iter(f"{SVG}title")][1:]
    assert tooltips == ["ประกอบอาชีพ: 30"]


def test_share_bars_mark_the_target_and_unpublished_rows():
    svg = charts.share_bars(
        chart_id="c4",
        title="ประกอบอาชีพ",
        target=Decimal("0.85"),
        target_label="เป้าหมาย 85%",
        rows=[
            {"label": "พล", "value": Decimal("0.9"), "text": "90.0%", "note": ""},
            {"label": "ชุมแพ", "value": Decimal("0.5"), "text": "50.0%", "note": ""},
            {"label": "เมือง", "value": None, "text": "—", "note": "ข้อมูลน้อยเกินไป"},
        ],
    )
    desc = parse(svg).find(f"{SVG}desc").text
    assert desc == (
        "เป้าหมาย 85%. พล: 90.0% (ถึงเป้าหมาย) · ชุมแพ: 50.0% (ต่ำกว่าเป้าหมาย) · เมือง: ข้อมูลน้อยเกินไป"
    )
    assert str(svg).count('stroke-dasharray="4 3"') == 3  # the target line crosses each bar


def test_a_value_just_short_of_the_target_keeps_its_label_clear_of_the_line():
    svg = charts.share_bars(
        chart_id="c6",
        title="ประกอบอาชีพ",
        target=Decimal("0.85"),
        target_label="เป้าหมาย 85%",
        rows=[
            {"label": "พล", "value": Decimal("0.715"), "text": "71.5%", "note": ""},
            {"label": "ชุมแพ", "value": Decimal("0.3"), "text": "30.0%", "note": ""},
        ],
    )
    tree = parse(svg)
    line_x = float(tree.findall(f".//{SVG}line")[-1].get("x1"))
    labels = {t.text: float(t.get("x")) for t in tree.iter(f"{SVG}text")}
    assert labels["71.5%"] > line_x  # moved past the dashed line, not under it
    assert labels["30.0%"] + len("30.0%") * charts.FONT * 0.6 < line_x  # far short: stays


def test_negative_changes_get_a_zero_line():
    svg = charts.share_bars(
        chart_id="c5",
        title="รายได้",
        target=Decimal("0.03"),
        target_label="เป้าหมาย +3%",
        domain=(Decimal(0), Decimal("0.1")),
        rows=[{"label": "พล", "value": Decimal("-0.04"), "text": "-4.0%", "note": ""}],
    )
    rect = parse(svg).find(f"{SVG}rect")
    assert float(rect.get("x")) == 0.0
    assert float(rect.get("width")) > 0


def test_colours_meet_wcag_aa_against_white():
    for name, colour in charts.PALETTE.items():
        # Bars carry white value labels, so each colour needs 4.5:1 with white (text contrast),
        # which also gives the bars more than the 3:1 non-text contrast with the page.
        assert charts.contrast_ratio(colour) >= 4.5, name


def test_the_contrast_formula():
    assert round(charts.contrast_ratio("#000000"), 1) == 21.0
    assert round(charts.contrast_ratio("#777777"), 2) == 4.48


# The text/background pairs of static/css/site.css and charts.css (see the comment there).
SITE_PAIRS = [
    ("#1f1f1f", "#ffffff"),  # body text
    ("#595959", "#ffffff"),  # muted text, placeholders
    ("#1d5e3a", "#ffffff"),  # links
    ("#1d5e3a", "#f3f5f4"),  # footer links
    ("#ffffff", "#1d5e3a"),  # navbar, hero, buttons
    ("#f3c96b", "#1d5e3a"),  # hero kicker, focus ring on green
    ("#143f27", "#f3c96b"),  # search button
    ("#143f27", "#eef5f0"),  # figures, chips, skills
    ("#595959", "#eef5f0"),  # figure targets
    ("#595959", "#fdf3e8"),  # figure below target
    ("#7a5a00", "#ffffff"),  # categories, stars
    ("#4d3800", "#fff8e1"),  # fiscal-year note
    ("#143f27", "#e3efe7"),  # stage done
    ("#4a4a4a", "#f1f1f1"),  # stage to do
    ("#3d3d3d", "#ffffff"),  # chart intro
]


def test_site_colours_meet_wcag_aa():
    for foreground, background in SITE_PAIRS:
        assert charts.contrast_ratio(foreground, background) >= 4.5, (foreground, background)
    # The focus ring: near-black on white, gold on green (3:1 for non-text).
    assert charts.contrast_ratio("#1f1f1f", "#ffffff") >= 3
    assert charts.contrast_ratio("#f3c96b", "#143f27") >= 3
