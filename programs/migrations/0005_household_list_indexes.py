"""Indexes of the household changelist at national size (``LargeTablePaginator``).

On PostgreSQL they are built ``CONCURRENTLY`` (outside a transaction: ``atomic = False``), so
offices keep saving households while a table of millions of rows is indexed; elsewhere as usual.
"""

import django.db.models.functions.text
from django.db import migrations, models


class AddIndexConcurrentlyOnPostgres(migrations.AddIndex):
    """``AddIndex``; ``CREATE INDEX CONCURRENTLY`` on PostgreSQL (``DROP INDEX CONCURRENTLY``
    back)."""

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

    dependencies = [
        ("programs", "0004_pendingimport"),
        ("villages", "0001_initial"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="household",
            index=models.Index(
                fields=["village", "district", "house_no", "id", "fiscal_year", "status"],
                name="household_list_idx",
            ),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="household",
            index=models.Index(
                django.db.models.functions.text.Upper("house_no"),
                name="household_house_no_upper_idx",
            ),
        ),
    ]
