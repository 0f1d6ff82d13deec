"""On PostgreSQL, trigram GIN indexes make ``search_text LIKE '%word%'`` an index scan.

SQLite has no trigram index; there the folded column is scanned, which is fast enough at
catalogue size (thousands of rows). Issue 4 measures both.
"""

from django.db import migrations


def _postgres(schema_editor) -> bool:
    return schema_editor.connection.vendor == "postgresql"


def forwards(apps, schema_editor):
    if not _postgres(schema_editor):
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS catalog_version_search_trgm "
        "ON catalog_procedureversion USING gin (search_text gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if _postgres(schema_editor):
        schema_editor.execute("DROP INDEX IF EXISTS catalog_version_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
