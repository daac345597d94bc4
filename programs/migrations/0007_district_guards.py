"""District guards: linked district-owned records stay in one district, at the database.

A CHECK cannot read another table and Django 5.2 has no composite foreign keys, so on PostgreSQL
each link is guarded by constraint triggers (deferred to the end of the transaction, so a form
that moves a team together with its households in one save is judged on the result): a row
whose link points into another district is refused with SQLSTATE 23514 (an IntegrityError in
Django), from either side of the link (the linking row, or the linked row changing district).

The model rules (``clean()``, the ``m2m_changed`` guard of ``TrainingSession.attendees``) give
the Thai message first; this is what still holds for ``update()``, raw SQL and other doors.

On SQLite nothing is installed: SQLite rebuilds a table for most schema changes, which silently
drops its triggers, so a later migration would remove the guard without anyone noticing.
"""

from django.db import migrations

CHANGED = "NEW.district_id IS DISTINCT FROM OLD.district_id"

# name: (FROM ... JOIN ... with the mismatch as WHERE,
#        {table: (alias, columns watched, when the row is to be checked)})
GUARDS = {
    "household_team_same_district": (
        "FROM programs_household c JOIN programs_trainerteam p ON p.id = c.trainer_team_id "
        "WHERE {where} AND p.district_id <> c.district_id",
        {
            "programs_household": (
                "c",
                "trainer_team_id, district_id",
                "NEW.trainer_team_id IS NOT NULL",
            ),
            "programs_trainerteam": ("p", "district_id", CHANGED),
        },
    ),
    "household_group_same_district": (
        "FROM programs_household c JOIN programs_occupationgroup p ON p.id = c.group_id "
        "WHERE {where} AND p.district_id <> c.district_id",
        {
            "programs_household": ("c", "group_id, district_id", "NEW.group_id IS NOT NULL"),
            "programs_occupationgroup": ("p", "district_id", CHANGED),
        },
    ),
    "team_sage_same_district": (
        "FROM programs_trainerteam c JOIN programs_sage p ON p.id = c.sage_id "
        "WHERE {where} AND p.district_id <> c.district_id",
        {
            "programs_trainerteam": ("c", "sage_id, district_id", "TRUE"),
            "programs_sage": ("p", "district_id", CHANGED),
        },
    ),
    "product_group_same_district": (
        "FROM programs_product c JOIN programs_occupationgroup p ON p.id = c.group_id "
        "WHERE {where} AND p.district_id <> c.district_id",
        {
            "programs_product": ("c", "group_id, district_id", "NEW.group_id IS NOT NULL"),
            "programs_occupationgroup": ("p", "district_id", CHANGED),
        },
    ),
    "attendee_same_district": (
        "FROM programs_trainingsession_attendees a "
        "JOIN programs_household h ON h.id = a.household_id "
        "JOIN programs_trainingsession s ON s.id = a.trainingsession_id "
        "JOIN programs_trainerteam t ON t.id = s.team_id "
        "WHERE {where} AND h.district_id <> t.district_id",
        {
            "programs_trainingsession_attendees": ("a", "household_id, trainingsession_id", "TRUE"),
            "programs_household": ("h", "district_id", CHANGED),
            "programs_trainingsession": (
                "s",
                "team_id",
                "NEW.team_id IS DISTINCT FROM OLD.team_id",
            ),
            "programs_trainerteam": ("t", "district_id", CHANGED),
        },
    ),
}


def _statements():
    create, drop = [], []
    for name, (query, tables) in GUARDS.items():
        for table, (alias, columns, when) in tables.items():
            function = f"{name}__{table.removeprefix('programs_')}"[:63]
            events = (
                f"INSERT OR UPDATE OF {columns}"
                if alias in ("c", "a")  # the linking row: also when it is added
                else f"UPDATE OF {columns}"
            )
            create.append(
                f"""
                CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF EXISTS (SELECT 1 {query.format(where=f"{alias}.id = NEW.id")}) THEN
                        RAISE EXCEPTION 'records of different districts linked (%)', '{name}'
                            USING ERRCODE = '23514', CONSTRAINT = '{name}';
                    END IF;
                    RETURN NULL;
                END $$;
                CREATE CONSTRAINT TRIGGER {function} AFTER {events} ON {table}
                    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN ({when})
                    EXECUTE FUNCTION {function}();
                """
            )
            drop.append(
                f"DROP TRIGGER IF EXISTS {function} ON {table}; "
                f"DROP FUNCTION IF EXISTS {function}();"
            )
    return create, drop


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in _statements()[0]:
        schema_editor.execute(statement, params=None)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in _statements()[1]:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("programs", "0006_thai_constraint_messages")]

    operations = [migrations.RunPython(install, remove, elidable=False)]
