"""The demo's history: six months of finished dossiers for the wards and departments, so the
public ranking is meaningful; consistent dates, real codes, an event trail, and index and
summary rows equal to what their rebuilds give."""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction

from motcua.core.calendar import compute_due
from motcua.demo.accounts import find_agency
from motcua.demo.history import (
    MONTHS,
    Habits,
    HistoryReport,
    _Writer,
    history_agencies,
    history_dossiers,
    history_months,
    seed_history,
)
from motcua.demo.services import create_demo_accounts, load_demo_agencies, load_demo_catalogue
from motcua.dossiers import summary
from motcua.dossiers.models import DailySummary, Dossier, DossierEvent
from motcua.dossiers.workflow import Action, Status
from motcua.identity.models import Agency
from motcua.payments.models import Payment
from motcua.reporting import facts
from motcua.reporting.index import ranking, unit_index
from motcua.reporting.models import IndexDay, ProcedureMonth
from motcua.reporting.periods import Period
from motcua.surveys.demo import seed_evaluations
from motcua.surveys.models import Evaluation

NOW = datetime(2026, 11, 20, 10, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
CODE = re.compile(r"^000\.[0-9A-Z]{2}\.\d{2}\.H26-\d{6}-\d{4}$")
WARDS = ("00070", "00004", "00073", "00008", "00025")  # Hoàn Kiếm, Ba Đình and three more


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker) -> Iterator[dict[str, Any]]:
    """Hà Nội with the demo's accounts, the history of five wards and one department."""
    unblocked = django_db_blocker.unblock()
    with unblocked, time_machine.travel(NOW, tick=False), transaction.atomic():
        call_command("load_units", province="01", stdout=StringIO())
        call_command("seed_holidays", stdout=StringIO())
        load_demo_agencies()
        load_demo_catalogue()
        create_demo_accounts()
        units = [find_agency(f"{ward}/peoples_committee") for ward in WARDS]
        units.append(find_agency("000.00.02.H26"))  # Sở Tư pháp
        report = seed_history(agencies=units)
        yield {"report": report, "units": units}
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def test_every_unit_gets_six_months_of_finished_dossiers(seeded):
    report: HistoryReport = seeded["report"]
    assert not report.skipped and report.agencies == 6
    months = history_months(NOW.date())
    assert [m.key for m in months] == ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09",
                                       "2026-10"]  # fmt: skip
    dossiers = list(Dossier.objects.all())
    assert len(dossiers) == report.dossiers
    per_month = Counter((d.agency_id, d.submitted_at.astimezone(NOW.tzinfo).strftime("%Y-%m"))
                        for d in dossiers)  # fmt: skip
    for unit in seeded["units"]:
        for month in months:
            assert 15 <= per_month[(unit.pk, month.key)] <= 50, (unit.name, month.key)
    assert len(set(per_month)) == 6 * MONTHS


def test_dates_codes_and_trail_are_consistent(seeded):
    codes = set()
    for dossier in Dossier.objects.prefetch_related("events"):
        assert CODE.match(dossier.code), dossier.code
        codes.add(dossier.code)
        assert dossier.status == Status.RETURNED and dossier.handler_id is None
        assert dossier.submitted_at <= dossier.accepted_at <= dossier.decided_at
        assert dossier.decided_at <= dossier.returned_at == dossier.closed_at <= NOW
        assert dossier.counting_from is not None and dossier.due_at >= dossier.counting_from
        events = list(dossier.events.all())
        assert [e.action for e in events] == [
            Action.SUBMIT if dossier.channel == 2 else Action.RECEIVE,
            Action.ACCEPT, Action.DECIDE, Action.RETURN_RESULT,
        ]  # fmt: skip
        assert [e.at for e in events] == sorted(e.at for e in events)
        status = None
        for event in events:
            assert event.from_status == status
            status = event.to_status
        assert status == dossier.status
    assert len(codes) == Dossier.objects.count()
    # The appointment is the one acceptance gives (compute_due on the working calendar).
    for dossier in Dossier.objects.select_related("variant").order_by("?")[:100]:
        variant = dossier.variant
        due = compute_due(
            dossier.accepted_at, value=variant.time_limit, unit=variant.time_unit,
            apply_cutoff=True,
        )  # fmt: skip
        assert (due.counting_from, due.due) == (dossier.counting_from, dossier.due_at)
    assert DossierEvent.objects.count() == seeded["report"].events == 4 * len(codes)
    assert Payment.objects.count() == seeded["report"].payments > 0


def test_the_ranking_of_last_month_ranks_the_seeded_wards_with_different_scores(seeded):
    city = Agency.objects.get(electronic_id="000.00.00.H26")
    found = ranking(city, "commune", Period.month(2026, 10))
    ranked = {row.agency.pk: row for row in found.rows}
    wards = seeded["units"][:5]
    assert set(ranked) == {w.pk for w in wards}
    assert len({row.index.total for row in found.rows}) >= 3  # habits make them differ
    assert all(row.previous_rank is not None for row in found.rows)  # September too
    quarter = ranking(city, "commune", Period.quarter(2026, 3))
    assert {row.agency.pk for row in quarter.rows} == {w.pk for w in wards}
    department = unit_index(seeded["units"][5], Period.month(2026, 10))
    assert department.received >= 15 and department.total is not None


def test_the_index_counts_the_seeded_dossiers(seeded):
    october = Period.month(2026, 10)
    for unit in seeded["units"]:
        dossiers = Dossier.objects.filter(
            agency=unit, accepted_at__date__gte=october.start, accepted_at__date__lte=october.end
        )
        index = unit_index(unit, october)
        assert index.received == dossiers.count()
        online = [
            i for i in index.indicators() if i.measure and i.measure.code == "submitted_online"
        ]
        assert online and online[0].numerator == dossiers.filter(channel=2).count()


def _rows(model: Any, *fields: str) -> list[tuple[Any, ...]]:
    return sorted(model.objects.values_list(*fields))


def test_the_kept_rows_equal_a_full_rebuild(seeded):
    days = ("agency_id", "day", "received", "ended", "ended_in_time", "open_delta", "late_delta")
    months = ("agency_id", "procedure_id", "month", "received_online", "paid_online")
    daily = ("agency_id", "day", "procedure_id", *summary.COUNTERS)
    before = (_rows(IndexDay, *days), _rows(ProcedureMonth, *months), _rows(DailySummary, *daily))
    facts.rebuild()
    summary.rebuild()
    after = (_rows(IndexDay, *days), _rows(ProcedureMonth, *months), _rows(DailySummary, *daily))
    assert before == after and before[0]


def test_a_second_run_adds_nothing(seeded):
    before = Dossier.objects.count()
    assert seed_history(agencies=seeded["units"]).skipped
    assert Dossier.objects.count() == before


def test_the_demo_units_are_the_wards_and_departments(seeded):
    units = history_agencies()
    committees = [u for u in units if u.kind == Agency.Kind.PEOPLES_COMMITTEE]
    assert (
        len(committees)
        == Agency.objects.filter(kind=Agency.Kind.PEOPLES_COMMITTEE, unit__level="commune").count()
        > 100
    )
    assert any(u.electronic_id == "000.00.02.H26" for u in units)


def test_the_demo_evaluations_leave_the_history_unrated(seeded):
    history = history_dossiers()
    assert history.count() == seeded["report"].dossiers
    others = Dossier.objects.exclude(pk__in=history)
    assert seed_evaluations(among=others).rated == 0
    assert not Evaluation.objects.exists()


def test_a_run_early_in_the_month_records_nothing_in_the_future(seeded):
    """Run on the morning after the last month's final working day: online dossiers sent that
    evening are not accepted yet (left out); the rest are decided and returned before now."""
    writer = _Writer(random.Random(5), date(2026, 12, 1))
    writer.now = datetime(2026, 12, 1, 8, 20, tzinfo=NOW.tzinfo)
    ward = seeded["units"][0]
    offered = [o for o in writer.catalogue.values() if o.online][:5]
    habits = Habits(volume=20, online=0.5, late=0.5, digitised=0.5, reused=0.5, e_result=0.5,
                    paid_online=0.5)  # fmt: skip
    for i in range(200):
        writer.dossier(ward, offered[i % len(offered)], habits, date(2026, 11, 30), "Phường A")
    assert 0 < len(writer.dossiers) < 200
    for dossier in writer.dossiers:
        assert dossier.submitted_at <= dossier.accepted_at <= dossier.decided_at
        assert dossier.decided_at <= dossier.returned_at <= writer.now
