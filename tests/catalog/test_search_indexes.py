import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes are PostgreSQL's")
def test_the_folded_search_columns_have_trigram_indexes():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE '%trgm'")
        indexes = dict(cursor.fetchall())
    assert "gin_trgm_ops" in indexes["catalog_version_search_trgm"]
    assert "gin_trgm_ops" in indexes["identity_unit_name_trgm"]


def test_search_finds_the_letter_d_with_stroke_from_a_plain_d():
    from motcua.catalog.models import ProcedureVersion
    from tests.factories import import_small_catalogue

    import_small_catalogue()
    assert ProcedureVersion.objects.matching("DANG KY").count() == 1
    assert ProcedureVersion.objects.matching("đăng ký").count() == 1
