"""The report page of the admin (issue 16): for one fiscal year, the province KPI report
(provincial staff) and each district's KPI report and village report (provincial staff; a
district officer for their districts), as xlsx downloads and as an HTML print view (A4,
Sarabun, the office's name and the print date in BE, page numbers by CSS). Every file or print
view generated is recorded in the export log (``programs.reports.record``)."""

import tempfile

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from programs import jobs, report_pdf, reports
from programs.models import DistrictReport, ExportLog
from sammachip import thaidate
from sammachip.jobs.services import job_start
from sammachip.security import client_ip
from villages.models import District, Village

KINDS = ("kpi", "villages")


def asked_year(request):
    """The fiscal year of ``?year=`` (BE), one of the last ten or the next; else the current
    one (the report pages and the completeness page)."""
    current = thaidate.current_fiscal_year()
    try:
        year = int(request.GET.get("year", current))
    except ValueError:
        return current
    return year if current - 10 <= year <= current + 1 else current


def _districts_of(user):
    districts = District.objects.in_province().order_by("code")
    if not user.sees_all_districts:
        districts = districts.filter(code__in=user.district_codes)
    return list(districts)


def _scope(request, kind):
    """``(district or None, village or None)`` from the query, refused when out of reach: the
    province's report is for provincial staff, a district's for its officers too; the village
    report is always of one district (or one village)."""
    user = request.user
    district = village = None
    code = request.GET.get("district")
    if request.GET.get("village"):
        village = (
            Village.objects.select_related("district").filter(code=request.GET["village"]).first()
        )
        if village is None:
            raise Http404
        district = village.district
    elif code:
        district = District.objects.in_province().filter(code=code).first()
        if district is None:
            raise Http404
    if district is None and (kind == "villages" or not user.sees_all_districts):
        raise PermissionDenied
    if district is not None and not (
        user.sees_all_districts or district.code in user.district_codes
    ):
        raise PermissionDenied
    return district, village


def _build(kind, fiscal_year, district, village):
    if kind == "kpi":
        return reports.kpi_report(
            fiscal_year=fiscal_year, districts=[district.code] if district else None
        )
    return reports.village_report(
        fiscal_year=fiscal_year,
        districts=[district.code],
        villages=[village.pk] if village else None,
    )


def _rows(kind, data):
    return len(data["rows"]) if kind == "kpi" else len(data["villages"])


def _link(name, kind, fiscal_year, district=None, village=None, file_format=None):
    query = {"year": fiscal_year}
    if district is not None:
        query["district"] = district.code
    if village is not None:
        query["village"] = village.code
    args = [kind, file_format] if file_format else [kind]
    return reverse(name, args=args) + "?" + urlencode(query)


def list_view(model_admin, request):
    fiscal_year = asked_year(request)
    current = thaidate.current_fiscal_year()
    districts = _districts_of(request.user)
    states = {
        r.district_id: r
        for r in DistrictReport.objects.filter(
            fiscal_year=fiscal_year, district__in=[d.code for d in districts]
        )
    }
    rows = []
    for district in districts:
        report = states.get(district.code)
        status = report.status if report else DistrictReport.Status.OPEN
        rows.append(
            {
                "district": district,
                "status_label": DistrictReport.Status(status).label,
                "approved_on": report.approved_on
                if report and status == DistrictReport.Status.APPROVED
                else None,
                "kpi_xlsx": _link(
                    "admin:programs_districtreport_file", "kpi", fiscal_year, district, None, "xlsx"
                ),
                "kpi_print": _link(
                    "admin:programs_districtreport_print", "kpi", fiscal_year, district
                ),
                "villages_xlsx": _link(
                    "admin:programs_districtreport_file",
                    "villages",
                    fiscal_year,
                    district,
                    None,
                    "xlsx",
                ),
                "villages_print": _link(
                    "admin:programs_districtreport_print", "villages", fiscal_year, district
                ),
                "kpi_pdf": _link(
                    "admin:programs_districtreport_file", "kpi", fiscal_year, district, None, "pdf"
                ),
                "villages_pdf": _link(
                    "admin:programs_districtreport_file",
                    "villages",
                    fiscal_year,
                    district,
                    None,
                    "pdf",
                ),
            }
        )
    province = None
    if request.user.sees_all_districts:
        province = {
            "xlsx": _link(
                "admin:programs_districtreport_file", "kpi", fiscal_year, None, None, "xlsx"
            ),
            "print": _link("admin:programs_districtreport_print", "kpi", fiscal_year),
            "pdf": _link(
                "admin:programs_districtreport_file", "kpi", fiscal_year, None, None, "pdf"
            ),
        }
    return TemplateResponse(
        request,
        "admin/programs/districtreport/report_files.html",
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.model._meta,
            "title": _("รายงานประจำปีงบประมาณ %(year)d") % {"year": fiscal_year},
            "fiscal_year": fiscal_year,
            "previous_year": fiscal_year - 1 if fiscal_year > current - 10 else None,
            "next_year": fiscal_year + 1 if fiscal_year < current + 1 else None,
            "province": province,
            "rows": rows,
            "pdf_ready": report_pdf.available(),
            "pdf_not_set_up": report_pdf.NOT_SET_UP,
            "kpi_title": reports.KPI_TITLE,
            "village_title": reports.VILLAGE_TITLE,
        },
    )


def file_view(model_admin, request, kind, file_format="xlsx"):
    """The report as an xlsx (or, when WeasyPrint is set up, a PDF) download."""
    if kind not in KINDS or file_format not in ("xlsx", "pdf"):
        raise Http404
    if file_format == "pdf" and not report_pdf.available():
        raise Http404
    fiscal_year = asked_year(request)
    district, village = _scope(request, kind)
    if file_format == "pdf" and kind == "villages" and village is None:
        # WeasyPrint lays out ~1 s a village: a district of 200 villages is minutes of work
        # (docs/benchmarks.md), too long for a web request. Counted first (two small queries,
        # the report itself is not built here): the page says so and, when the clerk
        # confirms, the PDF is made by the background worker (programs.jobs).
        villages = len(reports.village_codes(fiscal_year=fiscal_year, districts=[district.code]))
        if villages > settings.SAMMACHIP_REPORT_PDF_MAX_VILLAGES:
            return _village_pdf_job(model_admin, request, fiscal_year, district, villages)
    data = _build(kind, fiscal_year, district, village)
    target = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    words = reports.scope_words(district, village)
    if file_format == "pdf":
        report_pdf.write_pdf(target, kind, data, scope_words=words)
    elif kind == "kpi":
        reports.write_kpi_xlsx(target, data, scope_words=words)
    else:
        reports.write_village_xlsx(target, data)
    target.seek(0)
    reports.record(
        kind=kind,
        fiscal_year=fiscal_year,
        file_format=file_format,
        rows=_rows(kind, data),
        user=request.user,
        source=ExportLog.Source.ADMIN,
        district=district.code if district else None,
        village=village.code if village else None,
        remote_addr=client_ip(request),
    )
    name = reports.filename(
        kind,
        fiscal_year=fiscal_year,
        code=(village.code if village else district.code if district else None),
        file_format=file_format,
    )
    return FileResponse(target, as_attachment=True, filename=name)


def _village_pdf_job(model_admin, request, fiscal_year, district, villages):
    """A long village-report PDF: on GET a page saying what will happen (how many villages,
    made in the background, where the file will be); on POST the job is started and the clerk
    taken to its progress page."""
    back_url = (
        reverse("admin:programs_districtreport_files") + "?" + urlencode({"year": fiscal_year})
    )
    if request.method == "POST":
        job = job_start(
            owner=request.user,
            kind=jobs.VILLAGE_PDF,
            title=_("รายงานระดับหมู่บ้าน อำเภอ%(name)s ปีงบประมาณ %(year)d (PDF)")
            % {"name": district.name_th, "year": fiscal_year},
            params={
                "fiscal_year": fiscal_year,
                "district": district.code,
                "remote_addr": client_ip(request),
                "unit": _("หมู่บ้าน"),
                "starting_text": _("กำลังรวบรวมข้อมูลหมู่บ้าน"),
                "back_url": back_url,
                "back_label": _("กลับไปที่หน้ารายงาน"),
            },
            rows_total=villages,
        )
        return HttpResponseRedirect(reverse("admin:jobs_job", args=[job.pk]))
    minutes = max(1, round(villages * report_pdf.SECONDS_PER_VILLAGE / 60))
    return TemplateResponse(
        request,
        "admin/programs/districtreport/village_pdf_job.html",
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.model._meta,
            "title": _("สร้างรายงานระดับหมู่บ้านเป็น PDF"),
            "district": district,
            "fiscal_year": fiscal_year,
            "villages": villages,
            "minutes": minutes,
            "keep_hours": settings.SAMMACHIP_JOB_RESULT_HOURS,
            "back_url": back_url,
            "xlsx_url": _link(
                "admin:programs_districtreport_file",
                "villages",
                fiscal_year,
                district,
                None,
                "xlsx",
            ),
        },
    )


def print_view(model_admin, request, kind):
    if kind not in KINDS:
        raise Http404
    fiscal_year = asked_year(request)
    district, village = _scope(request, kind)
    data = _build(kind, fiscal_year, district, village)
    reports.record(
        kind=kind,
        fiscal_year=fiscal_year,
        file_format="html",
        rows=_rows(kind, data),
        user=request.user,
        source=ExportLog.Source.ADMIN,
        district=district.code if district else None,
        village=village.code if village else None,
        remote_addr=client_ip(request),
    )
    return TemplateResponse(
        request,
        f"admin/programs/districtreport/print_{kind}.html",
        report_pdf.print_context(kind, data, scope_words=reports.scope_words(district, village))
        | {
            "back_url": reverse("admin:programs_districtreport_files")
            + "?"
            + urlencode({"year": fiscal_year}),
        },
    )
