"""``/opendata/``: the province's open datasets (``programs.opendata``) as CSV (UTF-8 with a BOM)
and JSON, each with its metadata in data.go.th's CKAN schema at a stable URL."""

import csv
import io
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView

from programs import opendata
from programs.public_stats import SMALL_CELL
from sammachip.cache import cache_public_page
from sammachip.spreadsheet import spreadsheet_safe


def _dataset(slug):
    try:
        return opendata.BY_SLUG[slug]
    except KeyError:
        raise Http404 from None


def _base_url(request):
    return request.build_absolute_uri(reverse("site:opendata"))


@method_decorator(cache_public_page, name="dispatch")
class OpenDataView(TemplateView):
    template_name = "sammachip/opendata.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = opendata.district_years()
        years = sorted({row.fiscal_year for row in rows})
        context.update(
            datasets=opendata.DATASETS,
            rows=rows,
            years=years,
            approved=len(rows),
            licence=opendata.licence(),
            small_cell=SMALL_CELL,
        )
        return context


def _json_response(data, filename):
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@cache_public_page
def dataset_csv(request, slug):
    dataset = _dataset(slug)
    columns = opendata.columns(dataset)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(c.label) for c in columns])
    for record in opendata.records(dataset):
        writer.writerow(
            ["" if record[c.key] is None else spreadsheet_safe(str(record[c.key])) for c in columns]
        )
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{dataset.slug}.csv"'
    return response


@cache_public_page
def dataset_json(request, slug):
    dataset = _dataset(slug)
    rows = opendata.district_years()
    data = {
        "metadata": opendata.metadata(dataset, rows, base_url=_base_url(request)),
        "records": opendata.records(dataset, rows),
    }
    return _json_response(data, f"{dataset.slug}.json")


@cache_public_page
def dataset_metadata(request, slug):
    dataset = _dataset(slug)
    data = opendata.metadata(dataset, base_url=_base_url(request))
    return _json_response(data, f"{dataset.slug}-metadata.json")
