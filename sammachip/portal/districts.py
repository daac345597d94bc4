"""Public district pages: the districts of the configured province and, for each, its programme
figures (``programs.public_stats``: aggregates only), its villages in the programme by fiscal year,
and its articles and OTOP products."""

from django.db.models import Count, F, Q
from django.utils.decorators import method_decorator
from django.views.generic import DetailView, TemplateView

from articles.models import Article
from programs import kpis, public_stats
from programs.models import Household, Product
from sammachip.cache import cache_public_page
from villages.models import District, Village

DISTRICT_ARTICLES = 6
DISTRICT_PRODUCTS = 12


@method_decorator(cache_public_page, name="dispatch")
class DistrictListView(TemplateView):
    template_name = "villages/district_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        figures = public_stats.programme_figures(fiscal_year=public_stats.default_fiscal_year())
        districts = list(District.objects.in_province().select_related("province").order_by("code"))
        context.update(
            figures=figures,
            province=districts[0].province if districts else None,
            rows=[(district, figures.district(district.code)) for district in districts],
        )
        return context


@method_decorator(cache_public_page, name="dispatch")
class DistrictDetailView(DetailView):
    template_name = "villages/district_detail.html"
    context_object_name = "district"
    slug_field = "code"
    slug_url_kwarg = "code"

    def get_queryset(self):
        return District.objects.in_province().select_related("province")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        district = self.object
        rows = list(
            Household.objects.filter(district=district)
            .values("fiscal_year")
            .annotate(villages=Count("village", distinct=True), households=Count("id"))
            .order_by("-fiscal_year")
        )
        years = {row["fiscal_year"]: row["villages"] for row in rows}
        default = public_stats.default_fiscal_year(
            {row["fiscal_year"]: row["households"] for row in rows}
        )
        fiscal_year = public_stats.parse_fiscal_year(self.request.GET.get("fiscal_year"), default)
        figures = public_stats.programme_figures(fiscal_year=fiscal_year)
        villages = list(
            Village.objects.filter(
                Q(households__fiscal_year=fiscal_year) | Q(teams__fiscal_year=fiscal_year),
                district=district,
            )
            .select_related("subdistrict")
            .distinct()
            .order_by("code")
        )
        context.update(
            fiscal_year=fiscal_year,
            years=sorted(years.items(), reverse=True),
            figures=figures,
            row=figures.district(district.code),
            progress=kpis.village_progress(fiscal_year=fiscal_year, villages=villages),
            articles=list(
                Article.objects.published()
                .for_listing()
                .filter(district=district)
                .order_by("-published_at", "-id")[:DISTRICT_ARTICLES]
            ),
            products=list(
                Product.objects.filter(district=district)
                .select_related("village__subdistrict", "district", "group")
                .order_by(F("stars").desc(nulls_last=True), "name", "pk")[:DISTRICT_PRODUCTS]
            ),
            product_count=Product.objects.filter(district=district).count(),
        )
        return context
