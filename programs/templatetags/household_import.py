"""Template helpers of the household import pages."""

from functools import cache

from django import template

register = template.Library()


@cache
def _resource():
    from programs.resources import HouseholdResource

    return HouseholdResource()


@register.filter
def household_column(field_name):
    """The Thai column header of a ``HouseholdResource`` field (``citizen_id`` →
    ``เลขประจำตัวประชาชน``), as the officer sees it in the file; a model field without a column
    by its Thai name; never the key (``programs.import_preview.column_label``)."""
    from programs.import_preview import column_label

    return column_label(field_name, _resource())


@register.simple_tag(takes_context=True)
def household_import_preview(context, result):
    """The preview of ``result`` (``programs.import_preview``): every value of the rows shown,
    the citizen ID whole only for an officer who may see whole numbers."""
    from programs.import_preview import import_preview

    request = context.get("request")
    user = getattr(request, "user", None)
    full_ids = bool(user and user.has_perm("programs.view_full_citizen_id"))
    return import_preview(result, resource=_resource(), full_ids=full_ids)


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
