"""``HouseholdResource``: the one column definition of household lists in Excel.

The admin import (django-import-export, dry-run preview then confirm), the admin export, the
``export_households`` command and the import template all take their columns from here. Exports
are written by ``programs.spreadsheets`` straight from ``values()`` rows using each column's
``attribute`` path and widget, so no per-row queries and no model instances are made. How each
cell is read and written is ``programs.widgets``.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, results

from programs import import_preview, listings, locking
from programs.models import Household, IncomeSource
from programs.widgets import (
    BEDateWidget,
    CitizenIdWidget,
    FiscalYearWidget,
    IncomeWidget,
    OccupationWidget,
    PhoneWidget,
    PrefixWidget,
    SageNameWidget,
    StatusWidget,
    TargetGroupWidget,
    TextWidget,
    VillageWidget,
    WholeNumberWidget,
)
from sammachip import audit, citizen_id
from sammachip.cache import bump_content_version
from sammachip.spreadsheet import spreadsheet_unescaped
from sammachip.spreadsheet_intake import SpreadsheetRefused, import_limits, too_many_rows

logger = logging.getLogger(__name__)

STATUS_IGNORED_NOTICE = gettext_lazy(
    "คอลัมน์ “สถานะ” ในไฟล์จะไม่ถูกนำเข้า: สถานะของครัวเรือนคำนวณจากการเข้าอบรม การติดตามผล "
    "การรวมกลุ่ม และการตัดสินใจของเจ้าหน้าที่ (บันทึกการเลิกได้ที่รายการครัวเรือน “บันทึกการตัดสินใจ (เลิก)”)"
)

# The template's example (its notes sheet shows it): recognised and skipped on import, never a
# household, by its ID or by its name (the name also catches a template downloaded before the
# example left the first sheet, whose ID was 1-1017-00230-70-8).
EXAMPLE_CITIZEN_ID = "1234567890121"
EXAMPLE_NAME = ("ตัวอย่าง", "ใจดีสมมุติ")

# Import side of CSV formula escaping: ``'=x`` (written by our export) becomes ``=x``.
unescape_formula = spreadsheet_unescaped


class CitizenIdField(fields.Field):
    def save(self, instance, row, is_m2m=False, **kwargs):
        value = row.get(self.column_name)
        if citizen_id.is_masked(value):
            if instance.pk:
                return  # the exported, masked number: keep what is stored
            raise ValueError(_("รายการใหม่ต้องกรอกเลขประจำตัวประชาชนเต็ม 13 หลัก"))
        super().save(instance, row, is_m2m, **kwargs)


class ImportProblem(results.Error):
    """An error of an import, with ``message``: how the officer reads it, Thai, never an
    exception's own text or a traceback (English, SQL, constraint names, server paths). Our
    refusals (a ``ValidationError``, a refused file) keep their Thai words; a database error
    during an import means the data changed since it was checked (another officer saved the same
    person and year meanwhile): said so. ``error`` stays the exception itself, for a caller that
    asked ``raise_errors`` (a command, a test); anything unexpected is logged (IDs masked by the
    log filter). The import page shows ``message`` only."""

    def __init__(self, error, row=None, number=None):
        super().__init__(error, row=row, number=number)
        self.message = _problem_message(error)

    @property
    def traceback(self):
        return ""


def _problem_message(error):
    if isinstance(error, SpreadsheetRefused):
        return str(error)
    if isinstance(error, ValidationError):
        return " ".join(str(message) for message in error.messages)
    if isinstance(error, IntegrityError):
        logger.warning("household import: the database refused a row (%s)", type(error).__name__)
        return _(
            "ข้อมูลบางแถวขัดกับข้อมูลที่บันทึกอยู่ในระบบ เช่น บุคคลเดียวกันมีรายชื่อในปีงบประมาณเดียวกันแล้ว "
            "(อาจมีผู้อื่นบันทึกระหว่างที่ท่านตรวจสอบไฟล์) ระบบไม่ได้บันทึกข้อมูลใด "
            "กรุณาอัปโหลดไฟล์เพื่อตรวจสอบใหม่อีกครั้ง"
        )
    logger.error("household import failed", exc_info=error)
    if isinstance(error, DatabaseError):
        return _(
            "ฐานข้อมูลไม่รับข้อมูลชุดนี้ ระบบไม่ได้บันทึกข้อมูลใด กรุณาอัปโหลดไฟล์เพื่อตรวจสอบใหม่อีกครั้ง "
            "หากยังไม่ได้ กรุณาแจ้งผู้ดูแลระบบ"
        )
    return _("เกิดข้อผิดพลาดระหว่างนำเข้า ระบบไม่ได้บันทึกข้อมูลใด กรุณาแจ้งผู้ดูแลระบบพร้อมวันเวลาที่เกิดเหตุ")


class HouseholdResource(resources.ModelResource):
    """Columns of a household list (Thai headers). ``full_ids`` decides whether exported citizen
    IDs are whole or masked; ``user`` scopes the rows an import may touch."""

    id = fields.Field("id", "รหัสรายการ", WholeNumberWidget())
    fiscal_year = fields.Field("fiscal_year", "ปีงบประมาณ (พ.ศ.)", FiscalYearWidget())
    district = fields.Field("district__name_th", "อำเภอ", TextWidget(), readonly=True)
    subdistrict = fields.Field("village__subdistrict__name_th", "ตำบล", TextWidget(), readonly=True)
    village = fields.Field("village", "รหัสหมู่บ้าน", VillageWidget())
    moo = fields.Field("village__moo", "หมู่ที่", WholeNumberWidget(), readonly=True)
    village_name = fields.Field("village__name_th", "ชื่อหมู่บ้าน", TextWidget(), readonly=True)
    house_no = fields.Field("house_no", "บ้านเลขที่", TextWidget(required=True, label="บ้านเลขที่"))
    prefix = fields.Field("prefix", "คำนำหน้า", PrefixWidget())
    first_name = fields.Field("first_name", "ชื่อ", TextWidget(required=True, label="ชื่อ"))
    last_name = fields.Field("last_name", "นามสกุล", TextWidget(required=True, label="นามสกุล"))
    citizen_id = CitizenIdField("citizen_id", "เลขประจำตัวประชาชน", CitizenIdWidget())
    phone = fields.Field("phone", "โทรศัพท์", PhoneWidget())
    # Optional: a file without the column leaves the households' target groups as they are.
    target_group = fields.Field("target_group", "กลุ่มเป้าหมาย", TargetGroupWidget())
    occupation = fields.Field("occupation", "อาชีพ", OccupationWidget())
    sage = fields.Field("trainer_team__sage", "ปราชญ์ชุมชนของทีม", SageNameWidget(), readonly=True)
    # The stage is derived from the record (programs.stages): exported, never imported; a file
    # that fills the column gets STATUS_IGNORED_NOTICE on its preview.
    status = fields.Field("status", "สถานะ", StatusWidget(), readonly=True)
    income_before = fields.Field("income_before", "รายได้ก่อนเข้าร่วม (บาท/เดือน)", IncomeWidget())
    income_after = fields.Field("income_after", "รายได้เมื่อประเมินสิ้นปี (บาท/เดือน)", IncomeWidget())
    group = fields.Field("group__name", "กลุ่มอาชีพ", TextWidget(), readonly=True)
    updated_at = fields.Field("updated_at", "แก้ไขล่าสุด", BEDateWidget(), readonly=True)

    class Meta:
        model = Household
        fields = [
            "id",
            "fiscal_year",
            "district",
            "subdistrict",
            "village",
            "moo",
            "village_name",
            "house_no",
            "prefix",
            "first_name",
            "last_name",
            "citizen_id",
            "phone",
            "target_group",
            "occupation",
            "sage",
            "status",
            "income_before",
            "income_after",
            "group",
            "updated_at",
        ]
        export_order = fields
        import_id_fields = ["id"]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        # Speed (measured in bench/excel.py): new rows are inserted in batches; updates stay
        # row by row (bulk_update's CASE statements were slower); no HTML diff is built,
        # unchanged rows are found by ``skip_row`` below instead.
        use_bulk = True
        batch_size = 1000
        skip_diff = True

    def __init__(self, *, user=None, full_ids=False, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.full_ids = full_ids
        self.fields["citizen_id"].widget = CitizenIdWidget(full=full_ids)
        self.fields["village"].widget = VillageWidget(user=user)
        self._seen_ids = {}
        self._listings = {}
        self._existing = {}
        self._hidden_answers = []
        self._row_instance = None
        self._updates_previewed = 0

    # ---- import ---------------------------------------------------------------------------

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        """All or nothing, whoever calls: in one transaction, rolled back if any row is
        invalid (``rollback_on_validation_errors`` and ``use_transactions`` are not the
        caller's to turn off). A file over the row cap is refused before any row is read."""
        kwargs["use_transactions"] = True
        kwargs["rollback_on_validation_errors"] = True
        limits = import_limits()
        if len(dataset) > limits.rows:
            result = self.get_result_class()()
            result.total_rows = len(dataset)
            self.handle_import_error(
                result, too_many_rows(len(dataset), limits), raise_errors=raise_errors
            )
            return result
        self._hidden_answers = []
        self._updates_previewed = 0
        try:
            with locking.cached():  # one query for the file's lock checks
                result = super().import_data(
                    dataset, dry_run=dry_run, raise_errors=raise_errors, **kwargs
                )
            result.status_column_ignored = self.status_column_filled(dataset)
            return result
        finally:
            for hidden, checked in self._hidden_answers:
                listings.record_hidden_answers(
                    hidden, user=self.user, checked=checked, source=_("การนำเข้าไฟล์")
                )

    def is_example_row(self, row):
        """Whether ``row`` is the template's example (นางตัวอย่าง ใจดีสมมุติ): its ID or its name."""
        number = row.get(self.fields["citizen_id"].column_name)
        if not citizen_id.is_masked(number) and citizen_id.normalize(number) == EXAMPLE_CITIZEN_ID:
            return True
        names = tuple(
            str(row.get(self.fields[name].column_name) or "").strip()
            for name in ("first_name", "last_name")
        )
        return names == EXAMPLE_NAME

    def import_row(self, row, instance_loader, **kwargs):
        """The template's example row is skipped, said so on the preview, never imported."""
        if self.is_example_row(row):
            row_result = self.get_row_result_class()()
            row_result.import_type = results.RowResult.IMPORT_TYPE_SKIP
            row_result.preview = {"kind": "example", "row": dict(row)}
            row_result.preview_number = kwargs.get("row_number")
            return row_result
        self._row_instance = None
        return super().import_row(row, instance_loader, **kwargs)

    def after_import_row(self, row, row_result, **kwargs):
        """Keep what the preview shows of this row (``programs.import_preview``), only for the
        rows it shows: the first ``PREVIEW_ROWS`` and updated rows up to ``UPDATES_SHOWN`` more."""
        super().after_import_row(row, row_result, **kwargs)
        number = kwargs.get("row_number") or 0
        instance = self._row_instance
        if instance is None:
            return
        kind = row_result.import_type
        if number > import_preview.PREVIEW_ROWS:
            if kind != results.RowResult.IMPORT_TYPE_UPDATE:
                return
            if self._updates_previewed >= import_preview.UPDATES_SHOWN:
                return
            self._updates_previewed += 1
        before = getattr(instance, "_imported_from", None)
        row_result.preview = import_preview.row_preview(self, instance, before, kind=kind)
        row_result.preview_number = number

    def get_error_result_class(self):
        return ImportProblem

    def status_column_filled(self, dataset):
        """Whether the file fills the สถานะ column, which the import ignores (the stage
        follows the record: trainings, follow-ups, groups, decisions)."""
        header = self.fields["status"].column_name
        if header not in (dataset.headers or []):
            return False
        return any(str(cell or "").strip() for cell in dataset[header])

    def get_queryset(self):
        queryset = Household.objects.select_related("village", "occupation")
        return queryset.for_user(self.user) if self.user is not None else queryset

    def get_instance(self, instance_loader, row):
        raw = row.get(self.fields["id"].column_name)
        if raw in (None, ""):
            return None
        try:
            pk = int(float(raw))
        except (TypeError, ValueError, OverflowError):  # OverflowError: "1e400" is infinite
            raise ValidationError(_("รหัสรายการต้องเป็นตัวเลข หรือเว้นว่างสำหรับรายการใหม่")) from None
        instance = self._existing.get(pk)
        if instance is None:
            raise ValidationError(
                _("ไม่พบรหัสรายการ %(id)d ในอำเภอที่ท่านรับผิดชอบ (เว้นว่างสำหรับรายการใหม่)") % {"id": pk}
            )
        return instance

    def before_import(self, dataset, **kwargs):
        """Load, in one query per 2,000 numbers, who of this file is already listed in its
        fiscal years (``programs.listings``: the asker's hourly budget, clashes outside their
        districts reported for the file as a whole and audited), and the rows it updates."""
        super().before_import(dataset, **kwargs)
        headers = dataset.headers or []
        # The rows this file updates, in one query (only those the importer may reach).
        ids = set()
        id_header = self.fields["id"].column_name
        if id_header in headers:
            for cell in dataset[id_header]:
                pk = _row_id(cell)
                if pk is not None:
                    ids.add(pk)
        self._existing = self.get_queryset().in_bulk(ids) if ids else {}
        self._year_locks = locking.locked_years()  # (programs.locking)
        self._seen_ids = {}
        self._listings = {}
        keys = self._listing_keys(dataset)  # {(hash, year): ({row pks}, only stored?)}
        checked = [key for key, (_pks, known) in keys.items() if not known]
        listings.spend_checks(self.user, len(checked))
        found = listings.find_listings(checked, user=self.user)
        hidden_rows = 0
        hidden = []
        for key, clashes in found.items():
            others = [c for c in clashes if c.pk not in keys[key][0]]
            self._listings[key] = others
            if any(not c.visible for c in others):
                hidden_rows += 1
                hidden.extend(c for c in others if not c.visible)
        if hidden:
            # Written after the import's transaction (a preview is rolled back, the audit not).
            self._hidden_answers.append((hidden, len(checked)))
            raise listings.hidden_clash_error(hidden_rows)

    def _listing_keys(self, dataset):
        """``{(ID hash, year): (row pks, known)}`` for each valid ID of the file: the pks of the
        rows carrying it (``None`` for a new row) and whether it only repeats what is stored on
        those rows (then nothing new is asked)."""
        headers = dataset.headers or []
        number_header = self.fields["citizen_id"].column_name
        year_header = self.fields["fiscal_year"].column_name
        id_header = self.fields["id"].column_name
        if number_header not in headers or year_header not in headers:
            return {}
        numbers = dataset[number_header]
        row_ids = dataset[id_header] if id_header in headers else [None] * len(numbers)
        names = [
            dataset[header] if header in headers else [None] * len(numbers)
            for header in (
                self.fields["first_name"].column_name,
                self.fields["last_name"].column_name,
            )
        ]
        keys = {}
        for number_cell, year_cell, id_cell, first, last in zip(
            numbers, dataset[year_header], row_ids, *names, strict=True
        ):
            if citizen_id.normalize(number_cell) == EXAMPLE_CITIZEN_ID or (
                (str(first or "").strip(), str(last or "").strip()) == EXAMPLE_NAME
            ):
                continue  # the template's example: skipped (import_row), never looked up
            existing = self._existing.get(_row_id(id_cell))
            try:
                year = FiscalYearWidget().clean(year_cell)
            except ValueError:
                continue
            if citizen_id.is_masked(number_cell):
                if existing is None:
                    continue
                number_hash = existing.citizen_id_hash
            else:
                number = unescape_formula(number_cell)
                if not citizen_id.is_valid("" if number is None else number):
                    continue
                number_hash = citizen_id.keyed_hash(number)
            key = (number_hash, year)
            stored = existing is not None and key == (
                existing.citizen_id_hash,
                existing.fiscal_year,
            )
            pks, known = keys.get(key, (set(), True))
            pks.add(existing.pk if existing is not None else None)
            keys[key] = (pks, known and stored)
        return keys

    def after_init_instance(self, instance, new, row, **kwargs):
        super().after_init_instance(instance, new, row, **kwargs)
        self._row_instance = instance
        if not new:
            instance._imported_from = {
                name: getattr(instance, name) for name in self._compared_fields()
            }

    def _compared_fields(self):
        return [
            field.attribute
            for field in self.get_import_fields()
            if not field.readonly and field.attribute and "__" not in field.attribute
        ]

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """Unchanged when every imported column equals what was stored (no diff needed)."""
        if import_validation_errors or not instance.pk:
            return False
        before = getattr(instance, "_imported_from", None)
        if before is None:
            return False
        return all(getattr(instance, name) == before[name] for name in before)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        if instance.citizen_id and instance.fiscal_year:
            # Asked once for the whole file in before_import: a clash the importer may see is
            # named on its row; one outside their districts refused the file there already.
            key = (citizen_id.keyed_hash(instance.citizen_id), instance.fiscal_year)
            visible = [c for c in self._listings.get(key, []) if c.visible and c.pk != instance.pk]
            instance.listing_clash = visible[0] if visible else None
        # Every rule is checked here or by the widgets in memory: the listing rule above, the
        # ranges of year and incomes, the required ID. So Django's per-row constraint queries
        # (one SELECT per CheckConstraint) are skipped; the database still enforces them all.
        # The related rows were just looked up by the widgets: no per-row EXISTS queries.
        errors = dict(import_validation_errors or {})
        locked = locking.import_refusal(instance, getattr(self, "_year_locks", None))
        if locked:
            errors.setdefault("fiscal_year", []).append(locked)
        exclude = {*errors, "village", "occupation", "trainer_team", "group", "district"}
        try:
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance, row, **kwargs):
        """An income after typed in the file is the officer's (source ``manual``: follow-ups no
        longer replace it), as in the admin form; one unchanged from the stored row keeps its
        source; emptied, it comes back from the follow-ups (``after_save_instance``)."""
        super().before_save_instance(instance, row, **kwargs)
        before = getattr(instance, "_imported_from", {}).get("income_after")
        if instance.pk is None or before != instance.income_after:
            typed = instance.income_after is not None
            instance.income_after_source = IncomeSource.MANUAL if typed else IncomeSource.NONE
            instance._income_emptied = instance.pk is not None and not typed

    def after_save_instance(self, instance, row, **kwargs):
        super().after_save_instance(instance, row, **kwargs)
        if getattr(instance, "_income_emptied", False) and instance.pk:
            from programs.stages import household_stages_refresh

            household_stages_refresh(households=[instance])

    def save_instance(self, instance, is_create, row, **kwargs):
        if is_create:
            super().save_instance(instance, is_create, row, **kwargs)
            return
        # Updates one by one: bulk_update was slower, and auditlog sees each change.
        self.before_save_instance(instance, row, **kwargs)
        if self._is_using_transactions(kwargs) or not self._is_dry_run(kwargs):
            self.do_instance_save(instance, is_create)
        self.after_save_instance(instance, row, **kwargs)

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        created = list(self.create_instances)
        super().bulk_create(using_transactions, dry_run, raise_errors, batch_size, result)
        if using_transactions or not dry_run:
            # bulk_create sends no signals: audit the new rows here (rolled back with a preview).
            audit.record_bulk_create(created, user=self.user, note="นำเข้าจากไฟล์รายชื่อครัวเรือน")
            # No post_save signals either: refresh the public figures once the import commits.
            # (The stages: HouseholdQuerySet.bulk_create asks the one rule for the new rows.)
            transaction.on_commit(bump_content_version)

    def before_import_row(self, row, **kwargs):
        """Refuse a person listed twice in the same file and year (the database check only
        sees rows already saved), the ID and the year compared as their fields read them."""
        number_cell = row.get(self.fields["citizen_id"].column_name)
        year_cell = row.get(self.fields["fiscal_year"].column_name)
        if citizen_id.is_masked(number_cell):
            return
        if not citizen_id.is_valid(number_cell or ""):
            return  # the field itself reports it
        try:  # the year as the field reads it: 2570, "๒๕๗๐" and 2570.0 are one year
            year = FiscalYearWidget().clean(year_cell)
        except ValueError:
            return  # the field itself reports it
        key = (citizen_id.normalize(number_cell), year)
        row_number = kwargs.get("row_number")
        if key in self._seen_ids:
            raise ValidationError(
                {
                    "citizen_id": _("เลขประจำตัวประชาชนซ้ำกับแถวที่ %(row)s ในไฟล์นี้")
                    % {"row": self._seen_ids[key]}
                }
            )
        self._seen_ids[key] = row_number

    # ---- export -----------------------------------------------------------------------------

    # Fields whose export value is read from other columns than their ``attribute``.
    export_value_paths = {
        "village": ("village__code",),
        "occupation": ("occupation__name",),
        "sage": (
            "trainer_team__sage__prefix",
            "trainer_team__sage__first_name",
            "trainer_team__sage__last_name",
        ),
    }

    def export_columns(self):
        """``[(header, value paths, render)]``: how the fast writers build each cell from a
        ``values_list`` row. Same headers and order as ``get_export_headers()``."""
        columns = []
        for name, field in zip(self.get_export_order(), self.get_export_fields(), strict=True):
            paths = self.export_value_paths.get(name)
            if paths is None:
                columns.append((field.column_name, (field.attribute,), field.widget.render))
            elif len(paths) == 1:
                columns.append((field.column_name, paths, _plain))
            else:
                columns.append((field.column_name, paths, _joined_name))
        return columns


def _row_id(cell):
    """A row id the database can hold, or ``None`` (others are reported "not found")."""
    try:
        pk = int(float(cell))
    except (TypeError, ValueError, OverflowError):
        return None
    return pk if 0 < pk < 2**63 else None


def _plain(value, obj=None, **kwargs):
    return "" if value is None else value


def _joined_name(*parts, obj=None, **kwargs):
    prefix, first, last = parts
    return f"{prefix or ''}{first or ''} {last or ''}".strip()
