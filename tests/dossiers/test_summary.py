"""The daily summary is kept by the moves themselves, and a rebuild from the dossiers and
their events gives the same rows."""

from __future__ import annotations

import contextlib
import io
import random
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command

from motcua.dossiers.models import DailySummary, Dossier
from motcua.dossiers.services import (
    accept_dossier,
    claim_dossier,
    decide_dossier,
    forward_dossier,
    mark_late_dossiers,
    provide_supplement,
    refuse_dossier,
    refuse_expired_supplements,
    request_supplement,
    return_result,
    send_back_dossier,
    stop_dossier,
    withdraw_dossier,
)
from motcua.dossiers.summary import COUNTERS, rebuild, resolution
from motcua.dossiers.workflow import WorkflowError

from .world import local


def _rows() -> dict[tuple, dict[str, int]]:
    return {
        (r["agency_id"], r["day"], r["procedure_id"]): {c: r[c] for c in COUNTERS}
        for r in DailySummary.objects.values("agency_id", "day", "procedure_id", *COUNTERS)
        if any(r[c] for c in COUNTERS)
    }


def _holder(world, dossier):
    return dossier.handler or world["receiver"]


MOVES = {
    "accept": lambda w, d, at: accept_dossier(dossier=d, officer=w["receiver"], at=at),
    "refuse": lambda w, d, at: refuse_dossier(
        dossier=d, officer=w["receiver"], reasons=["Không thuộc thẩm quyền"], at=at
    ),
    "supplement?": lambda w, d, at: request_supplement(
        dossier=d, officer=_holder(w, d), items=[{"name": "Bản sao", "reason": "Mờ"}], at=at
    ),
    "supplement": lambda w, d, at: provide_supplement(dossier=d, by=w["citizen"], at=at),
    "claim": lambda w, d, at: claim_dossier(dossier=d, officer=w["receiver"], at=at),
    "forward": lambda w, d, at: forward_dossier(dossier=d, officer=_holder(w, d), at=at),
    "send back": lambda w, d, at: send_back_dossier(
        dossier=d, officer=_holder(w, d), reason="Xem lại", at=at
    ),
    "approve": lambda w, d, at: decide_dossier(
        dossier=d, officer=_holder(w, d), approve=True, at=at
    ),
    "return": lambda w, d, at: return_result(
        dossier=d, officer=_holder(w, d), method="online", at=at
    ),
    "withdraw": lambda w, d, at: withdraw_dossier(dossier=d, by=w["citizen"], at=at),
    "stop": lambda w, d, at: stop_dossier(dossier=d, officer=_holder(w, d), reason="x", at=at),
}
# Moving forward is likelier than leaving, so that many dossiers get decided.
WEIGHTS = {"accept": 4, "forward": 6, "approve": 4, "return": 3, "send back": 2}


def _walk(world, seed: int, *, dossiers: int, rounds: int) -> int:
    rng = random.Random(seed)
    at = local(2026, 10, 26, 8, 0)
    codes = ["1.000001", "1.000001", "2.000003"]
    for n in range(dossiers):
        world.submit(rng.choice(codes), at=at + timedelta(minutes=n))
    names = list(MOVES)
    weights = [WEIGHTS.get(name, 1) for name in names]
    done = 0
    for _ in range(rounds):
        at += timedelta(hours=rng.choice([1, 3, 7, 20, 50]))
        for dossier in Dossier.objects.filter(parent=None).order_by("pk"):
            name = rng.choices(names, weights)[0]
            with contextlib.suppress(WorkflowError):
                MOVES[name](world, dossier, at)
                done += 1
            for child in dossier.children.order_by("pk"):
                with contextlib.suppress(WorkflowError):
                    MOVES[rng.choice(["forward", "approve"])](world, child, at)
        mark_late_dossiers(at)
        refuse_expired_supplements(at)
    return done


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_maintained_summary_equals_a_rebuild_after_a_random_walk(world, seed):
    moves = _walk(world, seed, dossiers=10, rounds=12)
    assert moves > 10
    maintained = _rows()
    totals = {c: sum(r[c] for r in maintained.values()) for c in COUNTERS}
    assert (
        totals["received_online"] > 0
        and sum(totals[c] for c in ("resolved_early", "resolved_on_time", "resolved_late"))
        == Dossier.objects.filter(status__in=[9, 10]).count()
    )
    assert (
        totals["in_process_delta"]
        == Dossier.objects.filter(accepted_at__isnull=False, status__in=[2, 4, 5, 6]).count()
    )
    assert rebuild() > 0
    assert _rows() == maintained
    call_command("rebuild_summary", since="2026-11-02", stdout=io.StringIO())
    assert _rows() == maintained


def test_each_move_counts_once_on_its_local_day(world):
    # 23:30 on 22/11 in Hà Nội is 16:30 UTC: the day is the local one.
    dossier = world.submit(at=local(2026, 11, 22, 23, 30))
    accept_dossier(dossier=dossier, officer=world["receiver"], at=local(2026, 11, 22, 23, 30))
    world.submit(at=local(2026, 11, 23, 9, 0))  # submitted, not yet received: not counted
    row = DailySummary.objects.get()
    assert row.day == date(2026, 11, 22)
    assert (row.received_online, row.received_direct, row.in_process_delta) == (1, 0, 1)


def test_more_than_one_supplement_makes_a_decision_late():
    due = local(2026, 11, 30, 17, 0)
    assert resolution(local(2026, 11, 27, 9, 0), due, 0) == "resolved_early"
    assert resolution(local(2026, 11, 30, 16, 0), due, 1) == "resolved_on_time"
    assert resolution(local(2026, 11, 30, 17, 1), due, 0) == "resolved_late"
    assert resolution(local(2026, 11, 27, 9, 0), due, 2) == "resolved_late"
    assert resolution(local(2026, 11, 27, 9, 0), None, 0) == "resolved_on_time"


def test_rebuild_summary_refuses_a_bad_date(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("rebuild_summary", since="23/11/2026")


def test_the_rebuild_writes_every_column_of_a_summary_row():
    """The rebuild writes rows column by column (COPY on PostgreSQL): a counter added to the
    model must be added to the rebuild's row, or its rows would not go in."""
    from motcua.core.bulk import columns_of
    from motcua.dossiers.models import DailySummary
    from motcua.dossiers.summary import ROW_FIELDS

    assert sorted(ROW_FIELDS) == sorted(columns_of(DailySummary))
