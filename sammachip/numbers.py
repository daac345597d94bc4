"""Numbers as a person types them, the one home: ``3,500``, ``๓,๕๐๐``, ``3 500`` and ``3500``
are one number, in the household import (``programs.widgets``) and in every admin form
(``sammachip.fields.ThaiIntegerFormField`` and ``ThaiDecimalFormField``)."""

import re

from sammachip import thaidate

# Thousands separators as typed or pasted: commas and spaces (a no-break or thin space too).
SEPARATORS_RE = re.compile(r"[,\s\u00a0\u202f]")


def typed_number(value):
    """The text of ``value`` with Arabic digits, no thousands separators and no trailing "บาท"
    (``"๓,๕๐๐.๕๐"`` → ``"3500.50"``, ``"3,500 บาท"`` → ``"3500"``); what is left is for
    ``int()`` or ``Decimal()`` to accept or refuse. (The field app's ``incomeError`` in
    ``static/field/field.js`` reads an income the same way.)"""
    return SEPARATORS_RE.sub("", thaidate.arabic_digits(value)).removesuffix("บาท")
