# Entries and signed heads can be added, never changed or removed: triggers refuse UPDATE and
# DELETE (and TRUNCATE on PostgreSQL), so not even the ORM can rewrite the log. Whoever can
# drop a trigger can still edit the rows; `motcua verify_audit` is what finds that.

from django.db import migrations

TABLES = ("audit_entry", "audit_signed_head")
MESSAGE = "the audit log is append-only"

POSTGRESQL = [
    f"""CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege';
    END $$""",
    *(
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()"
        for table in TABLES
    ),
    *(
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()"
        for table in TABLES
    ),
]
POSTGRESQL_REVERSE = [
    *(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}" for table in TABLES),
    *(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}" for table in TABLES),
    "DROP FUNCTION IF EXISTS audit_refuse_change()",
]
SQLITE = [
    f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    for table in TABLES
    for verb in ("UPDATE", "DELETE")
]
SQLITE_REVERSE = [
    f"DROP TRIGGER IF EXISTS {table}_no_{verb.lower()}"
    for table in TABLES
    for verb in ("UPDATE", "DELETE")
]
BY_VENDOR = {"postgresql": (POSTGRESQL, POSTGRESQL_REVERSE), "sqlite": (SQLITE, SQLITE_REVERSE)}


def _run(schema_editor, forwards):
    statements = BY_VENDOR.get(schema_editor.connection.vendor)
    if statements is None:
        raise RuntimeError(f"No append-only triggers for {schema_editor.connection.vendor}")
    for sql in statements[0 if forwards else 1]:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(
            lambda apps, editor: _run(editor, True),
            lambda apps, editor: _run(editor, False),
            elidable=False,
        ),
    ]
