import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sammachip.thaidate import THAI_DIGITS


def normalize_phone(value):
    """Digits only, ``+66`` becomes ``0``: ``081-234-5678`` → ``0812345678``."""
    digits = re.sub(r"[^\d+]", "", str(value).translate(THAI_DIGITS))
    if digits.startswith("+66"):
        digits = "0" + digits[3:]
    return digits


def validate_thai_phone(value):
    """Thai numbers: mobile 10 digits (06/08/09…), landline 9 digits (02…, 043…)."""
    digits = normalize_phone(value)
    mobile = re.fullmatch(r"0[689]\d{8}", digits)
    landline = re.fullmatch(r"0[2-7]\d{7}", digits)
    if not (mobile or landline):
        raise ValidationError(
            _("เบอร์โทรศัพท์ไม่ถูกต้อง: มือถือ 10 หลัก เช่น 081-234-5678 หรือโทรศัพท์บ้าน 9 หลัก เช่น 043-123456"),
            code="invalid_phone",
        )
