"""The programme's long work as background jobs (``sammachip.jobs``): the household list's big
export, the check (preview) of a big import and its confirmation, and a district's village
reports as one PDF. Each wraps the function the page uses for a small file
(``services.household_list_export``, ``HouseholdResource.import_data``,
``report_pdf.write_village_pdf``) and adds the progress: nothing here decides what an import,
an export or a report holds.

Registered in ``ProgramsConfig.ready()``. The page side (when a file is big enough for a job)
is in ``programs/admin/household_jobs.py`` and ``programs/admin/report_files.py``."""

import logging
import tempfile
from datetime import timedelta

from django.contrib import admin
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export.signals import post_import

from programs import services
from programs.import_preview import import_preview
from programs.models import ExportLog, Household, PendingImport
from programs.resources import HouseholdResource
from programs.spreadsheets import ExportInfo, TooManyRows
from sammachip.citizen_id.text import mask_citizen_ids
from sammachip.jobs.services import JobFailed, attach_result, register
from sammachip.scoping import user_can_access

logger = logging.getLogger(__name__)

EXPORT = "household_export"
IMPORT_CHECK = "household_import_check"
IMPORT = "household_import"
VILLAGE_PDF = "village_report_pdf"
MAX_PROBLEMS = 500


def _admin_request(user, params=None):
    """The changelist's view of ``user`` with these filters, as the export page had it."""
    request = HttpRequest()
    request.method = "GET"
    request.GET = params if params is not None else QueryDict()
    request.user = user
    request.META = {"SERVER_NAME": "localhost", "SERVER_PORT": "80"}
    request.path = request.path_info = "/"
    return request


def _household_admin():
    return admin.site.get_model_admin(Household)


def counted(queryset, progress, every=500):
    """``queryset`` whose row iteration (the writers stream ``values_list().iterator()``)
    reports the rows read so far to ``progress``."""

    class Counted(type(queryset)):
        def iterator(self, chunk_size=None):
            done = 0
            for row in super().iterator(chunk_size=chunk_size):
                yield row
                done += 1
                if done % every == 0:
                    progress(done)
            progress(done)

    clone = queryset.all()
    clone.__class__ = Counted
    return clone


# ---- export ----------------------------------------------------------------------------------


def info_params(info):
    """``spreadsheets.ExportInfo`` as the export job keeps it (JSON): the filter in words,
    named when the job was queued; the time is the file's own, when it is written."""
    return {
        "filter_words": [str(words) for words in info.filter_words],
        "district": list(info.district) if info.district else None,
        "fiscal_year": info.fiscal_year,
    }


def export_info(params):
    stored = params.get("info") or {}
    return ExportInfo(
        filter_words=tuple(stored.get("filter_words") or ()),
        district=tuple(stored["district"]) if stored.get("district") else None,
        fiscal_year=stored.get("fiscal_year"),
    )


def household_export(job, progress):
    """The inline export's file (``services.household_list_export`` with the same info sheet,
    the same Thai file name and its ASCII fallback), written by the worker."""
    params = job.params
    info = export_info(params)
    request = _admin_request(job.owner, QueryDict(params["query"]))
    queryset = _household_admin().get_changelist_instance(request).get_queryset(request)
    total = queryset.count()
    progress(0, total, force=True)
    with tempfile.TemporaryFile() as target:
        try:
            rows = services.household_list_export(
                queryset=counted(queryset, progress),
                target=target,
                file_format=params["file_format"],
                full_ids=params["full_ids"],
                user=job.owner,
                filters=params["filters"],
                info=info,
                source=ExportLog.Source.ADMIN,
                remote_addr=params.get("remote_addr"),
            )
        except TooManyRows as error:
            raise JobFailed(str(error)) from None
        target.seek(0)
        name, ascii_name = info.filename(params["file_format"])
        attach_result(job, target.read(), name, ascii_name=ascii_name)
    job.message = _("ส่งออกรายชื่อครัวเรือน %(n)s แถวแล้ว กดปุ่มด้านล่างเพื่อดาวน์โหลดไฟล์") % {"n": f"{rows:,}"}


# ---- import ----------------------------------------------------------------------------------


class ProgressResource(HouseholdResource):
    """The household import as it is, counting the rows it has been through."""

    def __init__(self, *, progress=None, **kwargs):
        super().__init__(**kwargs)
        self.progress = progress
        self._rows_seen = 0

    def after_import_row(self, row, row_result, **kwargs):
        super().after_import_row(row, row_result, **kwargs)
        self._rows_seen += 1
        if self.progress is not None:
            self.progress(self._rows_seen)


def _dataset(job):
    """The uploaded file (kept encrypted until the import is confirmed), read again; its kind
    (xlsx or CSV) read from its content as the upload page does (``import_format_index``)."""
    from programs.admin.household_import import import_format_index, read_failure_message
    from programs.storage import UploadExpired

    admin_ = _household_admin()
    storage = admin_.get_tmp_storage_class()(
        name=job.params["upload"], read_mode="rb", **admin_.get_tmp_storage_class_kwargs()
    )
    try:
        data = storage.read()
    except UploadExpired:
        raise JobFailed(_("ไฟล์ที่อัปโหลดไว้หมดอายุแล้ว (เกิน 30 นาที) กรุณาอัปโหลดและตรวจสอบใหม่")) from None
    try:
        formats = admin_.get_import_formats()
        input_format = formats[import_format_index(formats, data, job.params.get("file_name", ""))](
            encoding=admin_.from_encoding
        )
        if not input_format.is_binary():
            data = data.decode(admin_.from_encoding)
        return input_format.create_dataset(data), storage
    except Exception as error:
        storage.remove()
        raise JobFailed(read_failure_message(error)) from None


def _keep_upload(name):
    """The upload waits for the clerk's confirmation as long as a small file's would, counted
    from the end of its check (a big file's check takes minutes)."""
    from programs.storage import LIFETIME

    PendingImport.objects.filter(name=name).update(
        expires_at=timezone.now() + timedelta(seconds=LIFETIME)
    )


def _problems(result, resource):
    """Every problem of the result as ``{"row", "text"}``, the column named by its Thai
    header, citizen IDs masked."""
    headers = {name: field.column_name for name, field in resource.fields.items()}
    problems = [
        {"row": None, "text": str(getattr(e, "message", e.error))} for e in result.base_errors
    ]
    for number, errors in result.row_errors():
        for error in errors:
            problems.append({"row": number, "text": str(getattr(error, "message", error.error))})
    for invalid in result.invalid_rows:
        for field, messages in invalid.error_dict.items():
            label = headers.get(field)
            for message in messages:
                text = f"{label}: {message}" if label else str(message)
                problems.append({"row": invalid.number, "text": text})
    for problem in problems:
        problem["text"] = mask_citizen_ids(problem["text"])
    return sorted(problems, key=lambda p: p["row"] or 0)[:MAX_PROBLEMS]


def stored_preview(result, resource):
    """``import_preview``'s data of a big file's check, as the job keeps it (JSON): the same
    rows and values the upload page shows for a small file, citizen IDs always masked (the
    job's row is not encrypted), and a cell's empty parts left out (``{"value": "..."}``; the
    partial reads a missing part as empty), about 15 bytes a cell instead of 45."""
    preview = import_preview(result, resource=resource, full_ids=False)
    for row in preview["rows"]:
        row["cells"] = [
            {key: value for key, value in cell.items() if value not in (None, "", [])}
            for cell in row["cells"]
        ]
    return preview


def _run_import(job, progress, *, dry_run):
    dataset, storage = _dataset(job)
    progress(0, len(dataset), force=True)
    resource = ProgressResource(user=job.owner, progress=progress)
    result = resource.import_data(
        dataset,
        dry_run=dry_run,
        raise_errors=False,
        file_name=job.params["file_name"],
        user=job.owner,
        retain_instance_in_row_result=not dry_run,  # for the admin's log entries
    )
    progress(len(dataset), force=True)  # every row gone through (an invalid one is not counted)
    return dataset, storage, resource, result


def _totals_text(result):
    totals = result.totals
    return _("รายการใหม่ %(new)s แถว แก้ไข %(update)s แถว ไม่เปลี่ยนแปลง %(skip)s แถว") % {
        "new": f"{totals['new']:,}",
        "update": f"{totals['update']:,}",
        "skip": f"{totals['skip']:,}",
    }


def household_import_check(job, progress):
    """The preview of a big file: the whole file checked (a dry run, rolled back); the clerk
    sees what a small file's page shows (``import_preview``: every value of the first rows,
    every row with a problem, the changes), then confirms (another job)."""
    from django.urls import reverse

    dataset, storage, resource, result = _run_import(job, progress, dry_run=True)
    job.preview = stored_preview(result, resource)
    if result.has_errors() or result.has_validation_errors():
        storage.remove()
        problems = _problems(result, resource)
        raise JobFailed(
            _("ไฟล์นี้มีปัญหา %(n)s รายการ (ด้านล่าง) ยังไม่ได้บันทึกข้อมูลใด กรุณาแก้ไขไฟล์แล้วอัปโหลดใหม่")
            % {"n": f"{len(problems):,}"},
            # The rows with problems are in the preview, each problem on its cell: the list
            # keeps only what is about the file as a whole.
            problems=[problem for problem in problems if problem["row"] is None],
        )
    _keep_upload(job.params["upload"])
    job.message = _("ตรวจสอบไฟล์ %(file)s แล้ว ไม่พบปัญหา: %(totals)s กดปุ่มด้านล่างเพื่อนำเข้า") % {
        "file": job.params["file_name"],
        "totals": _totals_text(result),
    }
    if getattr(result, "status_column_ignored", False):
        job.message += " " + _(
            "(คอลัมน์สถานะในไฟล์ไม่ถูกนำเข้า: ระบบคำนวณสถานะจากข้อมูลการอบรมและการติดตามผลเอง)"
        )
    job.action_url = reverse("admin:programs_household_import_job_confirm", args=[job.pk])
    job.action_label = _("ยืนยันนำเข้า %(n)s แถว") % {"n": f"{len(dataset):,}"}


def household_import(job, progress):
    """The confirmation of a big file: imported all or nothing, as a small file is."""
    _dataset, storage, resource, result = _run_import(job, progress, dry_run=False)
    if result.has_errors() or result.has_validation_errors():
        raise JobFailed(
            _(
                "ไม่ได้นำเข้า: ข้อมูลในระบบเปลี่ยนไปหลังจากที่ท่านตรวจสอบไฟล์ "
                "(เช่น มีผู้อื่นบันทึกรายชื่อบุคคลเดียวกันในปีงบประมาณเดียวกันไว้แล้ว) "
                "ระบบจึงไม่ได้บันทึกข้อมูลใดเลย กรุณาอัปโหลดไฟล์เพื่อตรวจสอบใหม่"
            ),
            problems=_problems(result, resource),
        )
    # Imported and committed: what follows must not turn the job into a failure.
    storage.remove()
    try:
        _household_admin().generate_log_entries(result, _admin_request(job.owner))
        post_import.send(sender=None, model=Household)
    except Exception:
        logger.exception("household import job %s: the admin log entries were not written", job.pk)
    job.message = _("นำเข้าไฟล์ %(file)s เรียบร้อยแล้ว: %(totals)s") % {
        "file": job.params["file_name"],
        "totals": _totals_text(result),
    }


# ---- reports ---------------------------------------------------------------------------------


def village_report_pdf(job, progress):
    """A district's (or a village's) village report as one PDF, laid out part by part with
    the villages done as the progress; recorded in the export log like the page's files."""
    from programs import report_pdf, reports
    from villages.models import District

    params = job.params
    user = job.owner
    code = params["district"]
    district = District.objects.filter(code=code).first()
    if district is None or not user_can_access(user, district):  # the rule of the page
        raise JobFailed(_("ท่านไม่ได้รับผิดชอบอำเภอนี้แล้ว จึงสร้างรายงานไม่ได้"))
    if not report_pdf.available():
        raise JobFailed(report_pdf.NOT_SET_UP)
    fiscal_year = params["fiscal_year"]
    data = reports.village_report(fiscal_year=fiscal_year, districts=[code])
    progress(0, len(data["villages"]), force=True)
    scope_words = reports.scope_words(district)
    with tempfile.TemporaryFile() as target:
        pages = report_pdf.write_village_pdf(
            target, data, scope_words=scope_words, progress=progress
        )
        target.seek(0)
        name = reports.filename("villages", fiscal_year=fiscal_year, code=code, file_format="pdf")
        attach_result(job, target.read(), name, ascii_name=name)
    reports.record(
        kind="villages",
        fiscal_year=fiscal_year,
        file_format="pdf",
        rows=len(data["villages"]),
        user=user,
        source=ExportLog.Source.ADMIN,
        district=code,
        remote_addr=params.get("remote_addr"),
    )
    job.message = _(
        "สร้างรายงานระดับหมู่บ้าน %(villages)s หมู่บ้าน (%(pages)s หน้า) เป็น PDF แล้ว "
        "กดปุ่มด้านล่างเพื่อดาวน์โหลดไฟล์"
    ) % {"villages": f"{len(data['villages']):,}", "pages": f"{pages:,}"}


def register_jobs():
    register(VILLAGE_PDF, village_report_pdf)
    register(EXPORT, household_export)
    register(IMPORT_CHECK, household_import_check)
    register(IMPORT, household_import)
