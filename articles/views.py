"""Public article pages: the list (filters, Thai search, pagination), the canonical detail page,
robots.txt.

The public sees published articles only (``Article.objects.published()``), anything else is 404.
Staff who may edit an article preview it at its public URL, never cached. Anonymous visitors get
the shared page cache (``sammachip.cache.cache_public_page``); searches are counted against the
client's rate limit before the cache is asked, so a cached result page is counted too.
"""

from functools import wraps

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.views.generic import DetailView, ListView

from articles.models import Article, Category
from articles.search.query import (
    MAX_QUERY_CHARS,
    RankedPaginator,
    articles_in_order,
    parse_query,
    ranked_ids,
)
from articles.search.snippets import highlight, snippet
from articles.search.suggest import suggestion
from sammachip.cache import cache_public_page, cached_for_content
from sammachip.ratelimit import client_allowed
from sammachip.scoping import user_can_access
from villages.models import District

RELATED_COUNT = 3
SHARE_DEFAULT = "img/share-default.png"
SHARE_DEFAULT_SIZE = (1200, 630)


LIST_TEMPLATE = "articles/article_list.html"


def limit_searches(view):
    """A Thai 429 page (``Retry-After: 60``) once a client has searched more than
    ``SAMMACHIP_SEARCH_RATE_LIMIT`` times this minute (``sammachip.ratelimit.client_allowed``);
    other requests pass untouched."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        query = request.search_query = parse_query(request.GET.get("q", ""))
        if query and not client_allowed(
            request, "search", limit=settings.SAMMACHIP_SEARCH_RATE_LIMIT, window=60
        ):
            response = render(
                request, LIST_TEMPLATE, {"rate_limited": True, "query": query}, status=429
            )
            response["Retry-After"] = "60"
            return response
        return view(request, *args, **kwargs)

    return wrapped


def filter_menus():
    """The category and district menus of the list: two small tables that change rarely, read
    once per public content version (``sammachip.cache.cached_for_content``)."""
    return {
        "categories": list(Category.objects.all()),
        "districts": list(District.objects.in_province().order_by("code")),
    }


@method_decorator([limit_searches, cache_public_page], name="dispatch")
class ArticleListView(ListView):
    """Published articles, newest first; ``?category=`` and ``?district=`` filter, ``?q=``
    searches (``articles.search``: ranked title first, snippets, rate-limited per client)."""

    template_name = LIST_TEMPLATE
    context_object_name = "articles"
    paginate_by = 12

    def get(self, request, *args, **kwargs):
        self.query = getattr(request, "search_query", None)  # parsed by limit_searches
        if self.query is None:
            self.query = parse_query(request.GET.get("q", ""))
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        menus = cached_for_content("article-filter-menus", filter_menus)
        self.categories = menus["categories"]
        self.districts = menus["districts"]
        slug = self.request.GET.get("category", "")
        code = self.request.GET.get("district", "")
        self.category = next((c for c in self.categories if c.slug == slug), None)
        self.district = next((d for d in self.districts if d.code == code), None)
        if self.query:  # the index answers: ranked article ids
            return ranked_ids(self.query, category=self.category, district=self.district)
        articles = Article.objects.published().for_listing()
        if self.category is not None:
            articles = articles.filter(category=self.category)
        if self.district is not None:
            articles = articles.filter(district=self.district)
        return articles.order_by("-published_at", "-id")

    def get_paginator(self, queryset, per_page, **kwargs):
        if self.query:  # counts in the same query as the page
            return RankedPaginator(queryset, per_page, **kwargs)
        return super().get_paginator(queryset, per_page, **kwargs)

    def paginate_queryset(self, queryset, page_size):
        paginator, page, object_list, is_paginated = super().paginate_queryset(queryset, page_size)
        if self.query:  # a page of ranked ids → its articles
            page.object_list = object_list = articles_in_order(
                object_list, categories=self.categories, districts=self.districts
            )
        return paginator, page, object_list, is_paginated

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = {}
        if self.query:
            query["q"] = self.query.text
        if self.category:
            query["category"] = self.category.slug
        if self.district:
            query["district"] = self.district.code
        if self.query:  # highlighted title and snippet, built from the normalised text
            for article in context["object_list"]:
                article.search_title = highlight(article.title, self.query)
                article.search_snippet = snippet(article, self.query)
        if self.query and not context["paginator"].count:  # "did you mean", from the index
            context["suggestion"] = suggestion(
                self.query, category=self.category, district=self.district
            )
        context.update(
            categories=self.categories,
            districts=self.districts,
            category=self.category,
            district=self.district,
            filter_query=query,
            query=self.query,
            max_query_length=MAX_QUERY_CHARS,
        )
        return context


def absolute(request, url):
    return request.build_absolute_uri(url)


@method_decorator(cache_public_page, name="dispatch")
class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"
    preview = False

    def get_object(self, queryset=None):
        article = get_object_or_404(Article.objects.for_detail(), pk=self.kwargs["pk"])
        if article.is_public:
            return article
        if self.may_preview(article):
            self.preview = True
            return article
        raise Http404

    def may_preview(self, article):
        user = self.request.user
        return (
            user.is_authenticated
            and user.is_staff
            and user.has_perm("articles.view_article")
            and user_can_access(user, article)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        related = list(
            Article.objects.published()
            .for_listing()
            .filter(category=article.category_id)
            .exclude(pk=article.pk)
            .order_by("-published_at", "-id")[:RELATED_COUNT]
        )
        cover = article.cover
        share = cover.share if cover else None
        if share:
            share_image = {**share, "url": absolute(self.request, share["url"])}
            share_alt = cover.alt_text
        else:
            width, height = SHARE_DEFAULT_SIZE
            share_image = {
                "url": absolute(self.request, static(SHARE_DEFAULT)),
                "width": width,
                "height": height,
            }
            share_alt = settings.SAMMACHIP_SITE_NAME
        canonical = absolute(self.request, article.get_absolute_url())
        context.update(
            preview=self.preview,
            sections=article.sections(),
            gallery=article.ordered_images,
            related=related,
            canonical_url=canonical,
            share_image=share_image,
            share_alt=share_alt,
            description=article.summary(160),
            json_ld=self.json_ld(article, canonical, share_image),
        )
        return context

    def json_ld(self, article, canonical, share_image):
        data = {
            "@context": "https://schema.org",
            "@type": "Article",
            "headline": article.title,
            "description": article.summary(300),
            "inLanguage": "th",
            "mainEntityOfPage": canonical,
            "url": canonical,
            "image": [share_image["url"]],
            "articleSection": article.category.name,
            "publisher": {"@type": "Organization", "name": settings.SAMMACHIP_OFFICE_NAME},
        }
        if article.author_name:
            data["author"] = {"@type": "Person", "name": article.author_name}
            if article.author_position:
                data["author"]["jobTitle"] = article.author_position
        if article.published_at:
            data["datePublished"] = article.published_at.isoformat()
        data["dateModified"] = article.updated_at.isoformat()
        return data

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if self.preview:
            add_never_cache_headers(response)
            response["X-Robots-Tag"] = "noindex"
        return response


def robots_txt(request):
    """Keeps crawlers out of the admin at its default path only: an admin moved elsewhere
    (``DJANGO_ADMIN_URL``) is not named on any public page, this one included."""
    lines = ["User-agent: *"]
    if settings.SAMMACHIP_ADMIN_URL == "admin/":
        lines.append("Disallow: /admin/")
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
