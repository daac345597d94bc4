"""Template helpers of the household import pages."""

from functools import cache

from django import template

register = template.Library()


@cache
def _column_names():
    from programs.resources import HouseholdResource

    return {name: field.column_name for name, field in HouseholdResource().fields.items()}


@register.filter
def household_column(field_name):
    """The Thai column header of a ``HouseholdResource`` field (``citizen_id`` →
    ``เลขประจำตัวประชาชน``), as the officer sees it in the file."""
    return _column_names().get(field_name, field_name)


@register.simple_tag
def import_problems(result):
    """What the preview lists of a result with problems, capped (a file of 100,000 bad rows
    must not make a page of 174 MB): the file's own errors, then the first
    ``SAMMACHIP_IMPORT_ERRORS_SHOWN`` rows with errors or invalid values, and how many more."""
    from sammachip.spreadsheet_intake import import_limits

    limit = import_limits().errors_shown
    invalid = result.invalid_rows
    failed = [
        (number, [_message(error) for error in errors]) for number, errors in result.row_errors()
    ]
    return {
        "base": [_message(error) for error in result.base_errors],
        "invalid": invalid[:limit],
        "failed": failed[: max(0, limit - len(invalid))],
        "more": max(0, len(invalid) + len(failed) - limit),
        "shown": limit,
    }


@register.simple_tag
def import_row_cap():
    """The most rows a file may hold (``SAMMACHIP_IMPORT_MAX_ROWS``), as ``20,000``."""
    from sammachip.spreadsheet_intake import import_limits

    return f"{import_limits().rows:,}"


def _message(error):
    """The Thai words of an import error (``programs.resources.ImportProblem.message``); an
    error made elsewhere gets a general Thai sentence, never its own text."""
    from django.utils.translation import gettext as _

    return getattr(error, "message", None) or _(
        "เกิดข้อผิดพลาดระหว่างนำเข้า ระบบไม่ได้บันทึกข้อมูลใด กรุณาแจ้งผู้ดูแลระบบพร้อมวันเวลาที่เกิดเหตุ"
    )


@register.simple_tag
def status_ignored_notice():
    """Why the file's สถานะ column was not imported (``HouseholdResource``)."""
    from programs.resources import STATUS_IGNORED_NOTICE

    return STATUS_IGNORED_NOTICE
