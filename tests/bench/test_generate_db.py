"""The generator's rows go into the real dossier table (COPY on PostgreSQL, executemany on
SQLite) and read back like any dossier: constraints hold, codes are unique, the catalogue's
folded search finds the generated procedures."""

from __future__ import annotations

from datetime import datetime

import pytest

from bench.generate import HANOI, add_citizens, add_procedures, insert_dossiers, load_plan
from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.core.text import fold
from motcua.dossiers.models import Dossier
from motcua.dossiers.workflow import CLOSED
from tests.factories import import_small_catalogue, make_hanoi


@pytest.mark.django_db(transaction=True)
def test_generated_dossiers_load_into_the_real_table() -> None:
    _, _, ward = make_hanoi()
    import_small_catalogue()
    before = Procedure.objects.count()
    assert add_procedures(before + 30) == 30
    owners = add_citizens(5)
    plan = load_plan(owners, datetime(2026, 11, 23, tzinfo=HANOI))
    messages: list[str] = []
    insert_dossiers(400, plan, messages.append)

    assert Dossier.objects.count() == 400
    assert Dossier.objects.values("code").distinct().count() == 400
    assert Dossier.objects.filter(agency=ward).exists()  # the only agency: the busiest
    open_ones = Dossier.objects.exclude(status__in=[int(s) for s in CLOSED])
    assert not open_ones.filter(handler_agency__isnull=True).exists()
    assert Dossier.objects.filter(applicant_id__in=owners).exists()
    latest = Dossier.objects.order_by("-submitted_at").first()
    assert latest is not None and latest.submitted_at < plan.now
    # Generated procedures are found by the folded search, like imported ones.
    generated = ProcedureVersion.objects.filter(procedure__code__startswith="9.").first()
    assert generated is not None
    assert generated in ProcedureVersion.objects.matching(fold(generated.name))


@pytest.mark.django_db(transaction=True)
def test_a_load_that_fails_leaves_the_table_with_its_indexes(monkeypatch) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the load drops and rebuilds indexes on PostgreSQL only")
    import bench.generate as generate

    def indexes() -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'dossiers_dossier'")
            return {name for (name,) in cursor.fetchall()}

    make_hanoi()
    import_small_catalogue()
    plan = load_plan(add_citizens(2), datetime(2026, 11, 23, tzinfo=HANOI))
    before = indexes()
    real_rows = generate.DossierRows

    class Failing(real_rows):  # the load breaks after 50 rows (a full disk, a ^C)
        def __iter__(self):
            for i, row in enumerate(super().__iter__()):
                if i == 50:
                    raise OSError("disk full")
                yield row

    monkeypatch.setattr(generate, "DossierRows", Failing)
    with pytest.raises(OSError):
        insert_dossiers(200, plan, lambda _: None)

    assert indexes() == before and len(before) > 3
    assert Dossier.objects.count() == 0  # nothing of the failed load stays
