"""Training days inside the team's fiscal year, at the database (PostgreSQL).

A CHECK cannot read another table, so, like the district guards of migration 0007, a deferred
constraint trigger refuses (SQLSTATE 23514, an IntegrityError in Django, constraint
``session_in_team_fiscal_year``) a training session whose start or end date lies outside its
team's fiscal year (1 Oct – 30 Sep, BE year − 543), from either side: the session (added, dates or
team changed) or the team (its fiscal year changed). The model rules give the Thai message first
(``session_date_errors``, ``TrainerTeam.clean``); this is what still holds for ``update()``, raw
SQL and other doors. The session's own columns are checked by its CHECK constraints
(``session_dates_ordered``, ``session_*_plausible``) on every database.

On SQLite nothing is installed (SQLite drops triggers when it rebuilds a table; migration 0007).
"""

from django.db import migrations

NAME = "session_in_team_fiscal_year"
OUTSIDE = (
    "s.start_date < make_date(t.fiscal_year - 544, 10, 1) "
    "OR s.end_date > make_date(t.fiscal_year - 543, 9, 30)"
)
TRIGGERS = {
    # table: (the rows to check for NEW, events, when)
    "programs_trainingsession": (
        "s.id = NEW.id",
        "INSERT OR UPDATE OF start_date, end_date, team_id",
        "TRUE",
    ),
    "programs_trainerteam": (
        "t.id = NEW.id",
        "UPDATE OF fiscal_year",
        "NEW.fiscal_year IS DISTINCT FROM OLD.fiscal_year",
    ),
}


def _function(table):
    return f"{NAME}__{table.removeprefix('programs_')}"[:63]


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, (where, events, when) in TRIGGERS.items():
        function = _function(table)
        schema_editor.execute(
            f"""
            CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF EXISTS (
                    SELECT 1 FROM programs_trainingsession s
                    JOIN programs_trainerteam t ON t.id = s.team_id
                    WHERE {where} AND ({OUTSIDE})
                ) THEN
                    RAISE EXCEPTION 'training outside its team''s fiscal year (%)', '{NAME}'
                        USING ERRCODE = '23514', CONSTRAINT = '{NAME}';
                END IF;
                RETURN NULL;
            END $$;
            CREATE CONSTRAINT TRIGGER {function} AFTER {events} ON {table}
                DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN ({when})
                EXECUTE FUNCTION {function}();
            """,
            params=None,
        )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TRIGGERS:
        function = _function(table)
        schema_editor.execute(
            f"DROP TRIGGER IF EXISTS {function} ON {table}; DROP FUNCTION IF EXISTS {function}();",
            params=None,
        )


class Migration(migrations.Migration):
    dependencies = [("programs", "0013_rec_household_base_manager")]

    operations = [migrations.RunPython(install, remove, elidable=False)]
