"""The monthly report is read from the daily summary alone."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from motcua.catalog.models import ProcedureVersion
from motcua.dossiers.models import DailySummary, Dossier
from motcua.dossiers.reports import (
    carried_rows,
    may_see_report,
    month_rows,
    monthly_report,
    parse_month,
)
from motcua.dossiers.services import accept_dossier, decide_dossier, forward_dossier
from motcua.dossiers.summary import rebuild
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


# --- the cache: a closed month is kept, the current month is counted afresh ------------------

NOVEMBER = date(2026, 11, 1)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


@pytest.fixture
def december(world):
    with time_machine.travel(local(2026, 12, 10, 9, 0), tick=False):
        yield world


def test_a_closed_months_report_is_kept_and_read_without_a_query(
    december, django_assert_num_queries
):
    _decided(december, local(2026, 11, 2, 8, 0), local(2026, 11, 2, 14, 0))
    first = monthly_report(december.committee, NOVEMBER)
    with django_assert_num_queries(0):
        again = monthly_report(december.committee, NOVEMBER)
    assert again.rows == first.rows and again.total.received == 1


def test_a_move_on_a_past_day_renews_the_kept_report(december, committed):
    _decided(december, local(2026, 11, 2, 8, 0), local(2026, 11, 2, 14, 0))
    assert monthly_report(december.committee, NOVEMBER).total.received == 1
    with committed(execute=True):  # the renewal waits for the move's commit
        _decided(december, local(2026, 11, 5, 8, 0), None)  # recorded later for a November day
    report = monthly_report(december.committee, NOVEMBER).total
    assert (report.received, report.in_process) == (2, 1)


def test_a_rebuild_renews_the_kept_report(december, committed):
    _decided(december, local(2026, 11, 2, 8, 0), local(2026, 11, 2, 14, 0))
    DailySummary.objects.all().delete()  # a summary gone wrong…
    assert monthly_report(december.committee, NOVEMBER).total.received == 0  # …is kept…
    with committed(execute=True):
        rebuild()
    assert monthly_report(december.committee, NOVEMBER).total.received == 1  # …until rebuilt


def test_a_renamed_procedure_is_named_afresh_in_a_kept_report(december, committed):
    _decided(december, local(2026, 11, 2, 8, 0), local(2026, 11, 2, 14, 0))
    [row] = monthly_report(december.committee, NOVEMBER).rows
    version = ProcedureVersion.objects.filter(procedure__code=row.code).latest("effective_from")
    version.name = "Tên mới của thủ tục"
    with committed(execute=True):
        version.save()
    [row] = monthly_report(december.committee, NOVEMBER).rows
    assert row.name == "Tên mới của thủ tục"


def test_the_current_month_counts_todays_moves_at_once(december):
    _decided(december, local(2026, 11, 30, 8, 0), None)  # carried into December
    before = monthly_report(december.committee, date(2026, 12, 1)).total
    assert (before.carried_over, before.received) == (1, 0)
    _decided(december, local(2026, 12, 10, 8, 0), local(2026, 12, 10, 8, 30))  # today
    after = monthly_report(december.committee, date(2026, 12, 1)).total
    assert (after.carried_over, after.received, after.resolved, after.in_process) == (1, 1, 1, 1)
