# Entries that record a read wait here, unchained, until the next holder of the chain's head
# links them (motcua.audit.chain.record_read, issue 18). They are inserted and deleted (by the
# linker), never changed: a trigger refuses UPDATE.

from django.db import migrations, models

MESSAGE = "a waiting audit entry is never changed"

POSTGRESQL = [
    f"""CREATE OR REPLACE FUNCTION audit_waiting_refuse_update() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege';
    END $$""",
    "CREATE TRIGGER audit_waiting_no_update BEFORE UPDATE ON audit_waiting "
    "FOR EACH ROW EXECUTE FUNCTION audit_waiting_refuse_update()",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_waiting_no_update ON audit_waiting",
    "DROP FUNCTION IF EXISTS audit_waiting_refuse_update()",
]
SQLITE = [
    "CREATE TRIGGER audit_waiting_no_update BEFORE UPDATE ON audit_waiting "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS audit_waiting_no_update"]
BY_VENDOR = {"postgresql": (POSTGRESQL, POSTGRESQL_REVERSE), "sqlite": (SQLITE, SQLITE_REVERSE)}


def _run(schema_editor, forwards):
    statements = BY_VENDOR.get(schema_editor.connection.vendor)
    if statements is None:
        raise RuntimeError(f"No trigger for {schema_editor.connection.vendor}")
    for sql in statements[0 if forwards else 1]:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]

    operations = [
        migrations.CreateModel(
            name="WaitingEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("recorded_at", models.DateTimeField()),
                ("event", models.CharField(max_length=64)),
                ("actor_id", models.BigIntegerField(blank=True, null=True)),
                ("actor", models.CharField(blank=True, max_length=200)),
                ("address", models.CharField(blank=True, max_length=64)),
                ("session", models.CharField(blank=True, max_length=64)),
                ("token_id", models.BigIntegerField(blank=True, null=True)),
                ("target", models.CharField(blank=True, max_length=255)),
                ("detail", models.JSONField(blank=True, default=dict)),
            ],
            options={"db_table": "audit_waiting"},
        ),
        migrations.RunPython(
            lambda apps, editor: _run(editor, True),
            lambda apps, editor: _run(editor, False),
            elidable=False,
        ),
    ]
