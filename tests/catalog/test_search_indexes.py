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


def test_the_catalogue_search_reads_the_folded_column_through_its_trigram_index():
    from motcua.catalog.models import ProcedureVersion
    from motcua.catalog.selectors import CatalogueFilter, procedures_in_force
    from tests.factories import import_small_catalogue
    from tests.plans import plan_of

    import_small_catalogue()
    found = procedures_in_force(CatalogueFilter(q="dang ky"))
    assert [v.name[:7] for v in found] == ["Đăng ký"]
    plan = plan_of(found)
    if connection.vendor == "postgresql":
        # On a few test rows the planner may walk any index in order and filter; what matters
        # is that an index matches the words, and that it is the trigram one.
        words = plan_of(ProcedureVersion.objects.matching("dang ky").order_by(), bitmap_only=True)
        assert "Bitmap Index Scan catalog_version_search_trgm" in words.steps, words
        assert not plan.scans("catalog_procedureversion"), plan
    else:
        # SQLite has no trigram index: the folded column of a few thousand rows is scanned.
        assert plan.scans("catalog_procedureversion"), plan
