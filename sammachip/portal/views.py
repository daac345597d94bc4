"""Public pages of the portal: home, programme statistics (SVG charts and CSV), about, privacy.

Every public page is cached for anonymous visitors (``sammachip.cache``) and runs a fixed number of
queries whatever the data size. Programme figures come from ``programs.public_stats`` only
(aggregates, small cells suppressed).
"""

import csv
import io
from decimal import Decimal

from django.conf import settings
from django.db.models import F
from django.http import HttpResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from programs import public_stats
from programs.models import Household, Product
from sammachip import thaidate
from sammachip.cache import cache_public_page
from sammachip.portal import charts
from sammachip.spreadsheet import spreadsheet_safe
from sammachip.templatetags.numbers import percent
from villages.models import District, Province

FEATURED_PRODUCTS = 6


def featured_products(queryset, count):
    return list(
        queryset.select_related("village__subdistrict", "district", "group").order_by(
            F("stars").desc(nulls_last=True), "name", "pk"
        )[:count]
    )


@method_decorator(cache_public_page, name="dispatch")
class HomeView(TemplateView):
    template_name = "sammachip/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        current = thaidate.current_fiscal_year()
        counts = public_stats.fiscal_year_households()
        default = public_stats.default_fiscal_year(counts)
        # Only a year with data (or the default) is honoured: other values show the default.
        chosen = public_stats.parse_fiscal_year(self.request.GET.get("fiscal_year"), default)
        fiscal_year = chosen if chosen in counts else default
        districts = District.objects.in_province()
        context.update(
            province=Province.objects.filter(code=settings.SAMMACHIP_PROVINCE_CODE).first(),
            districts=districts.order_by("code"),
            products=featured_products(
                Product.objects.filter(is_featured=True).in_districts(districts),
                FEATURED_PRODUCTS,
            ),
            figures=public_stats.programme_figures(fiscal_year=fiscal_year),
            current_fiscal_year=current,
            default_fiscal_year=default,
            year_households=counts,
            newer_years=[(y, n) for y, n in counts.items() if default < y <= current],
            years=sorted({*counts, default}, reverse=True),
            substantial_percent=int(public_stats.SUBSTANTIAL_SHARE * 100),
        )
        return context


STATUS_SERIES = [(status.value, status.label) for status in Household.Status]
HIDDEN_LABEL = gettext_lazy("ไม่เปิดเผยรายกลุ่ม (กลุ่มที่น้อยกว่า 5 ครัวเรือน)")


def stats_charts(figures):
    """The charts of ``/stats/``: ``[{id, heading, intro, svg, legend, table}]``, every one
    with a data table (``caption``, ``head``, ``rows`` of cells, first cell a row header)."""
    rows = figures.districts
    not_published = _("ข้อมูลน้อยเกินไปที่จะเผยแพร่")
    households = charts.stacked_bars(
        chart_id="chart-households",
        title=_("ครัวเรือนเป้าหมายตามสถานะ รายอำเภอ ปีงบประมาณ %(year)s")
        % {"year": figures.fiscal_year},
        series=[(key, str(label)) for key, label in STATUS_SERIES],
        unit=_("ครัวเรือน"),
        hidden_label=str(HIDDEN_LABEL),
        rows=[
            {
                "label": row.name,
                "values": {key: cell.public_value for key, cell in row.statuses.items()},
                "hidden": row.hidden_total,
                "total": str(row.total),
            }
            for row in rows
        ],
    )
    status_table = {
        "caption": _("จำนวนครัวเรือนตามสถานะ"),
        "head": [_("อำเภอ"), *[label for _key, label in STATUS_SERIES], _("รวม")],
        "rows": [
            [row.name, *[str(cell) for _s, cell in row.status_cells], str(row.total)]
            for row in [*rows, figures.province]
        ],
    }

    def share_rows(attribute, signed=False):
        return [
            {
                "label": row.name,
                "value": getattr(row, attribute),
                "text": percent(getattr(row, attribute), "signed" if signed else False),
                "note": not_published,
            }
            for row in rows
        ]

    def verdict(value, met):
        if value is None:
            return not_published
        return _("ถึงเป้าหมาย") if met else _("ต่ำกว่าเป้าหมาย")

    # The year's own targets (programs.parameters), as provincial staff set them.
    goal, goal_text = figures.targets, figures.target_text
    practising = charts.share_bars(
        chart_id="chart-practising",
        title=_("สัดส่วนครัวเรือนที่ประกอบอาชีพ เทียบเป้าหมาย %(target)s")
        % {"target": goal_text["practising"]},
        rows=share_rows("practising_share"),
        target=goal["practising"],
        target_label=_("เป้าหมาย %(target)s") % {"target": goal_text["practising"]},
    )
    income = charts.share_bars(
        chart_id="chart-income",
        title=_("รายได้จากอาชีพที่เปลี่ยนแปลง เทียบเป้าหมาย %(target)s") % {"target": goal_text["income"]},
        rows=share_rows("income_change", signed=True),
        target=goal["income"],
        target_label=_("เป้าหมาย %(target)s") % {"target": goal_text["income"]},
        domain=(Decimal("0"), max(Decimal("0.10"), goal["income"] * 2)),
    )
    groups = charts.share_bars(
        chart_id="chart-groups",
        title=_("หมู่บ้านที่มีกลุ่มอาชีพ เทียบเป้าหมาย %(target)s") % {"target": goal_text["groups"]},
        rows=share_rows("group_share"),
        target=goal["groups"],
        target_label=_("เป้าหมาย %(target)s") % {"target": goal_text["groups"]},
    )
    products_by_category = charts.simple_bars(
        chart_id="chart-products-category",
        title=_("ผลิตภัณฑ์ OTOP ตามประเภท"),
        rows=figures.products_by_category,
        unit=_("รายการ"),
    )
    products_by_stars = charts.simple_bars(
        chart_id="chart-products-stars",
        title=_("ผลิตภัณฑ์ OTOP ตามระดับดาว"),
        rows=figures.products_by_stars,
        unit=_("รายการ"),
        colour="stars",
    )
    kpi_legend = charts.legend(
        [("met", _("ถึงเป้าหมาย")), ("unmet", _("ต่ำกว่าเป้าหมาย"))], legend_id="legend-kpi"
    )
    everyone = [*rows, figures.province]
    return [
        {
            "id": "households",
            "heading": _("ครัวเรือนเป้าหมายตามสถานะ"),
            "intro": _(
                "แต่ละแถบคือหนึ่งอำเภอ แบ่งตามสถานะของครัวเรือน: เป้าหมาย (ยังไม่ได้อบรม) "
                "ฝึกอบรมแล้ว ประกอบอาชีพ รวมกลุ่มอาชีพ และเลิกประกอบอาชีพ"
            ),
            "svg": households,
            "legend": charts.legend(
                [(key, str(label)) for key, label in STATUS_SERIES],
                hidden_label=str(HIDDEN_LABEL),
                legend_id="legend-households",
            ),
            "table": status_table,
            "note": _("“*” แทนจำนวนที่ไม่เปิดเผย เพื่อไม่ให้คำนวณย้อนหาจำนวนที่น้อยกว่า 5 ครัวเรือนได้"),
        },
        {
            "id": "practising",
            "heading": _("ครัวเรือนที่ประกอบอาชีพ"),
            "intro": _(
                "ครัวเรือนที่ประกอบอาชีพหรือรวมกลุ่มแล้ว เทียบกับครัวเรือนที่ผ่านการฝึกอบรมทั้งหมด "
                "เป้าหมายของกรมไม่น้อยกว่า %(target)s"
            )
            % {"target": goal_text["practising"]},
            "svg": practising,
            "legend": kpi_legend,
            "table": {
                "caption": _("สัดส่วนครัวเรือนที่ประกอบอาชีพ"),
                "head": [_("อำเภอ"), _("ฝึกอบรมแล้ว"), _("ประกอบอาชีพ"), _("สัดส่วน"), _("ผล")],
                "rows": [
                    [
                        row.name,
                        "—" if row.trained is None else f"{row.trained:,}",
                        "—" if row.practising is None else f"{row.practising:,}",
                        percent(row.practising_share),
                        verdict(row.practising_share, row.practising_met),
                    ]
                    for row in everyone
                ],
            },
        },
        {
            "id": "income",
            "heading": _("รายได้จากอาชีพ"),
            "intro": _(
                "รายได้เฉลี่ยต่อเดือนจากอาชีพเมื่อประเมินสิ้นปี เทียบกับก่อนเข้าร่วมโครงการ "
                "เฉพาะครัวเรือนที่บันทึกรายได้ทั้งสองครั้ง เป้าหมายเพิ่มขึ้นไม่น้อยกว่า %(target)s"
            )
            % {"target": goal_text["income"].lstrip("+")},
            "svg": income,
            "legend": kpi_legend,
            "table": {
                "caption": _("รายได้จากอาชีพที่เปลี่ยนแปลง"),
                "head": [_("อำเภอ"), _("เปลี่ยนแปลง"), _("ผล")],
                "rows": [
                    [
                        row.name,
                        percent(row.income_change, "signed"),
                        verdict(row.income_change, row.income_met),
                    ]
                    for row in everyone
                ],
            },
        },
        {
            "id": "groups",
            "heading": _("หมู่บ้านที่มีกลุ่มอาชีพ"),
            "intro": _(
                "หมู่บ้านที่มีครัวเรือนรวมกลุ่มอาชีพอย่างน้อยหนึ่งกลุ่ม เทียบกับหมู่บ้านเป้าหมาย "
                "เป้าหมายไม่น้อยกว่า %(target)s"
            )
            % {"target": goal_text["groups"]},
            "svg": groups,
            "legend": kpi_legend,
            "table": {
                "caption": _("หมู่บ้านที่มีกลุ่มอาชีพ"),
                "head": [_("อำเภอ"), _("หมู่บ้านเป้าหมาย"), _("มีกลุ่มอาชีพ"), _("สัดส่วน"), _("ผล")],
                "rows": [
                    [
                        row.name,
                        f"{row.villages:,}",
                        f"{row.grouped_villages:,}",
                        percent(row.group_share),
                        verdict(row.group_share, row.groups_met),
                    ]
                    for row in everyone
                ],
            },
        },
        {
            "id": "products-category",
            "heading": _("ผลิตภัณฑ์ OTOP ตามประเภท"),
            "intro": _("ผลิตภัณฑ์ของหมู่บ้านในโครงการปีนี้ ตามประเภทผลิตภัณฑ์ OTOP 5 ประเภท"),
            "svg": products_by_category,
            "legend": "",
            "table": {
                "caption": _("ผลิตภัณฑ์ OTOP ตามประเภท"),
                "head": [_("ประเภท"), _("จำนวน (รายการ)")],
                "rows": [[label, f"{n:,}"] for label, n in figures.products_by_category],
            },
        },
        {
            "id": "products-stars",
            "heading": _("ผลิตภัณฑ์ OTOP ตามระดับดาว"),
            "intro": _("ระดับดาวจากการคัดสรรสุดยอดหนึ่งตำบลหนึ่งผลิตภัณฑ์ (OTOP Product Champion)"),
            "svg": products_by_stars,
            "legend": "",
            "table": {
                "caption": _("ผลิตภัณฑ์ OTOP ตามระดับดาว"),
                "head": [_("ระดับดาว"), _("จำนวน (รายการ)")],
                "rows": [[label, f"{n:,}"] for label, n in figures.products_by_stars],
            },
        },
    ]


def chosen_fiscal_year(request):
    default = public_stats.default_fiscal_year()
    return public_stats.parse_fiscal_year(request.GET.get("fiscal_year"), default)


@method_decorator(cache_public_page, name="dispatch")
class StatsView(TemplateView):
    template_name = "sammachip/stats.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        years = public_stats.fiscal_years()
        fiscal_year = chosen_fiscal_year(self.request)
        figures = public_stats.programme_figures(fiscal_year=fiscal_year)
        context.update(
            years=sorted({*years, fiscal_year}, reverse=True),
            fiscal_year=fiscal_year,
            figures=figures,
            charts=stats_charts(figures) if figures.has_data else [],
            small_cell=public_stats.SMALL_CELL,
        )
        return context


def _csv_percent(value):
    return "" if value is None else f"{value * 100:.1f}"


@cache_public_page
def stats_csv(request):
    """``/stats/csv?fiscal_year=2568``: the aggregates of ``/stats/``, UTF-8 with a BOM (Excel)."""
    fiscal_year = chosen_fiscal_year(request)
    figures = public_stats.programme_figures(fiscal_year=fiscal_year)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            _("ปีงบประมาณ"),
            _("รหัสอำเภอ"),
            _("อำเภอ"),
            *[label for _key, label in STATUS_SERIES],
            _("ครัวเรือนทั้งหมด"),
            _("ฝึกอบรมแล้วขึ้นไป"),
            _("สัดส่วนประกอบอาชีพ (%)"),
            _("รายได้จากอาชีพเปลี่ยนแปลง (%)"),
            _("หมู่บ้านเป้าหมาย"),
            _("หมู่บ้านมีกลุ่มอาชีพ"),
            _("สัดส่วนหมู่บ้านมีกลุ่มอาชีพ (%)"),
        ]
    )
    for row in [*figures.districts, figures.province]:
        writer.writerow(
            [
                fiscal_year,
                row.code or "",
                spreadsheet_safe(str(row.name)),
                *[str(cell) for _s, cell in row.status_cells],
                str(row.total),
                "" if row.trained is None else row.trained,
                _csv_percent(row.practising_share),
                _csv_percent(row.income_change),
                row.villages,
                row.grouped_villages,
                _csv_percent(row.group_share),
            ]
        )
    writer.writerow([])
    writer.writerow([_("ปีงบประมาณ"), _("ผลิตภัณฑ์ OTOP"), _("จำนวน (รายการ)")])
    for label, count in [*figures.products_by_category, *figures.products_by_stars]:
        writer.writerow([fiscal_year, spreadsheet_safe(str(label)), count])
    writer.writerow([])
    writer.writerow(
        [
            _(
                "<5 = น้อยกว่า 5 ครัวเรือน; * = ไม่เปิดเผยเพื่อไม่ให้คำนวณย้อนหาตัวเลขที่น้อยกว่า 5 ได้ "
                "(ดูหลักเกณฑ์ที่หน้าสถิติ)"
            )
        ]
    )
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    filename = f"sammachip-stats-{settings.SAMMACHIP_PROVINCE_CODE}-{fiscal_year}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@method_decorator(cache_public_page, name="dispatch")
class AboutView(TemplateView):
    template_name = "sammachip/about.html"


@method_decorator(cache_public_page, name="dispatch")
class PrivacyView(TemplateView):
    template_name = "sammachip/privacy.html"
