"""The KPI page's covering index (issue 15, performance): a fiscal year's households by district
and village with every column the KPIs read (``programs.kpis``). Built ``CONCURRENTLY`` on
PostgreSQL, like ``0005_household_list_indexes`` (offices keep saving while it builds)."""

from django.db import migrations, models


class AddIndexConcurrentlyOnPostgres(migrations.AddIndex):
    """``AddIndex``; ``CREATE INDEX CONCURRENTLY`` on PostgreSQL (``DROP INDEX CONCURRENTLY``
    back). The same operation as in 0005 (a migration module cannot be imported by name)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.add_index(model, self.index, concurrently=True)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.remove_index(model, self.index, concurrently=True)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("programs", "0010_kpi_sources")]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="household",
            index=models.Index(
                fields=["fiscal_year", "district", "village", "status"],
                include=[
                    "id",
                    "income_before",
                    "income_after",
                    "group",
                    "occupation",
                    "target_group",
                ],
                name="household_kpi_year_idx",
            ),
        ),
    ]
