"""Cross-model work of the programme: exports (KPIs: ``kpis``; stages: ``stages``)."""

import os


def household_list_export(
    *,
    queryset,
    target,
    file_format,
    full_ids,
    user=None,
    filters="",
    info=None,
    source,
    remote_addr=None,
):
    """Write a household list to ``target`` (a path or a binary file) and record the export.

    The one path for every export (admin, command, a background task): columns from
    ``HouseholdResource``, rows from ``queryset`` (already scoped and filtered by the caller),
    IDs masked unless ``full_ids``; ``filters`` is the query string the log keeps, ``info``
    (``spreadsheets.ExportInfo``) the filter in words and the time for the xlsx's
    ``ข้อมูลการส่งออก`` sheet and the file name; the log keeps the same words
    (``ExportLog.filter_words``, ``info.filter_text()``: one rule for the sheet and the log;
    without ``info`` they are not known and the log names the filter from ``filters``).
    Returns the number of rows. Raises ``spreadsheets.TooManyRows``.
    """
    from programs import spreadsheets
    from programs.models import ExportLog
    from programs.resources import HouseholdResource

    resource = HouseholdResource(user=user, full_ids=full_ids)
    if file_format == "csv":
        if isinstance(target, str | os.PathLike):
            with open(target, "wb") as stream:
                rows = spreadsheets.write_csv_bytes(stream, queryset, resource)
        else:
            rows = spreadsheets.write_csv_bytes(target, queryset, resource)
    else:
        rows = spreadsheets.write_xlsx(target, queryset, resource, info=info, user=user)
    if user is None or user.sees_all_districts:
        districts = "ทุกอำเภอ"
    else:
        districts = ", ".join(sorted(user.district_codes))
    ExportLog.objects.create(
        user=user,
        source=source,
        file_format=file_format,
        filters=filters,
        filter_words=info.filter_text() if info is not None else None,
        districts=districts,
        row_count=rows,
        full_ids=full_ids,
        remote_addr=remote_addr,
    )
    return rows
