"""The job page (progress bar, rows done / total, the result), its JSON status for the page's
script, and the result's download. A job is its owner's: anybody else gets 404. Wired in the
admin site (``SammachipAdminSite.get_urls``), behind its login."""

import io
from urllib.parse import quote

from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from sammachip.jobs import services
from sammachip.jobs.models import Job


def _own_job(request, pk):
    return services.job_refresh(get_object_or_404(Job.objects.for_user(request.user), pk=pk))


def job_status_text(job):
    if job.status == Job.Status.QUEUED:
        return _("รอคิว: งานจะเริ่มเมื่อเครื่องประมวลผลเบื้องหลังว่าง")
    if job.status == Job.Status.RUNNING and job.attempts > 1:
        return _("กำลังทำงาน (เริ่มใหม่ตั้งแต่ต้น เพราะเครื่องประมวลผลเบื้องหลังหยุดกลางคัน)")
    if job.status == Job.Status.RUNNING and not job.rows_total:
        return job.params.get("starting_text") or _("กำลังอ่านไฟล์")
    if job.status == Job.Status.RUNNING:
        return _("กำลังทำงาน")
    return job.get_status_display()


def job_rows_text(job):
    """ "ทำแล้ว 20 จาก 216 แถว": what is counted is the job's own (``params["unit"]``,
    e.g. หมู่บ้าน), rows when it does not say."""
    return _("ทำแล้ว %(done)s จาก %(total)s %(unit)s") % {
        "done": f"{job.rows_done:,}",
        "total": f"{job.rows_total:,}",
        "unit": job.params.get("unit") or _("แถว"),
    }


@never_cache
def job_page(request, pk, admin_site):
    job = _own_job(request, pk)
    context = {
        **admin_site.each_context(request),
        "title": job.title,
        "job": job,
        "status_text": job_status_text(job),
        "rows_text": job_rows_text(job),
        "status_url": reverse("admin:jobs_job_status", args=[job.pk]),
        # A preview table (a big import's check) gets the page's whole width, as on the
        # upload page: no navigation sidebar.
        **({"is_nav_sidebar_enabled": False} if job.preview else {}),
        "download_url": (
            reverse("admin:jobs_job_download", args=[job.pk]) if job.result is not None else ""
        ),
    }
    request.current_app = admin_site.name
    return TemplateResponse(request, "admin/jobs/job.html", context)


@never_cache
def job_status(request, pk):
    job = _own_job(request, pk)
    return JsonResponse(
        {
            "status": job.status,
            "finished": job.finished,
            "rows_done": job.rows_done,
            "rows_total": job.rows_total,
            "percent": job.percent,
            "text": job_status_text(job),
            "rows_text": job_rows_text(job),
        }
    )


@never_cache
def job_download(request, pk):
    job = _own_job(request, pk)
    if job.status != Job.Status.DONE or job.result is None:
        raise Http404
    response = FileResponse(
        io.BytesIO(services.result_bytes(job)), as_attachment=True, filename=job.result_name
    )
    ascii_name = job.params.get("result_ascii_name")
    if ascii_name and not job.result_name.isascii():
        # The Thai name (RFC 6266 filename*) and an ASCII one for the browsers without it.
        response["Content-Disposition"] = (
            f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(job.result_name)}"
        )
    response["Cache-Control"] = "no-store"
    return response
