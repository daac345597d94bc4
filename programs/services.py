"""Cross-model work of the programme: exports (KPIs: ``kpis``; stages: ``stages``)."""


def household_list_export(
    *, queryset, target, file_format, full_ids, user=None, filters="", source, remote_addr=None
):
    """Write a household list to ``target`` (binary file) and record the export.

    The one path for every export (admin, command): columns from ``HouseholdResource``, rows
    from ``queryset`` (already scoped and filtered by the caller), IDs masked unless
    ``full_ids``. Returns the number of rows. Raises ``spreadsheets.TooManyRows``.
    """
    from programs import spreadsheets
    from programs.models import ExportLog
    from programs.resources import HouseholdResource

    resource = HouseholdResource(user=user, full_ids=full_ids)
    if file_format == "csv":
        rows = spreadsheets.write_csv_bytes(target, queryset, resource)
    else:
        rows = spreadsheets.write_xlsx(target, queryset, resource)
    if user is None or user.sees_all_districts:
        districts = "ทุกอำเภอ"
    else:
        districts = ", ".join(sorted(user.district_codes))
    ExportLog.objects.create(
        user=user,
        source=source,
        file_format=file_format,
        filters=filters,
        districts=districts,
        row_count=rows,
        full_ids=full_ids,
        remote_addr=remote_addr,
    )
    return rows
