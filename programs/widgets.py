"""The cell readers and writers of household lists (django-import-export widgets): how each
column's text becomes a value (Thai digits, BE years and dates, masked IDs, formula escapes
undone) and back. ``programs.resources.HouseholdResource`` puts them together; the rules they
call (citizen IDs, Thai dates, phones, spreadsheet escapes, scoping) live in ``sammachip``."""

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import widgets

from programs.models import FiscalYearValidator, Household, Occupation, Prefix
from sammachip import citizen_id, numbers, thaidate
from sammachip.scoping import user_can_access
from sammachip.spreadsheet import spreadsheet_unescaped
from sammachip.validators import normalize_phone, validate_thai_phone
from villages.models import Village

CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
INCOME_LIMIT = Decimal("100000000")  # Household.income_* hold 10 digits, 2 of them decimals


class TextWidget(widgets.CharWidget):
    """Text cells: trimmed, NFC, formula escape undone; control characters refused."""

    def __init__(self, *, required=False, label="", **kwargs):
        self.required = required
        self.label = label
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if value is None:
            value = ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = unicodedata.normalize("NFC", spreadsheet_unescaped(str(value))).strip()
        if CONTROL_RE.search(text):
            raise ValueError(_("มีอักขระควบคุมที่มองไม่เห็นปนอยู่ กรุณาพิมพ์ข้อความใหม่"))
        if self.required and not text:
            raise ValueError(_("ต้องกรอก%(label)s") % {"label": self.label})
        return text

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class WholeNumberWidget(widgets.IntegerWidget):
    """Integers written as numbers (the library's render formats them as localised text)."""

    def render(self, value, obj=None, **kwargs):
        return value


class FiscalYearWidget(widgets.IntegerWidget):
    def clean(self, value, row=None, **kwargs):
        text = str(spreadsheet_unescaped(value) if value is not None else "").strip()
        text = numbers.typed_number(text).removesuffix(".0")
        if not text:
            raise ValueError(_("ต้องกรอกปีงบประมาณ (พ.ศ.)"))
        if not text.isdigit():
            raise ValueError(_("ปีงบประมาณต้องเป็นตัวเลข พ.ศ. เช่น 2568"))
        year = int(text)
        try:
            FiscalYearValidator()(year)  # the form's rule: a CE year says its BE year
        except ValidationError as error:
            raise ValueError(error.messages[0]) from None
        return year

    def render(self, value, obj=None, **kwargs):
        return value


class CitizenIdWidget(widgets.Widget):
    """13 digits however typed (number, dashes, spaces, Thai digits). A masked value
    (``1-2345-xxxxx-xx-1``, as in an exported list) means "unchanged"."""

    def __init__(self, *, full=False):
        self.full = full
        super().__init__()

    def clean(self, value, row=None, **kwargs):
        value = spreadsheet_unescaped(value)
        if value is None or str(value).strip() == "":
            raise ValueError(_("ต้องกรอกเลขประจำตัวประชาชน 13 หลัก"))
        try:
            return citizen_id.validate(value)
        except ValidationError as error:
            raise ValueError(error.messages[0]) from error

    def render(self, value, obj=None, **kwargs):
        if not value:
            return ""
        return citizen_id.normalize(value) if self.full else citizen_id.mask(value)


VILLAGE_CHOICE_RE = re.compile(r"^(\d{8})\s")


class VillageWidget(widgets.ForeignKeyWidget):
    """A village by its 8-digit DOPA code, only among the importer's districts; the template's
    dropdown value (``40120711 บ้านพลสาธิต ม.11``) is read by its code."""

    def __init__(self, user=None):
        self.user = user
        self._cache = {}
        super().__init__(Village, field="code")

    def clean(self, value, row=None, **kwargs):
        code = str(spreadsheet_unescaped(value) or "").strip().translate(thaidate.THAI_DIGITS)
        code = code.removesuffix(".0")
        chosen = VILLAGE_CHOICE_RE.match(code)
        if chosen:
            code = chosen.group(1)
        if not code:
            raise ValueError(_("ต้องกรอกรหัสหมู่บ้าน 8 หลัก"))
        if code not in self._cache:
            # One query per distinct village in the file, scope decided by the same rule.
            village = Village.objects.filter(code=code).first()
            allowed = village is not None and (
                self.user is None or user_can_access(self.user, village)
            )
            self._cache[code] = (village, allowed)
        village, allowed = self._cache[code]
        if village is None:
            raise ValueError(_("ไม่พบหมู่บ้านรหัส %(code)s ในระบบ") % {"code": code})
        if not allowed:
            raise ValueError(_("หมู่บ้านรหัส %(code)s อยู่นอกอำเภอที่ท่านรับผิดชอบ") % {"code": code})
        return village

    def render(self, value, obj=None, **kwargs):
        return value.code if value else ""


class OccupationWidget(widgets.ForeignKeyWidget):
    def __init__(self):
        self._by_name = None
        super().__init__(Occupation, field="name")

    def clean(self, value, row=None, **kwargs):
        name = str(spreadsheet_unescaped(value) or "").strip()
        if not name:
            return None
        if self._by_name is None:
            self._by_name = {o.name: o for o in Occupation.objects.all()}
        try:
            return self._by_name[name]
        except KeyError:
            raise ValueError(
                _("ไม่พบอาชีพ “%(name)s” ในรายการอาชีพ (ดูแผ่นงาน “คำอธิบาย”)") % {"name": name}
            ) from None

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


class StatusWidget(widgets.Widget):
    """Status by its Thai label (or its code)."""

    by_label = {str(label): value for value, label in Household.Status.choices}

    def clean(self, value, row=None, **kwargs):
        text = str(spreadsheet_unescaped(value) or "").strip()
        if not text:
            return Household.Status.TARGET
        if text in Household.Status.values:
            return text
        if text in self.by_label:
            return self.by_label[text]
        choices = ", ".join(self.by_label)
        raise ValueError(_("สถานะ “%(s)s” ไม่ถูกต้อง ใช้ได้: %(c)s") % {"s": text, "c": choices})

    def render(self, value, obj=None, **kwargs):
        return str(Household.Status(value).label) if value else ""


class PrefixWidget(TextWidget):
    """คำนำหน้า: one of the listed titles or blank; another says which ones are listed (the
    model's own check said only "ไม่ใช่ตัวเลือกที่ถูกต้อง")."""

    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row=row, **kwargs)
        if text and text not in Prefix.values:
            raise ValueError(
                _("คำนำหน้า “%(s)s” ไม่ถูกต้อง ใช้ได้: %(c)s หรือเว้นว่าง")
                % {"s": text, "c": ", ".join(value for value in Prefix.values if value)}
            )
        return text


class TargetGroupWidget(widgets.Widget):
    """The household's target group (กลุ่มเป้าหมาย) by its Thai label or its code; blank is none."""

    by_label = {str(label): value for value, label in Household.TargetGroup.choices}

    def clean(self, value, row=None, **kwargs):
        text = str(spreadsheet_unescaped(value) or "").strip()
        if not text:
            return ""
        if text in Household.TargetGroup.values:
            return text
        if text in self.by_label:
            return self.by_label[text]
        choices = ", ".join(self.by_label)
        raise ValueError(
            _("กลุ่มเป้าหมาย “%(s)s” ไม่ถูกต้อง ใช้ได้: %(c)s หรือเว้นว่าง") % {"s": text, "c": choices}
        )

    def render(self, value, obj=None, **kwargs):
        return str(Household.TargetGroup(value).label) if value else ""


class IncomeWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        value = spreadsheet_unescaped(value)
        if value is None or str(value).strip() == "":
            return None
        text = numbers.typed_number(value)
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValueError(_("รายได้ต้องเป็นตัวเลข (บาทต่อเดือน)")) from None
        if not amount.is_finite():  # "NaN", "Infinity" and "INF" are Decimals too
            raise ValueError(_("รายได้ต้องเป็นตัวเลข (บาทต่อเดือน)"))
        if amount < 0:
            raise ValueError(_("รายได้ต้องไม่ติดลบ"))
        if amount >= INCOME_LIMIT:
            raise ValueError(_("รายได้สูงเกินจริง (ไม่เกิน 99,999,999 บาทต่อเดือน)"))
        return amount.quantize(Decimal("0.01"))

    def render(self, value, obj=None, **kwargs):
        return None if value is None else float(value)


class PhoneWidget(TextWidget):
    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row, **kwargs)
        if not text:
            return ""
        digits = normalize_phone(text)
        if len(digits) == 9 and digits[0] in "689":  # Excel dropped the leading 0
            digits = "0" + digits
        try:
            validate_thai_phone(digits)
        except ValidationError as error:
            raise ValueError(error.messages[0]) from error
        return digits


class BEDateWidget(widgets.Widget):
    """Dates shown in the Buddhist Era; read as Excel dates or text in BE or CE."""

    def clean(self, value, row=None, **kwargs):
        try:
            return thaidate.to_date(value)  # as ThaiDateFormField reads a form's date
        except thaidate.NoSuchDate:
            raise ValueError(
                _("วันที่ไม่ถูกต้อง: ไม่มีวันที่นี้ในปฏิทิน กรุณาตรวจสอบวันและเดือน เช่น 28/02/2569")
            ) from None
        except ValueError:
            raise ValueError(_("วันที่ไม่ถูกต้อง ใช้รูปแบบ วัน/เดือน/ปี เช่น 21/06/2567")) from None

    def render(self, value, obj=None, **kwargs):
        return thaidate.format_thai_date(value) if value else ""


class SageNameWidget(widgets.Widget):
    def render(self, value, obj=None, **kwargs):
        return str(value) if value else ""
