import pytest

from motcua.catalog.models import ProcedureVersion
from tests.factories import import_small_catalogue


@pytest.mark.django_db
def test_a_form_schema_keeps_the_order_of_its_questions_on_every_database():
    import_small_catalogue()
    version = ProcedureVersion.objects.first()
    schema = {"type": "object", "properties": {"z_last_key_first": {}, "a": {}, "mm": {}}}
    version.form_schema = schema
    version.save(update_fields=["form_schema"])
    version.refresh_from_db()
    # PostgreSQL's jsonb would give a, mm, z_last_key_first.
    assert list(version.form_schema["properties"]) == ["z_last_key_first", "a", "mm"]
