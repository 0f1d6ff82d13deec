"""The index's facts and sums are kept by the changes themselves, and a rebuild from the
dossiers gives the same rows."""

from __future__ import annotations

import pytest

from motcua.reporting.facts import rebuild
from motcua.reporting.models import (
    DAY_COUNTERS,
    DossierFact,
    IndexDay,
    IndexMonth,
    ProcedureMonth,
)
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
    by_month = {
        (r["agency_id"], r["month"]): {c: r[c] for c in DAY_COUNTERS if r[c]}
        for r in IndexMonth.objects.values("agency_id", "month", *DAY_COUNTERS)
    }
    kept_days = {k: v for k, v in days.items() if v}
    summed: dict = {}
    for (agency, day), counts in kept_days.items():
        row = summed.setdefault((agency, day.replace(day=1)), {})
        for name, n in counts.items():
            row[name] = row.get(name, 0) + n
    summed = {k: {n: v for n, v in c.items() if v} for k, c in summed.items()}
    assert {k: v for k, v in by_month.items() if v} == {k: v for k, v in summed.items() if v}
    return kept_days, {k: v for k, v in months.items() if any(v)}, facts


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


def test_a_delivery_to_the_national_portal_counts_the_dossier_as_synced(world):
    from motcua.core.models import OutboxMessage
    from motcua.core.outbox import delivered, enqueue
    from motcua.dossiers.services import accept_dossier
    from tests.dossiers.world import local

    dossier = world.submit(at=local(2026, 11, 2, 8, 0))
    accept_dossier(dossier=dossier, officer=world["receiver"], at=local(2026, 11, 2, 8, 0))
    enqueue(channel="national_portal", recipient="", payload={"MaHoSo": dossier.code},
            key=f"dvcqg:{dossier.code}:1")  # fmt: skip
    other = f"dvcqg:{dossier.code}9:1"  # another dossier's code that starts like it
    enqueue(channel="national_portal", recipient="", payload={"MaHoSo": "x"}, key=other)
    assert not DossierFact.objects.get(pk=dossier.pk).synced
    OutboxMessage.objects.filter(channel="national_portal").update(status="sent")
    message = OutboxMessage.objects.get(key=f"dvcqg:{dossier.code}:1")
    delivered.send(sender=OutboxMessage, message=message)
    assert DossierFact.objects.get(pk=dossier.pk).synced
    kept = _state()
    rebuild()
    assert _state() == kept


def test_a_new_dossier_judged_from_the_instance_in_hand_is_what_a_rebuild_judges(world):
    """The submission's follow-up judges a new dossier without reading it back
    (``facts.judge_new``): online, and at the desk with a scanned paper (whose flag wrote a
    fact first, in the same transaction), the facts and sums are those of a rebuild."""
    import io

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from motcua.demo.pdf import one_page_pdf
    from motcua.dossiers.files import NewUpload
    from motcua.dossiers.intake import Applicant, Submission
    from motcua.dossiers.models import Channel, Dossier
    from motcua.dossiers.services import submit_dossier

    online = world.submit()
    version = world.version("1.000001")
    scan = NewUpload(io.BytesIO(one_page_pdf("Tờ khai")), name="to-khai.pdf", origin="scan")

    desk = submit_dossier(
        submission=Submission(
            version=version,
            variant=version.variants.first(),
            agency=world.committee,
            applicant=Applicant(name="Trần Thị B", phone="0912000000"),
            data={"ho_ten_tre": "Trần Văn C"},
            uploads=[scan],
        ),
        submitted_by=world["receiver"],
        channel=Channel.IN_PERSON,
    ).dossier
    assert Dossier.objects.get(pk=desk.pk).has_digitised
    days, months, facts = _state()
    assert {online.pk, desk.pk} <= set(facts)
    assert facts[desk.pk]["verdict"] == "excluded"
    assert rebuild() == len(facts)
    assert _state() == (days, months, facts)

    with CaptureQueriesContext(connection) as captured:
        world.submit()
    index = [q["sql"] for q in captured.captured_queries if "reporting_" in q["sql"]]
    assert len(index) == 1 and index[0].startswith('INSERT INTO "reporting_dossierfact"'), index


def test_a_rebuild_clears_the_rows_of_a_unit_that_no_longer_has_dossiers(world):
    """A unit with no dossier left but index rows (a repair after dossiers were moved away)
    has them cleared; the other units' rows are rewritten, not doubled."""
    from datetime import date

    world.submit()
    world.submit()
    before = _state()
    empty = world.police  # no dossier of its own
    IndexDay.objects.create(agency=empty, day=date(2026, 1, 5), received=3)
    IndexMonth.objects.create(agency=empty, month=date(2026, 1, 1), received=3)
    rebuild()
    assert not IndexDay.objects.filter(agency=empty).exists()
    assert not IndexMonth.objects.filter(agency=empty).exists()
    assert _state() == before
