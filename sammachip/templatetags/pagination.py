"""``{{ page_obj|page_links }}``: the page numbers a pagination bar shows, whatever the count.

The first and last page, two on each side of the current one, and ``None`` for each gap (an
ellipsis), from ``Paginator.get_elided_page_range``: a list of 10,000 articles (834 pages)
renders the same few links as one of 100, without a template loop over every page.
"""

from django import template

register = template.Library()


@register.filter
def page_links(page_obj):
    paginator = page_obj.paginator
    return [
        None if number == paginator.ELLIPSIS else number
        for number in paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)
    ]
