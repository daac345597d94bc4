"""The household list export: the changelist's rows as xlsx or CSV, on a POST, recorded in the
export log."""

import tempfile
from urllib.parse import quote

from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG, PAGE_VAR, SEARCH_VAR
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from programs import services
from programs.admin.base import FiscalYearFilter
from programs.models import ExportLog
from programs.spreadsheets import ExportInfo, TooManyRows
from sammachip import citizen_id
from sammachip.citizen_id.search import id_search_hash, id_search_token
from sammachip.citizen_id.text import mask_citizen_ids
from sammachip.security import client_ip
from villages.models import District


def export_filters(params):
    """The filters an export records, each name and value masked before it is URL-encoded (an
    ID written with Thai digits or NBSP would otherwise reach the log percent-encoded)."""
    masked = QueryDict(mutable=True)
    for name, values in params.lists():
        masked.setlist(mask_citizen_ids(name), [mask_citizen_ids(value) for value in values])
    return masked.urlencode()


def attachment(name, ascii_name):
    """``Content-Disposition`` with the Thai name (RFC 6266 ``filename*``) and an ASCII
    ``filename`` for the browsers and mail gateways that cannot read it."""
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


def _district_from(spec, user):
    """(name, code) of the one district a list holds: the filter's, or an officer's only one."""
    codes = [code for code in (getattr(spec, "lookup_val", None) or []) if code] if spec else []
    if isinstance(codes, str):
        codes = [codes]
    if not codes and not user.sees_all_districts and len(user.district_codes) == 1:
        codes = list(user.district_codes)
    if len(codes) != 1:
        return None
    name = District.objects.filter(code=codes[0]).values_list("name_th", flat=True).first()
    return (name, codes[0]) if name else None


def export_info(changelist, params, user):
    """The list's filters as the clerk chose them (``อำเภอพล``, ``ปีงบประมาณ 2569``,
    ``สถานะ: ประกอบอาชีพ``, ``ค้นหา “...”``) from the changelist's own filters, for the
    export's info sheet and file name."""
    everything = gettext("All")  # the filter's "ทั้งหมด" choice, Django's own string
    words = []
    district_spec = None
    fiscal_year = None
    for spec in changelist.filter_specs:
        used = [name for name in spec.expected_parameters() if params.get(name)]
        if not used:
            continue
        if isinstance(spec, FiscalYearFilter) and spec.value().isdigit():
            # Any year the filter applies, not only the ones its menu lists.
            fiscal_year = int(spec.value())
            words.append(f"ปีงบประมาณ {fiscal_year}")
            continue
        chosen = [
            str(choice["display"])
            for choice in spec.choices(changelist)
            if choice.get("selected") and str(choice["display"]) != everything
        ]
        if not chosen:  # a value the menu does not list still filters: say it as it came
            chosen = [mask_citizen_ids(value) for name in used for value in params.getlist(name)]
        if getattr(spec, "field_path", None) == "district":
            district_spec = spec
            words.extend(f"อำเภอ{name}" for name in chosen)
        elif getattr(spec, "field_path", None) == "village__subdistrict":
            words.extend(f"ตำบล{name}" for name in chosen)
        else:
            words.append(f"{spec.title}: {', '.join(chosen)}")
    search = params.get(SEARCH_VAR, "").strip()
    if search:
        if id_search_hash(search):
            number = mask_citizen_ids(search.split(" #")[0])
            words.append(_("ค้นหาเลขประจำตัวประชาชน %(id)s") % {"id": number})
        else:
            words.append(_("ค้นหา “%(text)s”") % {"text": mask_citizen_ids(search)})
    return ExportInfo(
        filter_words=tuple(words),
        district=_district_from(district_spec, user),
        fiscal_year=fiscal_year,
    )


class HouseholdExportMixin:
    """``export_view`` (wired by ``HouseholdAdmin.get_urls``): export through the fast writer."""

    def export_view(self, request):
        """The changelist's rows (the filters and search in the query string, the user's
        districts) as a file, on a POST from the list's buttons (CSRF-checked: an export is
        recorded). A GET writes nothing: it answers 405 with the same buttons."""
        if not request.user.has_perm("programs.export_household"):
            raise PermissionDenied
        params = request.GET.copy()
        for name in (PAGE_VAR, ERROR_FLAG, "_format", "_full_ids"):
            params.pop(name, None)  # a page means nothing to an export: it writes every row
        if request.method != "POST":
            number = citizen_id.searched_number(params.get(SEARCH_VAR, ""))
            if number:  # as the changelist: no ID in a URL
                params[SEARCH_VAR] = id_search_token(number)
                return redirect(f"{request.path}?{params.urlencode()}")
            return self.export_page(request, params)
        file_format = "csv" if request.POST.get("_format") == "csv" else "xlsx"
        wants_full = request.POST.get("_full_ids") == "1"
        full_ids = wants_full and request.user.has_perm("programs.export_full_citizen_id")
        if wants_full and not full_ids:
            raise PermissionDenied
        request.GET = params
        try:
            changelist = self.get_changelist_instance(request)
            queryset = changelist.get_queryset(request)
        except IncorrectLookupParameters:  # as changelist_view answers a bad filter value
            return redirect(reverse("admin:programs_household_changelist") + f"?{ERROR_FLAG}=1")
        info = export_info(changelist, params, request.user)
        target = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
        try:
            services.household_list_export(
                queryset=queryset,
                target=target,
                file_format=file_format,
                full_ids=full_ids,
                user=request.user,
                filters=export_filters(params),
                info=info,
                source=ExportLog.Source.ADMIN,
                remote_addr=client_ip(request),
            )
        except TooManyRows as error:
            target.close()
            messages.error(request, str(error))
            return redirect(
                reverse("admin:programs_household_changelist") + "?" + params.urlencode()
            )
        target.seek(0)
        content_type = (
            "text/csv; charset=utf-8"
            if file_format == "csv"
            else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response = FileResponse(target, content_type=content_type)
        response["Content-Disposition"] = attachment(*info.filename(file_format))
        response["Cache-Control"] = "no-store"
        return response

    def export_page(self, request, params):
        """A GET of the export URL (an old bookmark, a link): the export buttons, nothing
        written."""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("ส่งออกรายชื่อครัวเรือน"),
            "export_query": params.urlencode(),
        }
        response = TemplateResponse(
            request, "admin/programs/household/export.html", context, status=405
        )
        response["Allow"] = "POST"
        return response
