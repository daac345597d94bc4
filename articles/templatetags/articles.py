"""Template helpers of the article pages: ``{% load articles %}``."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import _json_script_escapes
from django.utils.safestring import mark_safe

from articles import text
from articles.models import Article

register = template.Library()


@register.filter
def truncate_graphemes(value, length):
    """``{{ s|truncate_graphemes:80 }}``: like ``truncatechars`` but counts Thai characters as a
    reader does (a consonant with its vowel and tone marks is one)."""
    return text.truncate_graphemes(str(value or ""), int(length))


@register.filter
def ld_json(data):
    """A JSON-LD ``<script>`` body: JSON with ``<``, ``>`` and ``&`` escaped, so no text inside
    (an editor's title included) can close the script element."""
    encoded = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return mark_safe(encoded.translate(_json_script_escapes))


@register.inclusion_tag("includes/latest_articles.html")
def latest_articles(count=3):
    """The newest published articles, for the home page (two queries)."""
    articles = Article.objects.published().for_listing().order_by("-published_at", "-id")
    return {"articles": list(articles[:count])}
