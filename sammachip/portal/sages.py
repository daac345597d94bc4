"""Public pages of the programme: the directory of community sages (ปราชญ์ชุมชน), each with the
articles written with them.

Only sages marked ``is_public`` in the configured province appear, with what the model says may be
public (name, village, expertise, bio, photo); the phone only with ``phone_public``; the citizen
ID never. Anything else is 404.
"""

from django.db.models import Prefetch
from django.utils.decorators import method_decorator
from django.views.generic import DetailView, ListView

from articles.models import Article
from programs.models import Occupation, Sage
from sammachip.cache import cache_public_page
from villages.models import District

SAGE_ARTICLES = 12


def public_sages():
    """Public sages of the configured province, with what a card or page shows."""
    return (
        Sage.objects.public()
        .in_districts(District.objects.in_province())
        .for_listing()
        .select_related("village__subdistrict")
        .prefetch_related(
            Prefetch("expertise", queryset=Occupation.objects.order_by("name"), to_attr="skills")
        )
    )


@method_decorator(cache_public_page, name="dispatch")
class SageListView(ListView):
    template_name = "programs/sage_list.html"
    context_object_name = "sages"
    paginate_by = 12

    def get_queryset(self):
        districts = District.objects.in_province()
        self.districts = list(districts.order_by("code"))
        self.occupations = list(
            Occupation.objects.filter(sages__is_public=True, sages__district__in=districts)
            .distinct()
            .order_by("name")
        )
        district = self.request.GET.get("district", "")
        occupation = self.request.GET.get("occupation", "")
        self.district = next((d for d in self.districts if d.code == district), None)
        self.occupation = next((o for o in self.occupations if str(o.pk) == occupation), None)
        sages = public_sages()
        if self.district is not None:
            sages = sages.filter(district=self.district)
        if self.occupation is not None:
            sages = sages.filter(expertise=self.occupation)
        return sages.order_by("first_name", "last_name", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            districts=self.districts,
            occupations=self.occupations,
            district=self.district,
            occupation=self.occupation,
            filtered=self.district is not None or self.occupation is not None,
        )
        return context


@method_decorator(cache_public_page, name="dispatch")
class SageDetailView(DetailView):
    template_name = "programs/sage_detail.html"
    context_object_name = "sage"

    def get_queryset(self):
        return public_sages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sage = self.object
        context.update(
            teams=list(
                sage.teams.select_related("village__subdistrict", "occupation").order_by(
                    "-fiscal_year", "village__code"
                )
            ),
            articles=list(
                Article.objects.published()
                .for_listing()
                .filter(sage=sage)
                .order_by("-published_at", "-id")[:SAGE_ARTICLES]
            ),
        )
        return context
