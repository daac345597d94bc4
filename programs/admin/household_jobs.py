"""Big household files as background jobs (``programs.jobs``): an import file over
``SAMMACHIP_JOB_INLINE_BYTES`` (or, once read, over ``SAMMACHIP_JOB_INLINE_ROWS`` rows) or an
export of more rows leaves the web request at once for the job page (progress bar, then the
result); a smaller one is done in the request as before. Wraps
the import (``household_import``) and the export (``household_export``) without changing
what they do."""

from django.conf import settings
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG, PAGE_VAR
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from programs import jobs
from programs.admin.household_export import export_filters, export_info
from programs.spreadsheets import EXCEL_MAX_ROWS
from sammachip.jobs.models import Job
from sammachip.jobs.services import job_start
from sammachip.security import client_ip
from sammachip.spreadsheet_intake import import_limits


class ImportDeferred(Exception):
    def __init__(self, rows, file_name):
        super().__init__(rows)
        self.rows = rows
        self.file_name = file_name


class DeferBigImport:
    """Resource mixin: the preview of a file over ``defer_over`` rows is not run here but
    handed to a job (the file over the row cap still gets its refusal at once)."""

    def __init__(self, *, defer_over=None, **kwargs):
        super().__init__(**kwargs)
        self.defer_over = defer_over

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        rows = len(dataset)
        if (
            dry_run
            and self.defer_over is not None
            and self.defer_over < rows <= import_limits().rows
        ):
            raise ImportDeferred(rows, kwargs.get("file_name") or "")
        return super().import_data(dataset, dry_run=dry_run, raise_errors=raise_errors, **kwargs)


def job_url(job):
    return reverse("admin:jobs_job", args=[job.pk])


def back_to_list(query=""):
    """Where the job page leads back to: the household list (with the export's filters)."""
    url = reverse("admin:programs_household_changelist") + (f"?{query}" if query else "")
    return {"back_url": url, "back_label": _("กลับไปที่รายการครัวเรือน")}


class HouseholdJobsMixin:
    """Before ``HouseholdImportMixin`` and ``HouseholdExportMixin`` in the admin's bases."""

    # ---- import ---------------------------------------------------------------------------

    def import_action(self, request, **kwargs):
        request.household_import_deferrable = True
        try:
            return super().import_action(request, **kwargs)
        except ImportDeferred as deferred:
            job = job_start(
                owner=request.user,
                kind=jobs.IMPORT_CHECK,
                title=_("ตรวจสอบไฟล์นำเข้ารายชื่อครัวเรือน %(file)s") % {"file": deferred.file_name},
                params={
                    "upload": request.FILES["import_file"].tmp_storage_name,
                    "file_name": deferred.file_name,
                    # The job page shows the check's preview as the upload page does.
                    "preview_template": "admin/programs/household/import_preview.html",
                    **back_to_list(),
                },
                rows_total=deferred.rows,
            )
            return redirect(job_url(job))

    def write_to_tmp_storage(self, import_file, input_format):
        """A file over ``SAMMACHIP_JOB_INLINE_BYTES`` is stored (encrypted, as any upload)
        and handed to a job before it is even read: reading and checking a 20,000-row
        workbook takes seconds."""
        tmp_storage = super().write_to_tmp_storage(import_file, input_format)
        if import_file.size > settings.SAMMACHIP_JOB_INLINE_BYTES:
            import_file.tmp_storage_name = tmp_storage.name
            raise ImportDeferred(0, import_file.name)
        return tmp_storage

    def get_import_resource_kwargs(self, request, **kwargs):
        resource_kwargs = super().get_import_resource_kwargs(request, **kwargs)
        if getattr(request, "household_import_deferrable", False):
            resource_kwargs["defer_over"] = settings.SAMMACHIP_JOB_INLINE_ROWS
        return resource_kwargs

    def choose_import_resource_class(self, form, request):
        resource_class = super().choose_import_resource_class(form, request)
        if getattr(request, "household_import_deferrable", False):
            return type(f"Deferring{resource_class.__name__}", (DeferBigImport, resource_class), {})
        return resource_class

    @method_decorator(require_POST)
    def import_job_confirm_view(self, request, pk):
        """The clerk confirms a big file checked by a job: imported by another job."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        check = get_object_or_404(Job.objects.for_user(request.user), pk=pk, kind=jobs.IMPORT_CHECK)
        confirmed = Job.objects.filter(
            pk=check.pk, status=Job.Status.DONE, action_url__gt=""
        ).update(action_url="", action_label="")
        if not confirmed:  # not checked clean, or confirmed already
            raise Http404
        job = job_start(
            owner=request.user,
            kind=jobs.IMPORT,
            title=_("นำเข้ารายชื่อครัวเรือน %(file)s") % {"file": check.params["file_name"]},
            params=check.params,
            rows_total=check.rows_total,
            retry_safe=False,  # all or nothing, but never run twice by itself
        )
        # The check's page now leads to the import (its button is gone).
        check.message = _("ตรวจสอบไฟล์แล้ว ไม่พบปัญหา และยืนยันนำเข้าแล้ว")
        check.params = {**check.params, "back_url": job_url(job), "back_label": _("ดูผลการนำเข้า")}
        check.save(update_fields=["message", "params"])
        return redirect(job_url(job))

    # ---- export ---------------------------------------------------------------------------

    def export_view(self, request):
        if request.method == "POST" and request.user.has_perm("programs.export_household"):
            job = self.export_job(request)
            if job is not None:
                return redirect(job_url(job))
        return super().export_view(request)

    def export_job(self, request):
        """A job for an export over the inline limit; ``None`` leaves the request to the
        export itself (small, refused, or a bad filter: it answers those)."""
        params = request.GET.copy()
        for name in (PAGE_VAR, ERROR_FLAG, "_format", "_full_ids"):
            params.pop(name, None)
        file_format = "csv" if request.POST.get("_format") == "csv" else "xlsx"
        full_ids = request.POST.get("_full_ids") == "1"
        if full_ids and not request.user.has_perm("programs.export_full_citizen_id"):
            return None
        original, request.GET = request.GET, params
        try:
            changelist = self.get_changelist_instance(request)
            total = changelist.get_queryset(request).count()
        except IncorrectLookupParameters:
            return None
        finally:
            request.GET = original
        if total <= settings.SAMMACHIP_JOB_INLINE_ROWS:
            return None
        if file_format == "xlsx" and total + 1 > EXCEL_MAX_ROWS:
            return None
        # The filter in words, named now as the clerk chose it (the info sheet, the file name).
        info = export_info(changelist, params, request.user)
        return job_start(
            owner=request.user,
            kind=jobs.EXPORT,
            title=_("ส่งออกรายชื่อครัวเรือน %(n)s แถว") % {"n": f"{total:,}"},
            params={
                "query": params.urlencode(),
                "filters": export_filters(params),
                "info": jobs.info_params(info),
                "file_format": file_format,
                "full_ids": full_ids,
                "remote_addr": client_ip(request),
                **back_to_list(params.urlencode()),
            },
            rows_total=total,
        )

    def get_urls(self):
        return [
            path(
                "import/job/<uuid:pk>/confirm/",
                self.admin_site.admin_view(self.import_job_confirm_view),
                name="programs_household_import_job_confirm",
            ),
            *super().get_urls(),
        ]
