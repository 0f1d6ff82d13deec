"""The names an inbox page shows (procedures, units) are kept by the process
(catalog.selectors.labels): read once, then no query; a unit or a procedure renamed shows at
the next page, as a rebuilt page would show it."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.catalog.models import ProcedureVersion
from motcua.catalog.selectors import labels
from motcua.dossiers.selectors import InboxRows


def test_names_are_read_once_then_kept(world):
    dossier = world.submit()
    versions, agencies = labels({dossier.version_id}, {world.committee.pk, world.police.pk})
    assert versions[dossier.version_id] == (dossier.version.name, dossier.version.procedure.code)
    assert agencies[world.police.pk] == (world.police.electronic_id, world.police.name)
    with CaptureQueriesContext(connection) as queries:
        labels({dossier.version_id}, {world.committee.pk})
    assert not queries.captured_queries
    _, agencies = labels(set(), {987654321})
    assert 987654321 not in agencies  # no such unit: left out, not invented


def test_a_renamed_unit_or_procedure_shows_on_the_next_page(world):
    dossier = world.submit()
    receiver = world["receiver"]
    [row] = InboxRows.of(receiver, "new")[0:20].values()
    assert row["agency__name"] == world.committee.name
    world.committee.name = "UBND Phường Hoàn Kiếm (mới)"
    world.committee.save()
    version = ProcedureVersion.objects.get(pk=dossier.version_id)
    version.name = "Tên thủ tục mới"
    version.save()
    [row] = InboxRows.of(receiver, "new")[0:20].values()
    assert row["agency__name"] == "UBND Phường Hoàn Kiếm (mới)"
    assert row["version__name"] == "Tên thủ tục mới"
