import datetime
import io
import tempfile

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG, PAGE_VAR, SEARCH_VAR
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.http import FileResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from import_export.admin import ImportMixin

from articles import images
from articles.forms import CheckedImageField
from programs import services, spreadsheets
from programs.models import (
    HOUSEHOLDS_PER_VILLAGE,
    ExportLog,
    FollowUp,
    Household,
    Occupation,
    OccupationGroup,
    Product,
    Sage,
    TeamMember,
    TrainerTeam,
    TrainingSession,
    attendees_check,
)
from programs.resources import HouseholdResource
from programs.spreadsheets import TooManyRows
from programs.storage import EncryptedDatabaseStorage, UploadExpired
from sammachip import citizen_id, thaidate
from sammachip.admin_tools import (
    AuditedAdminMixin,
    CitizenIdAdminMixin,
    CitizenIdFormMixin,
    LargeTablePaginator,
    SensitivePostAdminMixin,
    StaleEditAdminMixin,
    id_search_token,
)
from sammachip.scoping import DistrictScopedAdminMixin, related_for_user
from sammachip.security import client_ip, mask_citizen_ids
from sammachip.spreadsheet_intake import SpreadsheetRefused
from villages.models import Village


def export_filters(params):
    """The filters an export records, each name and value masked before it is URL-encoded (an
    ID written with Thai digits or NBSP would otherwise reach the log percent-encoded)."""
    masked = QueryDict(mutable=True)
    for name, values in params.lists():
        masked.setlist(mask_citizen_ids(name), [mask_citizen_ids(value) for value in values])
    return masked.urlencode()


class FiscalYearFilter(admin.SimpleListFilter):
    """Fiscal years as fixed choices: no ``SELECT DISTINCT`` over the households table."""

    title = _("ปีงบประมาณ")
    parameter_name = "fiscal_year"

    def lookups(self, request, model_admin):
        current = thaidate.current_fiscal_year()
        return [(str(year), str(year)) for year in range(current + 1, current - 6, -1)]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(fiscal_year=int(self.value()))
        return queryset


class ProgrammeAdmin(DistrictScopedAdminMixin, admin.ModelAdmin):
    """Base of every district-owned programme admin."""

    show_full_result_count = False
    list_per_page = 50


# ---- occupations ------------------------------------------------------------------------------


@admin.register(Occupation)
class OccupationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]


# ---- sages ------------------------------------------------------------------------------------


PHOTO_HELP = _("JPEG, PNG หรือ WebP ไม่เกิน 10 MB ระบบลบข้อมูล EXIF (รวมพิกัด GPS) ออกให้")


class CleanPhotoAdminMixin:
    """Photos are checked before decoding (size, pixel count, real image) by the form field,
    then stored re-encoded without EXIF/GPS under a random name (articles.images does both)."""

    def save_model(self, request, obj, form, change):
        upload = form.cleaned_data.get("photo")
        if "photo" in form.changed_data and upload and hasattr(upload, "read"):
            folder = obj._meta.get_field("photo").upload_to.rstrip("/")
            obj.photo.save(
                images.random_name(folder, upload.name), images.clean_original(upload), save=False
            )
        super().save_model(request, obj, form, change)


class SageForm(CitizenIdFormMixin):
    photo = CheckedImageField(label=_("รูปถ่าย"), required=False, help_text=PHOTO_HELP)

    class Meta:
        model = Sage
        fields = "__all__"


class ProductForm(forms.ModelForm):
    photo = CheckedImageField(label=_("รูปผลิตภัณฑ์"), required=False, help_text=PHOTO_HELP)

    class Meta:
        model = Product
        fields = [
            "village",
            "name",
            "category",
            "group",
            "producer_name",
            "stars",
            "star_year",
            "standards",
            "price",
            "unit",
            "description",
            "photo",
            "is_featured",
        ]


@admin.register(Sage)
class SageAdmin(
    StaleEditAdminMixin,
    CleanPhotoAdminMixin,
    CitizenIdAdminMixin,
    AuditedAdminMixin,
    ProgrammeAdmin,
):
    form = SageForm
    change_form_template = "admin/programs/citizen_id_change_form.html"
    full_id_permission = "programs.view_full_citizen_id_sage"
    list_display = [
        "full_name",
        "village",
        "district",
        "is_public",
        "phone_public",
        "citizen_id_masked",
    ]
    list_select_related = ["village", "district"]
    list_filter = ["district", "is_public", "expertise"]
    search_fields = ["first_name__startswith", "last_name__startswith"]
    autocomplete_fields = ["village"]
    filter_horizontal = ["expertise"]
    fieldsets = [
        (None, {"fields": ["prefix", "first_name", "last_name", "village", "expertise"]}),
        (_("ข้อมูลที่เผยแพร่ได้เมื่อเลือกแสดงในทำเนียบ"), {"fields": ["bio", "photo", "is_public"]}),
        (_("ข้อมูลส่วนบุคคล (ไม่เผยแพร่)"), {"fields": ["phone", "phone_public", "citizen_id"]}),
    ]

    @admin.display(description=_("ชื่อ-สกุล"), ordering="first_name")
    def full_name(self, obj):
        return obj.full_name


# ---- trainer teams: members and the household grid --------------------------------------------


class TeamMemberInline(DistrictScopedAdminMixin, admin.TabularInline):
    model = TeamMember
    fields = ["prefix", "first_name", "last_name", "role", "phone"]
    extra = 0

    def get_extra(self, request, obj=None, **kwargs):
        existing = obj.members.count() if obj else 0
        return max(0, 4 - existing)


class TeamHouseholdForm(CitizenIdFormMixin):
    class Meta:
        model = Household
        fields = ["prefix", "first_name", "last_name", "house_no", "citizen_id", "phone", "status"]


class TeamHouseholdFormSet(BaseInlineFormSet):
    """The team page's household grid: each row takes the team's village, year, occupation."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        team = self.instance
        household = form.instance
        household.village_id = team.village_id
        household.fiscal_year = team.fiscal_year
        if team.village_id:
            household.district_id = team.village.district_id
        if not household.occupation_id:
            household.occupation_id = team.occupation_id
        return form

    def clean(self):
        super().clean()
        seen = {}
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            number = form.cleaned_data.get("citizen_id")
            if not number:
                continue
            if number in seen:
                form.add_error(
                    "citizen_id",
                    _("เลขประจำตัวประชาชนซ้ำกับแถวที่ %(row)d ในตารางนี้") % {"row": seen[number]},
                )
            else:
                seen[number] = self.forms.index(form) + 1


def listing_checked_by(form_class, user):
    """The household form whose one-listing-per-year check is asked as ``user`` (the hourly
    budget and the audit of ``programs.listings``)."""

    class ListingCheckedForm(form_class):
        def _post_clean(self):
            self.instance.listing_checked_by = user
            super()._post_clean()

    ListingCheckedForm.__name__ = form_class.__name__
    return ListingCheckedForm


class TeamHouseholdInline(DistrictScopedAdminMixin, admin.TabularInline):
    model = Household
    form = TeamHouseholdForm
    formset = TeamHouseholdFormSet
    fk_name = "trainer_team"
    fields = ["prefix", "first_name", "last_name", "house_no", "citizen_id", "phone", "status"]
    verbose_name = _("ครัวเรือนเป้าหมาย")
    verbose_name_plural = _("ครัวเรือนเป้าหมายของทีม (ประมาณ 20 ครัวเรือน)")
    show_change_link = True

    def get_extra(self, request, obj=None, **kwargs):
        existing = obj.households.count() if obj else 0
        return max(1, HOUSEHOLDS_PER_VILLAGE - existing)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = listing_checked_by(formset.form, request.user)
        return formset


@admin.register(TrainerTeam)
class TrainerTeamAdmin(
    StaleEditAdminMixin, SensitivePostAdminMixin, AuditedAdminMixin, ProgrammeAdmin
):
    list_display = [
        "__str__",
        "fiscal_year",
        "sage",
        "occupation",
        "member_count",
        "household_count",
    ]
    list_select_related = ["village", "sage", "occupation"]
    list_filter = [FiscalYearFilter, "district", "occupation"]
    search_fields = ["village__name_th__startswith", "=village__code"]
    autocomplete_fields = ["village", "sage", "occupation"]
    inlines = [TeamMemberInline, TeamHouseholdInline]
    ordering = ["-fiscal_year", "village__code"]
    change_form_template = "admin/programs/audited_change_form.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            # A select_related here replaces list_select_related, so name them all.
            .select_related("village", "sage", "occupation")
            .annotate(
                member_total=Count("members", distinct=True),
                household_total=Count("households", distinct=True),
            )
        )

    @admin.display(description=_("ทีม (รวมปราชญ์)"), ordering="member_total")
    def member_count(self, obj):
        return obj.member_total + 1

    @admin.display(description=_("ครัวเรือน"), ordering="household_total")
    def household_count(self, obj):
        return obj.household_total

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        team = form.instance
        members = team.members.count()
        households = team.households.count()
        if members != 4:
            messages.warning(
                request,
                _("ทีมวิทยากรตามแนวทางมี 5 คน (ปราชญ์ + สมาชิก 4 คน) ขณะนี้มี %(n)d คน")
                % {"n": members + 1},
            )
        if abs(households - HOUSEHOLDS_PER_VILLAGE) > 5:
            messages.warning(
                request,
                _("แนวทางกำหนดครัวเรือนเป้าหมายประมาณ 20 ครัวเรือนต่อหมู่บ้าน ขณะนี้มี %(n)d ครัวเรือน")
                % {"n": households},
            )
        if team.sage.village_id != team.village_id:
            messages.warning(request, _("ปราชญ์ของทีมอยู่ต่างหมู่บ้านกับหมู่บ้านเป้าหมาย"))


# ---- households --------------------------------------------------------------------------------


class HouseholdForm(CitizenIdFormMixin):
    class Meta:
        model = Household
        fields = "__all__"


class FollowUpInline(DistrictScopedAdminMixin, admin.TabularInline):
    model = FollowUp
    fields = ["visited_on", "practising", "monthly_income", "notes", "officer"]
    readonly_fields = ["officer"]
    extra = 1


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


@admin.register(Household)
class HouseholdAdmin(
    StaleEditAdminMixin, ImportMixin, CitizenIdAdminMixin, AuditedAdminMixin, ProgrammeAdmin
):
    form = HouseholdForm
    resource_classes = [HouseholdResource]
    import_formats = [spreadsheets.CalamineXLSX, spreadsheets.CheckedCSV]
    from_encoding = "utf-8-sig"
    tmp_storage_class = EncryptedDatabaseStorage
    import_template_name = "admin/programs/household/import.html"
    change_form_template = "admin/programs/citizen_id_change_form.html"
    change_list_template = "admin/programs/household/change_list.html"
    full_id_permission = "programs.view_full_citizen_id"
    # Millions of rows nationally: the unfiltered count is PostgreSQL's estimate (shown as
    # ประมาณ by admin/programs/household/pagination.html) and deep pages are picked by key.
    paginator = LargeTablePaginator
    search_count_cap = 10_000
    # Moved by services and bulk actions: not someone else's edit (StaleEditAdminMixin).
    stale_edit_system_fields = ["status"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return listing_checked_by(form, request.user)

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        paginator = super().get_paginator(
            request,
            queryset,
            per_page,
            orphans=orphans,
            allow_empty_first_page=allow_empty_first_page,
        )
        if request.GET.get(SEARCH_VAR, "").strip():
            # Above a page and above "show all": a cap under either would list every match.
            paginator.count_cap = max(self.search_count_cap, per_page, self.list_max_show_all)
        return paginator

    def response_action(self, request, queryset):
        """An action on "all N" rows runs only when N is an exact count: with an estimated or
        capped count (``LargeTablePaginator``) the rows it would change are not the number the
        page showed (actions.html does not offer it then either)."""
        if request.POST.get("select_across") == "1":
            paginator = self.get_paginator(request, queryset, self.list_per_page)
            paginator.count  # noqa: B018 - decides whether the count is exact
            if paginator.count_is_estimate or paginator.count_is_capped:
                self.message_user(
                    request,
                    _(
                        "เลือกทั้งหมดไม่ได้เมื่อจำนวนรายการเป็นตัวเลขประมาณ "
                        "กรุณาค้นหาหรือกรองให้แคบลงก่อน แล้วลองอีกครั้ง"
                    ),
                    messages.WARNING,
                )
                return redirect(request.get_full_path())
        return super().response_action(request, queryset)

    list_display = [
        "full_name",
        "house_no",
        "village_name",
        "fiscal_year",
        "status",
        "occupation",
        "citizen_id_masked",
    ]
    list_select_related = ["village", "occupation"]
    list_filter = ["district", "village__subdistrict", FiscalYearFilter, "status", "occupation"]
    search_fields = ["first_name__startswith", "last_name__startswith", "=house_no"]
    search_help_text = _("ค้นหาด้วยชื่อหรือนามสกุล (ขึ้นต้นด้วย) บ้านเลขที่ หรือเลขประจำตัวประชาชน 13 หลัก")
    autocomplete_fields = ["village", "trainer_team", "group", "occupation"]
    actions = ["mark_trained", "mark_practising"]
    inlines = [FollowUpInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "village",
                    "fiscal_year",
                    "house_no",
                    "prefix",
                    "first_name",
                    "last_name",
                    "citizen_id",
                    "phone",
                ]
            },
        ),
        (_("การฝึกอาชีพ"), {"fields": ["occupation", "trainer_team", "status", "group"]}),
        (_("รายได้จากอาชีพ (บาท/เดือน)"), {"fields": ["income_before", "income_after"]}),
    ]

    @admin.display(description=_("ชื่อ-สกุล"), ordering="first_name")
    def full_name(self, obj):
        return obj.full_name

    @admin.display(description=_("หมู่บ้าน"), ordering="village__code")
    def village_name(self, obj):
        return f"{obj.village.name_th} ม.{obj.village.moo}"

    def save_formset(self, request, form, formset, change):
        if formset.model is FollowUp:
            for follow_up in formset.save(commit=False):
                follow_up.officer = follow_up.officer or request.user
                follow_up.save()
            for obj in formset.deleted_objects:
                obj.delete()
            return
        super().save_formset(request, form, formset, change)

    def _set_status(self, request, queryset, status):
        changed = services.households_set_status(households=queryset, status=status)
        self.message_user(
            request,
            ngettext(
                "เปลี่ยนสถานะ %(n)d ครัวเรือนเป็น “%(s)s”",
                "เปลี่ยนสถานะ %(n)d ครัวเรือนเป็น “%(s)s”",
                changed,
            )
            % {"n": changed, "s": Household.Status(status).label},
            messages.SUCCESS,
        )

    @admin.action(description=_("เปลี่ยนสถานะเป็น ฝึกอบรมแล้ว"), permissions=["change"])
    def mark_trained(self, request, queryset):
        self._set_status(request, queryset, Household.Status.TRAINED)

    @admin.action(description=_("เปลี่ยนสถานะเป็น ประกอบอาชีพ"), permissions=["change"])
    def mark_practising(self, request, queryset):
        self._set_status(request, queryset, Household.Status.PRACTISING)

    def get_urls(self):
        return [
            path(
                "progress/",
                self.admin_site.admin_view(self.progress_view),
                name="programs_household_progress",
            ),
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="programs_household_export",
            ),
            path(
                "import-template/",
                self.admin_site.admin_view(self.import_template_view),
                name="programs_household_import_template",
            ),
            *super().get_urls(),
        ]

    # ---- Excel: import through django-import-export, export through the fast writer -------

    def has_import_permission(self, request):
        return request.user.has_perm("programs.add_household")

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
            "title": _("Import"),
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
        return TemplateResponse(request, [self.import_template_name], context)

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
            number = citizen_id.normalize(params.get(SEARCH_VAR, ""))
            if len(number) == 13 and number.isdigit():  # as the changelist: no ID in a URL
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
            queryset = self.get_changelist_instance(request).get_queryset(request)
        except IncorrectLookupParameters:  # as changelist_view answers a bad filter value
            return redirect(reverse("admin:programs_household_changelist") + f"?{ERROR_FLAG}=1")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        filename = f"households-{stamp}.{file_format}"
        target = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
        try:
            services.household_list_export(
                queryset=queryset,
                target=target,
                file_format=file_format,
                full_ids=full_ids,
                user=request.user,
                filters=export_filters(params),
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
        response = FileResponse(
            target, as_attachment=True, filename=filename, content_type=content_type
        )
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

    def import_template_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        buffer = io.BytesIO()
        spreadsheets.write_import_template(buffer, HouseholdResource())
        buffer.seek(0)
        return FileResponse(buffer, as_attachment=True, filename="household-import-template.xlsx")

    def progress_view(self, request):
        """KPIs per district and the stages per village, for one fiscal year, scoped."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            fiscal_year = int(request.GET.get("fiscal_year", ""))
        except ValueError:
            fiscal_year = thaidate.current_fiscal_year()
        user = request.user
        districts = None if user.sees_all_districts else user.district_codes
        villages = (
            Village.objects.for_user(user)
            .filter(households__fiscal_year=fiscal_year)
            .distinct()
            .select_related("subdistrict", "district")
            .order_by("code")
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("ความก้าวหน้าและตัวชี้วัด ปีงบประมาณ %(year)d") % {"year": fiscal_year},
            "fiscal_year": fiscal_year,
            "years": range(
                thaidate.current_fiscal_year() + 1, thaidate.current_fiscal_year() - 6, -1
            ),
            "kpis": services.district_kpis(fiscal_year=fiscal_year, districts=districts),
            "progress": services.village_progress(fiscal_year=fiscal_year, villages=list(villages)),
            "targets": {
                "practising": services.TARGET_PRACTISING,
                "income": services.TARGET_INCOME_CHANGE,
                "groups": services.TARGET_GROUPS,
            },
        }
        return TemplateResponse(request, "admin/programs/progress.html", context)


# ---- training sessions --------------------------------------------------------------------------


class TrainingSessionForm(forms.ModelForm):
    class Meta:
        model = TrainingSession
        fields = ["team", "start_date", "end_date", "place", "place_detail", "attendees"]

    def clean(self):
        cleaned_data = super().clean()
        team, attendees = cleaned_data.get("team"), cleaned_data.get("attendees")
        if team is not None and attendees is not None:
            try:
                attendees_check(team=team, households=attendees)
            except ValidationError as error:
                self.add_error("attendees", error)
        return cleaned_data


@admin.register(TrainingSession)
class TrainingSessionAdmin(ProgrammeAdmin):
    form = TrainingSessionForm
    list_display = ["team", "start_date_be", "end_date_be", "place", "attendee_count", "sheet_link"]
    list_select_related = ["team__village"]
    list_filter = ["team__district", "place"]
    autocomplete_fields = ["team", "attendees"]
    fields = ["team", "start_date", "end_date", "place", "place_detail", "attendees"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(attendee_total=Count("attendees"))
            .order_by("-start_date", "pk")
        )

    @admin.display(description=_("วันเริ่ม"), ordering="start_date")
    def start_date_be(self, obj):
        return thaidate.format_thai_date(obj.start_date)

    @admin.display(description=_("วันสิ้นสุด"), ordering="end_date")
    def end_date_be(self, obj):
        return thaidate.format_thai_date(obj.end_date)

    @admin.display(description=_("ผู้เข้าอบรม"))
    def attendee_count(self, obj):
        return obj.attendee_total

    @admin.display(description=_("ใบลงชื่อ"))
    def sheet_link(self, obj):
        url = reverse("admin:programs_trainingsession_sheet", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("พิมพ์ใบลงชื่อ"))

    def get_urls(self):
        return [
            path(
                "<int:object_id>/sheet/",
                self.admin_site.admin_view(self.sheet_view),
                name="programs_trainingsession_sheet",
            ),
            *super().get_urls(),
        ]

    def sheet_view(self, request, object_id):
        """A printable attendance sheet: the team's households × the training days."""
        session = get_object_or_404(
            self.get_queryset(request).select_related(
                "team__village__subdistrict",
                "team__village__district",
                "team__sage",
                "team__occupation",
            ),
            pk=object_id,
        )
        days = [session.start_date + datetime.timedelta(days=n) for n in range(session.days)]
        households, left_out = related_for_user(
            session.team.households.order_by("house_no", "id"),
            request.user,
            district=session.team.district_id,
        )
        return TemplateResponse(
            request,
            "admin/programs/attendance_sheet.html",
            {
                "session": session,
                "days": days,
                "households": households,
                "left_out": left_out,
                "title": _("ใบลงชื่อผู้เข้ารับการฝึกอบรม"),
            },
        )


@admin.register(FollowUp)
class FollowUpAdmin(ProgrammeAdmin):
    list_display = ["household", "visited_on_be", "practising", "monthly_income", "officer"]
    list_select_related = ["household", "officer"]
    list_filter = ["household__district", "practising"]
    autocomplete_fields = ["household"]
    fields = ["household", "visited_on", "practising", "monthly_income", "notes"]

    @admin.display(description=_("วันที่ติดตาม"), ordering="visited_on")
    def visited_on_be(self, obj):
        return thaidate.format_thai_date(obj.visited_on)

    def save_model(self, request, obj, form, change):
        obj.officer = obj.officer or request.user
        super().save_model(request, obj, form, change)


# ---- groups and products ---------------------------------------------------------------------


class GroupMemberInline(DistrictScopedAdminMixin, admin.TabularInline):
    model = Household
    fk_name = "group"
    fields = ["full_name", "village", "fiscal_year", "status"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("สมาชิกกลุ่ม (กำหนดจากหน้าครัวเรือน)")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("ชื่อ-สกุล"))
    def full_name(self, obj):
        return obj.full_name


@admin.register(OccupationGroup)
class OccupationGroupAdmin(ProgrammeAdmin):
    list_display = ["name", "village", "occupation", "founded_on_be", "member_count"]
    list_select_related = ["village", "occupation"]
    list_filter = ["district", "occupation"]
    search_fields = ["name__startswith"]
    autocomplete_fields = ["village", "occupation"]
    inlines = [GroupMemberInline]
    ordering = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_total=Count("members"))

    @admin.display(description=_("วันที่ก่อตั้ง"), ordering="founded_on")
    def founded_on_be(self, obj):
        return thaidate.format_thai_date(obj.founded_on) or "—"

    @admin.display(description=_("สมาชิก"), ordering="member_total")
    def member_count(self, obj):
        return obj.member_total


@admin.register(Product)
class ProductAdmin(CleanPhotoAdminMixin, AuditedAdminMixin, ProgrammeAdmin):
    form = ProductForm
    list_display = ["name", "category", "stars", "star_year", "village", "group", "is_featured"]
    list_select_related = ["village", "group"]
    list_filter = ["district", "category", "stars", "is_featured"]
    search_fields = ["name__startswith"]
    autocomplete_fields = ["village", "group"]
    change_form_template = "admin/programs/audited_change_form.html"


@admin.register(ExportLog)
class ExportLogAdmin(admin.ModelAdmin):
    """Every export, for provincial staff. Read-only: it is evidence."""

    list_display = [
        "when",
        "user",
        "source",
        "file_format",
        "row_count",
        "full_ids",
        "districts",
        "filters",
    ]
    list_select_related = ["user"]
    list_filter = ["source", "full_ids", "file_format"]
    fields = [
        "when",
        "user",
        "source",
        "file_format",
        "filters",
        "districts",
        "row_count",
        "full_ids",
        "remote_addr",
    ]
    readonly_fields = fields

    @admin.display(description=_("เวลา"), ordering="created_at")
    def when(self, obj):
        return thaidate.format_thai_datetime(obj.created_at)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
