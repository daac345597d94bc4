"""The household list import: django-import-export's preview then confirm, all or nothing, with
the file kept encrypted in between; the import template; why a file could not be read."""

import io

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from import_export.admin import ImportMixin
from import_export.forms import ImportForm

from programs import spreadsheets
from programs.import_preview import preview_fields
from programs.resources import HouseholdResource
from programs.storage import EncryptedDatabaseStorage, UploadExpired
from sammachip.spreadsheet_intake import SNIFFED_BYTES, SpreadsheetRefused, sniff_spreadsheet


def read_failure_message(error):
    """Why an uploaded list could not be read, in Thai: the refusal's own words (a file over
    the limits, ``sammachip.spreadsheet_intake``), else a broken or mislabelled file."""
    if isinstance(error, SpreadsheetRefused):
        return str(error)
    if isinstance(error, UnicodeDecodeError):
        return _(
            "ระบบอ่านไฟล์ CSV นี้ไม่ได้ เพราะไม่ได้บันทึกเป็น UTF-8 กรุณาเปิดไฟล์ใน Excel "
            "แล้วบันทึกเป็น “CSV UTF-8 (Comma delimited)” ใหม่ ยังไม่ได้บันทึกข้อมูลใด"
        )
    return _(
        "ระบบอ่านไฟล์นี้ไม่ได้ กรุณาตรวจว่าเลือกชนิดไฟล์ตรงกับไฟล์ (.xlsx หรือ .csv) "
        "หรือเปิดไฟล์ใน Excel แล้วบันทึกใหม่ ยังไม่ได้บันทึกข้อมูลใด"
    )


def import_format_index(formats, head, name=""):
    """The index in ``formats`` of the import format a file's first bytes (its content, not
    its name nor a menu) say it is: xlsx or CSV (``sniff_spreadsheet``). The one decision for
    the upload page and the background job. Raises ``SpreadsheetRefused`` (in Thai)."""
    kind = sniff_spreadsheet(head[:SNIFFED_BYTES], name=name or "")
    wanted = spreadsheets.CalamineXLSX if kind == "xlsx" else spreadsheets.CheckedCSV
    for index, format_class in enumerate(formats):
        if issubclass(format_class, wanted):
            return index
    raise SpreadsheetRefused(read_failure_message(ValueError(kind)))


IMPORT_TITLE = _("นำเข้ารายชื่อครัวเรือนเป้าหมายจากไฟล์")


def _wide(response):
    """The import page: the whole width for the preview (no navigation sidebar), and the
    columns it names as read from the file are those the import reads (not สถานะ or the other
    columns an export shows for reading)."""
    if isinstance(response, TemplateResponse) and response.context_data is not None:
        response.context_data["is_nav_sidebar_enabled"] = False
        response.context_data["title"] = IMPORT_TITLE  # the library says only "นำเข้า"
        if response.context_data.get("fields_list"):
            resource = HouseholdResource()
            response.context_data["fields_list"] = [
                (
                    resource.get_display_name(),
                    [field.column_name for _name, field in preview_fields(resource)],
                )
            ]
    return response


class HouseholdImportForm(ImportForm):
    """The upload: the clerk picks a file, nothing else. Its kind (xlsx or CSV) is read from
    the file's first bytes (``sniff_spreadsheet``), not from its name nor from a menu; a posted
    ``format`` (the library's form, scripts) is still accepted, and the content wins when the
    two disagree."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self._formats = list(formats)
        self.fields["import_file"].label = _("ไฟล์รายชื่อครัวเรือน (.xlsx หรือ .csv)")
        self.fields["import_file"].widget.attrs.pop("class", None)
        self.fields["import_file"].widget.attrs["accept"] = (
            ".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
        )
        # Any posted value is accepted and replaced by what the content says.
        self.fields["format"] = forms.CharField(required=False, widget=forms.HiddenInput())

    @property
    def media(self):
        return forms.Media()  # no guess_format.js: nothing to choose

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("import_file")
        if upload is None:
            return cleaned
        upload.seek(0)
        head = upload.read(SNIFFED_BYTES)
        upload.seek(0)
        try:
            cleaned["format"] = str(import_format_index(self._formats, head, upload.name or ""))
        except SpreadsheetRefused as refusal:
            self.add_error("import_file", str(refusal))
        return cleaned


class HouseholdImportMixin(ImportMixin):
    """Excel: import through django-import-export (``/import/``, ``/process_import/``) and the
    template to fill (``import_template_view``, wired by ``HouseholdAdmin.get_urls``)."""

    resource_classes = [HouseholdResource]
    import_formats = [spreadsheets.CalamineXLSX, spreadsheets.CheckedCSV]
    from_encoding = "utf-8-sig"
    tmp_storage_class = EncryptedDatabaseStorage
    import_template_name = "admin/programs/household/import.html"
    import_form_class = HouseholdImportForm
    # The household list's own template shows the import (and its template) among its tools.
    import_export_change_list_template = None

    def has_import_permission(self, request):
        return request.user.has_perm("programs.add_household")

    def import_action(self, request, **kwargs):
        """The library's upload and preview, with the page's whole width for the preview table
        (no navigation sidebar)."""
        return _wide(super().import_action(request, **kwargs))

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        """The confirmation: the file previewed is imported again, all or nothing. When the
        data changed since the preview (another officer saved one of its people meanwhile),
        nothing is saved and the officer gets a new preview saying so, never "done"."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        confirm_form = self.create_confirm_form(request)
        if not confirm_form.is_valid():
            return super().process_import(request, **kwargs)  # the library's form errors
        input_format = self.get_import_formats()[int(confirm_form.cleaned_data["format"])](
            encoding=self.from_encoding
        )
        tmp_storage = self.get_tmp_storage_class()(
            name=confirm_form.cleaned_data["import_file_name"],
            encoding=None if input_format.is_binary() else self.from_encoding,
            read_mode=input_format.get_read_mode(),
            **self.get_tmp_storage_class_kwargs(),
        )
        try:
            dataset = input_format.create_dataset(tmp_storage.read())
        except UploadExpired:
            messages.error(request, _("ไฟล์ที่อัปโหลดไว้หมดอายุแล้ว (เกิน 30 นาที) กรุณาอัปโหลดและตรวจสอบใหม่"))
            return redirect("admin:programs_household_import")
        except Exception as error:  # read at the preview already: only a changed reader fails
            tmp_storage.remove()
            messages.error(request, read_failure_message(error))
            return redirect("admin:programs_household_import")
        result = self.process_dataset(dataset, confirm_form, request, **kwargs)
        if result.has_errors() or result.has_validation_errors():
            return self.changed_since_preview(request, dataset, confirm_form, tmp_storage)
        tmp_storage.remove()
        return self.process_result(result, request)

    def changed_since_preview(self, request, dataset, confirm_form, tmp_storage):
        """The import page again, with a new preview of the same file: its problems (the row
        someone else saved meanwhile), or the confirmation again if it is clean now."""
        messages.error(
            request,
            _(
                "ไม่ได้นำเข้า: ข้อมูลในระบบเปลี่ยนไปหลังจากที่ท่านตรวจสอบไฟล์ "
                "(เช่น มีผู้อื่นบันทึกรายชื่อบุคคลเดียวกันในปีงบประมาณเดียวกันไว้แล้ว) "
                "ระบบจึงไม่ได้บันทึกข้อมูลใดเลย ด้านล่างคือผลการตรวจสอบไฟล์เดิมอีกครั้ง"
            ),
        )
        resource = self.choose_import_resource_class(confirm_form, request)(
            **self.get_import_resource_kwargs(request, form=confirm_form)
        )
        result = resource.import_data(
            dataset,
            dry_run=True,
            raise_errors=False,
            file_name=confirm_form.cleaned_data.get("original_file_name"),
            user=request.user,
        )
        context = {
            **self.get_import_context_data(),
            **self.admin_site.each_context(request),
            "title": IMPORT_TITLE,
            "opts": self.model._meta,
            "result": result,
            "import_error_display": self.import_error_display,
        }
        if result.has_errors() or result.has_validation_errors():
            tmp_storage.remove()
            form = self.get_import_form_class(request)(
                self.get_import_formats(),
                self.get_import_resource_classes(request),
                initial=self.get_import_form_initial(request),
            )
            context.update(
                form=form,
                media=self.media + form.media,
                fields_list=[
                    (
                        resource.get_display_name(),
                        [field.column_name for field in resource.get_user_visible_fields()],
                    )
                ],
            )
        else:
            context.update(confirm_form=confirm_form, media=self.media + confirm_form.media)
        request.current_app = self.admin_site.name
        return _wide(TemplateResponse(request, [self.import_template_name], context))

    def add_data_read_fail_error_to_form(self, form, e):
        """A file that cannot be read (refused by its checks, or broken): said in Thai, and
        the upload waiting for confirmation is removed at once."""
        upload = form.cleaned_data.get("import_file")  # add_error drops it from cleaned_data
        form.add_error("import_file", read_failure_message(e))
        name = getattr(upload, "tmp_storage_name", None)
        if name:
            self.get_tmp_storage_class()(name=name, **self.get_tmp_storage_class_kwargs()).remove()

    def get_import_resource_kwargs(self, request, **kwargs):
        return {**super().get_import_resource_kwargs(request, **kwargs), "user": request.user}

    def import_template_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        buffer = io.BytesIO()
        spreadsheets.write_import_template(
            buffer, HouseholdResource(user=request.user), user=request.user
        )
        buffer.seek(0)
        return FileResponse(buffer, as_attachment=True, filename="แบบฟอร์มนำเข้าครัวเรือน.xlsx")
