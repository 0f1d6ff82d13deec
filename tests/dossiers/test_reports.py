"""The monthly report is read from the daily summary alone."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from motcua.dossiers.models import Dossier
from motcua.dossiers.reports import (
    carried_rows,
    may_see_report,
    month_rows,
    monthly_report,
    parse_month,
)
from motcua.dossiers.services import accept_dossier, decide_dossier, forward_dossier
from tests.plans import plan_of

from .world import local, officer


def _decided(world, accepted_at, decided_at):
    dossier = accept_dossier(
        dossier=world.submit(at=accepted_at), officer=world["receiver"], at=accepted_at
    )
    forward_dossier(dossier=dossier, officer=world["receiver"], at=accepted_at)
    forward_dossier(dossier=Dossier.objects.get(pk=dossier.pk), officer=world["specialist"],
                    at=accepted_at)  # fmt: skip
    if decided_at:
        decide_dossier(
            dossier=Dossier.objects.get(pk=dossier.pk),
            officer=world["approver"],
            approve=True,
            at=decided_at,
        )
    return dossier


def test_the_report_counts_a_month_and_carries_over_what_is_still_in_process(world):
    _decided(world, local(2026, 10, 30, 8, 0), None)  # October, still in process
    _decided(world, local(2026, 11, 2, 8, 0), local(2026, 11, 2, 14, 0))  # on time
    late = _decided(world, local(2026, 11, 3, 8, 0), local(2026, 11, 20, 9, 0))
    assert late.due_at < local(2026, 11, 20, 9, 0)
    report = monthly_report(world.committee, date(2026, 11, 1))
    [row] = report.rows
    assert row.code == "1.000001" and row.name
    assert (row.carried_over, row.received, row.resolved, row.resolved_late) == (1, 2, 2, 1)
    assert row.in_process == 1
    assert row.on_time_rate == Decimal("50.0")
    assert report.total.received == 2
    october = monthly_report(world.committee, date(2026, 10, 1)).total
    assert (october.carried_over, october.received, october.in_process) == (0, 1, 1)
    assert monthly_report(world.police, date(2026, 11, 1)).rows == []


def test_the_report_reads_only_the_summary_table(world):
    _decided(world, local(2026, 11, 2, 8, 0), local(2026, 11, 2, 14, 0))
    for queryset in (month_rows(world.committee, date(2026, 11, 1)),
                     carried_rows(world.committee, date(2026, 11, 1))):  # fmt: skip
        plan = plan_of(queryset)
        assert not any("dossiers_dossier " in f"{s} " for s in plan.steps), plan
        assert not plan.scans("dossiers_dailysummary"), plan


def test_a_units_report_is_for_its_officers_and_those_of_units_above(world):
    assert may_see_report(world["specialist"], world.committee)
    assert not may_see_report(world["specialist2"], world.committee)
    assert not may_see_report(world["police_specialist"], world.committee)
    city = officer("ubnd.thanhpho", "approver", _city_committee(world))
    assert may_see_report(city, world.committee)
    assert not may_see_report(world["citizen"], world.committee)


def _city_committee(world):
    from motcua.identity.models import Agency

    return Agency.objects.create(
        electronic_id="000.00.00.H26",
        name="UBND Thành phố Hà Nội",
        kind=Agency.Kind.PEOPLES_COMMITTEE,
        unit=world.ward.parent,
    )


def test_a_month_is_read_in_either_notation():
    assert parse_month("2026-11") == parse_month("11/2026") == date(2026, 11, 1)
    for bad in ("2026-13", "11-2026", "tháng 11", "", "2026/11", "0/2026"):
        assert parse_month(bad) is None, bad
