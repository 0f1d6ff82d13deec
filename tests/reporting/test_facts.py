"""The index's facts and sums are kept by the changes themselves, and a rebuild from the
dossiers gives the same rows."""

from __future__ import annotations

import pytest

from motcua.reporting.facts import rebuild
from motcua.reporting.models import DAY_COUNTERS, DossierFact, IndexDay, ProcedureMonth
from tests.dossiers.test_summary import _walk

FACT_COLUMNS = [f.attname for f in DossierFact._meta.concrete_fields]


def _state():
    days = {
        (r["agency_id"], r["day"]): {c: r[c] for c in DAY_COUNTERS if r[c]}
        for r in IndexDay.objects.values("agency_id", "day", *DAY_COUNTERS)
    }
    months = {
        (r["agency_id"], r["procedure_id"], r["month"]): (r["received_online"], r["paid_online"])
        for r in ProcedureMonth.objects.values()
    }
    facts = {r["dossier_id"]: r for r in DossierFact.objects.values(*FACT_COLUMNS)}
    return {k: v for k, v in days.items() if v}, {k: v for k, v in months.items() if any(v)}, facts


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_the_kept_index_equals_a_rebuild_after_a_random_walk(world, seed):
    assert _walk(world, seed, dossiers=10, rounds=12) > 10
    days, months, facts = _state()
    verdicts = {f["verdict"] for f in facts.values()}
    assert len(verdicts) >= 3
    assert sum(v.get("received", 0) for v in days.values()) == sum(
        1 for f in facts.values() if f["received_on"]
    )
    assert rebuild() == len(facts)
    assert _state() == (days, months, facts)
