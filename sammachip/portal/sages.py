"""Public pages of the programme: the directory of community sages (ปราชญ์ชุมชน), each with the
articles written with them.

Only sages marked ``is_public`` in the configured province appear, with what the model says may be
public (name, village, expertise, bio, photo); the phone only with ``phone_public``; the citizen
ID never. Anything else is 404.

``?q=`` finds sages by name: the query and the names are normalised as the article search does
(``articles.search.normalise``: Thai spelling, lower case), and every word of the query must occur
in the sage's prefix, given name or surname. The names searched are the public sages' only, read
once per public content version.
"""

from django.db.models import Prefetch
from django.utils.decorators import method_decorator
from django.views.generic import DetailView, ListView

from articles.models import Article
from articles.search import normalise
from programs.models import Occupation, Sage
from sammachip.cache import cache_public_page, cached_for_content
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


MAX_NAME_QUERY = 60  # characters of ``?q=`` used: longer than any name


def public_sage_names():
    """``{pk: normalised "prefix+given surname"}`` of the public sages (one query per content
    version)."""

    def compute():
        rows = (
            Sage.objects.public()
            .in_districts(District.objects.in_province())
            .values_list("pk", "prefix", "first_name", "last_name")
        )
        return {pk: normalise(f"{prefix}{first} {last}") for pk, prefix, first, last in rows}

    return cached_for_content("public-sage-names", compute)


def sages_named(query):
    """Primary keys of the public sages whose name holds every word of ``query``."""
    terms = normalise(query[:MAX_NAME_QUERY]).split()
    if not terms:
        return None
    return [pk for pk, name in public_sage_names().items() if all(t in name for t in terms)]


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
        self.query = " ".join(self.request.GET.get("q", "")[:MAX_NAME_QUERY].split())
        sages = public_sages()
        named = sages_named(self.query)
        if named is not None:
            sages = sages.filter(pk__in=named)
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
            query=self.query,
            filtered=self.district is not None or self.occupation is not None or self.query,
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
