"""Bulk writes for rebuilds (COPY on PostgreSQL, bulk_create elsewhere): every kind of value
the index's tables hold goes in and comes back the same, and a delete touches only its rows."""

from __future__ import annotations

from datetime import date

import pytest

from motcua.core.bulk import columns_of, delete_where, insert_rows
from motcua.reporting.models import DossierFact, IndexDay

pytestmark = pytest.mark.django_db


def test_rows_go_in_with_their_values_and_come_back_the_same(world):
    dossier = world.submit()
    DossierFact.objects.all().delete()
    fields = ("dossier_id", "agency_id", "procedure_id", "submitted_on", "received_on",
              "closed_on", "late_from", "verdict", "rule", "decided", "minutes", "online",
              "synced", "verified", "digitised", "reused", "e_result", "fee_bearing",
              "paid_online", "complained")  # fmt: skip
    assert set(fields) == set(columns_of(DossierFact))
    row = (dossier.pk, dossier.agency_id, dossier.version.procedure_id, date(2026, 12, 1),
           date(2026, 12, 2), None, None, "open", "open", True, 1234, True, False, True, False,
           True, False, True, False, True)  # fmt: skip
    assert insert_rows(DossierFact, fields, [row]) == 1
    assert DossierFact.objects.values_list(*fields).get() == row


def test_a_delete_takes_only_the_rows_it_names(world):
    units = [world.committee, world.police]
    fields = ("agency_id", "day", "received")
    counters = [c for c in columns_of(IndexDay) if c not in fields]
    rows = [(u.pk, date(2026, 3, d), d, *[0] * len(counters)) for u in units for d in (1, 2)]
    insert_rows(IndexDay, (*fields, *counters), rows)
    delete_where(IndexDay, agency_id=units[0].pk)
    assert list(IndexDay.objects.values_list(*fields).order_by("day")) == [
        (units[1].pk, date(2026, 3, 1), 1),
        (units[1].pk, date(2026, 3, 2), 2),
    ]
