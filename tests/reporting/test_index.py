"""The index of a synthetic month with known answers, scored as computed by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from motcua.dossiers.services import (
    provide_supplement,
)
from motcua.payments.models import Payment
from motcua.reporting.explain import entries
from motcua.reporting.facts import judge
from motcua.reporting.index import ranking, unit_index
from motcua.reporting.periods import Period
from motcua.reporting.rankings import publish, recomputed
from tests.dossiers.world import local

NOVEMBER = Period.month(2026, 11)


def test_a_synthetic_month_scores_as_computed_by_hand(world, month):
    found = unit_index(world.committee, NOVEMBER)
    on_time = found.indicator("2.1")
    # Ended in November: early, and the paused one (it ends at the request, in time) in time;
    # late late. At the month's end two are in process, one past due. The withdrawn and the
    # refused-at-intake dossiers count nowhere.
    assert on_time.parts == {
        "ended_in_time": 2, "ended_late": 1, "open_in_time": 1, "open_late": 1,
    }  # fmt: skip
    assert (on_time.numerator, on_time.denominator) == (3, 5)
    assert on_time.ratio == Decimal("60.00")
    assert on_time.points == Decimal("12.00")  # min(1, 60 / 100) × 20
    online = found.indicator("3.3")
    assert (online.numerator, online.denominator) == (6, 6)  # received, all online
    assert online.points == Decimal("6.00")
    satisfied = found.indicator("5.4")  # two decided, one late, none complained
    assert (satisfied.numerator, satisfied.denominator) == (1, 2)
    assert satisfied.ratio == Decimal("50.00")
    assert satisfied.points == Decimal("3.33")  # 50 / 90 × 6
    assert found.received == 6
    assert found.indicator("1.1").ratio is None and not found.indicator("1.1").has_data
    assert found.total == (found.points * 100 / found.available).quantize(Decimal("0.01"))


def test_a_supplement_arriving_later_reopens_the_paused_dossier(world, month):
    provide_supplement(dossier=month["paused"], by=world["citizen"], at=local(2026, 12, 1, 8, 0))
    on_time = unit_index(world.committee, NOVEMBER).indicator("2.1")
    # No longer ended at the request: in process at November's end, not yet due then.
    assert on_time.parts == {
        "ended_in_time": 1, "ended_late": 1, "open_in_time": 2, "open_late": 1,
    }  # fmt: skip


def test_a_unit_above_sums_the_units_under_it(world, month, city):
    assert unit_index(city, NOVEMBER).indicator("2.1").denominator >= 5


def test_the_ranking_lists_apart_a_unit_with_too_few_dossiers(world, month, city):
    board = ranking(city, "commune", NOVEMBER)
    ranked = {row.agency.pk for row in board.rows}
    apart = {row.agency.pk for row in board.unranked}
    assert world.committee2.pk in apart  # no dossier
    assert world.committee.pk in apart  # 6 received, fewer than the minimum of 10
    assert not ranked & apart


def _row(**changes):
    row = {
        "pk": 1, "agency_id": 1, "version__procedure_id": 1, "status": 9, "channel": 1,
        "submitted_at": local(2026, 11, 2, 8, 0), "accepted_at": local(2026, 11, 2, 8, 0),
        "counting_from": local(2026, 11, 2, 8, 0), "due_at": local(2026, 11, 10, 17, 0),
        "decided_at": local(2026, 11, 3, 9, 0), "closed_at": None, "paused_at": None,
        "supplement_count": 0, "applicant_verified": False, "has_digitised": False,
        "has_reused": False, "has_e_result": False, "second_request_at": None,
        "is_synced": False, "is_fee_bearing": False, "is_paid_online": False,
        "has_complaint": False,
    }  # fmt: skip
    row.update(changes)
    return row


def test_more_than_one_supplement_request_is_late_from_the_second(db):
    twice = _row(supplement_count=2, second_request_at=local(2026, 11, 3, 8, 0))
    fact = judge(twice)
    assert (fact.verdict, fact.rule) == ("late", "more_supplements")
    open_twice = judge(
        _row(
            status=4,
            decided_at=None,
            **{k: v for k, v in twice.items() if k in ("supplement_count", "second_request_at")},
        )
    )
    assert (open_twice.verdict, open_twice.late_from) == ("open", date(2026, 11, 3))


def test_the_end_time_follows_decision_766s_priority(db):
    assert judge(_row()).rule == "decided"
    stopped = judge(_row(status=8, decided_at=None, closed_at=local(2026, 11, 12, 9, 0)))
    assert (stopped.rule, stopped.verdict, stopped.closed_on) == (
        "stopped",
        "late",
        date(2026, 11, 12),
    )
    withdrawn = judge(_row(status=7, decided_at=None, closed_at=local(2026, 11, 4, 9, 0)))
    assert (withdrawn.verdict, withdrawn.rule) == ("excluded", "withdrawn")
    never = judge(_row(status=3, accepted_at=None, decided_at=None))
    assert (never.verdict, never.rule, never.received_on) == ("excluded", "refused_at_intake", None)
    no_due = judge(_row(due_at=None))
    assert (no_due.verdict, no_due.rule) == ("in_time", "no_due")


def test_processing_time_leaves_out_the_supplement_wait(db):
    # Monday 02/11 08:00 to Tuesday 03/11 09:00 is 9 working hours; the wait 1 hour of it.
    wait = [(local(2026, 11, 2, 9, 0), local(2026, 11, 2, 10, 0))]
    assert judge(_row()).minutes == 9 * 60
    assert judge(_row(supplement_count=1), wait).minutes == 8 * 60


@pytest.mark.parametrize(
    ("code", "measure"),
    [("2.1", "on_time"), ("3.3", "submitted_online"), ("4.1", "e_results"), ("1.4", "synced")],
)
def test_the_dossiers_behind_a_figure_add_up_to_it(world, month, code, measure):
    figure = unit_index(world.committee, NOVEMBER).indicator(code)
    counted = list(entries(world.committee, NOVEMBER, measure, "counted"))
    numerator = list(entries(world.committee, NOVEMBER, measure, "numerator"))
    outside = list(entries(world.committee, NOVEMBER, measure, "outside"))
    assert len(counted) == figure.denominator
    assert len(numerator) == figure.numerator
    assert len(numerator) + len(outside) == len(counted)
    assert all(f.is_counted for f in counted)
    excluded = {
        f.dossier_id: f.rule for f in entries(world.committee, NOVEMBER, measure, "excluded")
    }
    assert "refused_at_intake" in excluded.values()
    if measure == "on_time":
        assert "withdrawn" in excluded.values()
        assert month["unfinished, past due"].pk in {f.dossier_id for f in outside}


def test_a_published_ranking_never_changes_and_shows_what_was_recomputed(world, month, city):
    board = ranking(city, "commune", NOVEMBER)
    snapshot = publish(city, "commune", NOVEMBER)
    assert [r["electronic_id"] for r in snapshot.rows] == [
        r.agency.electronic_id for r in board.rows + board.unranked
    ]
    before = snapshot.rows
    Payment.objects.create(  # a fee paid online in December for a dossier of November
        dossier=month["early"], agency=world.committee, provider="vnpay", reference="T1",
        amount=50_000, status="paid",
    )  # fmt: skip
    again = publish(city, "commune", NOVEMBER)
    assert again.pk == snapshot.pk and again.rows == before
    changed = recomputed(again, ranking(city, "commune", NOVEMBER))[world.committee.electronic_id]
    assert [(code, old and old[:2], new[:2]) for code, old, new in changed.changes] == [
        ("3.5", [0, 1], [1, 1]),  # the procedure's fee now paid online once
        ("3.6", None, [1, 1]),
    ]


def test_only_a_closed_period_is_published(world, city):
    with pytest.raises(ValueError):
        publish(city, "commune", Period.current("month"))
