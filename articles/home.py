"""The articles' panel on the admin home (``sammachip.admin_site.register_home_panel``, wired in
``ArticlesConfig.ready``): for a reviewer (``articles.publish_article``, provincial staff), the
number of articles waiting for review — drafts submitted and published articles with a pending
revision — linked to the article list filtered to exactly those (``admin.ReviewFilter``). One
query."""

from django.template.loader import render_to_string
from django.urls import reverse

from articles import services
from articles.models import Article

# The article list filtered to what waits for review (``articles.admin.ReviewFilter``).
WAITING_QUERY = "review=waiting"


def review_panel(request):
    """The panel's HTML, or '' for a user who does not review articles."""
    user = request.user
    if not services.can_publish(user) or not user.has_perm("articles.view_article"):
        return ""
    count = Article.objects.for_user(user).waiting_for_review().count()
    url = f"{reverse('admin:articles_article_changelist')}?{WAITING_QUERY}"
    return render_to_string(
        "admin/articles/review_panel.html", {"count": count, "url": url}, request=request
    )
