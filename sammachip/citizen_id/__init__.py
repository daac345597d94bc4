"""Thai citizen ID numbers (เลขประจำตัวประชาชน), the one home of every ID rule.

This module: normalising, validating, masking, encrypting and hashing one number. Beside it:
``fields`` (the model fields and their validator), ``forms`` (form field, widget, the admin form
mixin), ``search`` (exact-ID search through the keyed hash) and ``text`` (finding and masking IDs
inside free text; the log filter).

Validation is python-stdnum's ``stdnum.th.pin`` (13 digits, checksum, first digit not 0 or 9).
At rest an ID is Fernet-encrypted (keys from ``SAMMACHIP_FIELD_KEYS``; the first encrypts, all
decrypt, so keys can be rotated) and indexed by a keyed HMAC-SHA256 (``SAMMACHIP_HASH_KEY``) for
uniqueness and exact-match search. Neither the plain number nor an unkeyed hash is ever stored.
"""

import hashlib
import hmac
import re
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidLength, ValidationError
from stdnum.th import pin

from sammachip.thaidate import THAI_DIGITS

ID_LENGTH = 13


def normalize(value):
    """Digits only: Thai digits become Arabic; dashes, spaces and dots are dropped.

    A number typed into Excel may arrive as an int or as ``1101700230708.0``.
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip().translate(THAI_DIGITS)
    if text.endswith(".0") and text[:-2].isdigit():  # a float's text; not "….05.0" typed with dots
        text = text[:-2]
    return "".join(ch for ch in text if ch not in " -.\u00a0\t")


def validate(value):
    """Return the normalised 13-digit ID or raise a Django ValidationError in Thai."""
    number = normalize(value)
    try:
        return pin.validate(number)
    except InvalidLength:
        message = _("เลขประจำตัวประชาชนต้องมี 13 หลัก")
    except InvalidChecksum:
        message = _("เลขประจำตัวประชาชนไม่ถูกต้อง (เลขตรวจสอบหลักสุดท้ายไม่ตรง)")
    except InvalidComponent:
        message = _("เลขประจำตัวประชาชนไม่ถูกต้อง (หลักแรกต้องเป็น 1–8)")
    except ValidationError:
        message = _("เลขประจำตัวประชาชนต้องเป็นตัวเลขเท่านั้น")
    raise DjangoValidationError(message, code="invalid_citizen_id")


def is_valid(value):
    return pin.is_valid(normalize(value))


def mask(value):
    """``1-2345-xxxxx-xx-1``: enough to tell two people apart on a list, not to identify one."""
    number = normalize(value)
    if len(number) != ID_LENGTH:
        return "" if not number else "x" * len(number)
    return f"{number[0]}-{number[1:5]}-xxxxx-xx-{number[12]}"


# What ``mask`` writes: an exported list shows it, an import reads it as "unchanged".
MASKED_RE = re.compile(r"^\d-\d{4}-x{5}-x{2}-\d$", re.IGNORECASE)


def is_masked(value):
    """Whether ``value`` is a masked ID as ``mask`` writes it (``1-2345-xxxxx-xx-1``)."""
    return isinstance(value, str) and MASKED_RE.match(value.strip()) is not None


def format_full(value):
    """``1-2345-67890-12-1``."""
    n = normalize(value)
    return f"{n[0]}-{n[1:5]}-{n[5:10]}-{n[10:12]}-{n[12]}" if len(n) == ID_LENGTH else n


def searched_number(text):
    """The 13-digit number ``text`` is, once normalised (what a search box takes as an exact
    ID), or ``None``."""
    number = normalize(text)
    return number if len(number) == ID_LENGTH and number.isdigit() else None


def with_check_digit(first12):
    """A valid ID from 12 digits (for generated demo data)."""
    return first12 + pin.calc_check_digit(first12)


@cache
def _fernet(keys):
    return MultiFernet([Fernet(key) for key in keys])


def encrypt(number):
    return _fernet(tuple(settings.SAMMACHIP_FIELD_KEYS)).encrypt(number.encode()).decode()


def decrypt(token):
    try:
        return _fernet(tuple(settings.SAMMACHIP_FIELD_KEYS)).decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise ValueError("citizen ID token cannot be decrypted with the configured keys") from error


def rotate(token):
    """Re-encrypt a token with the first (newest) key."""
    return _fernet(tuple(settings.SAMMACHIP_FIELD_KEYS)).rotate(token.encode()).decode()


def keyed_hash(number):
    key = settings.SAMMACHIP_HASH_KEY.encode()
    return hmac.new(key, normalize(number).encode(), hashlib.sha256).hexdigest()
