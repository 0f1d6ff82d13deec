"""An index target moves as dossiers close: its figure is the real index's
(motcua.reporting.index), over the plan's start to today."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import time_machine

from motcua.dossiers.models import Dossier
from motcua.dossiers.services import accept_dossier, decide_dossier, forward_dossier
from motcua.plans import selectors
from motcua.plans.selectors import TargetState
from motcua.reporting.index import unit_index
from motcua.reporting.periods import Period
from tests.dossiers.world import local

TODAY = date(2026, 11, 25)


def _decided(world, day: int, decided_on: tuple[int, int]) -> Dossier:
    at = local(2026, 11, day, 8, 0)
    dossier = accept_dossier(dossier=world.submit(at=at), officer=world["receiver"], at=at)
    for officer in ("receiver", "specialist"):
        dossier = Dossier.objects.get(pk=dossier.pk)
        forward_dossier(dossier=dossier, officer=world[officer], at=local(2026, 11, day, 8, 5))
    dossier = Dossier.objects.get(pk=dossier.pk)
    month, d = decided_on
    return decide_dossier(dossier=dossier, officer=world["approver"], approve=True,
                          at=local(2026, month, d, 9, 0))  # fmt: skip


def _on_time(world, plan):
    readable = selectors.plan_for(world["approver"], plan.pk)
    return selectors.plan_progress(readable, TODAY).targets[0]


def test_the_on_time_target_moves_as_dossiers_close(world, plan):
    assert _on_time(world, plan).state == TargetState.NO_DATA

    _decided(world, 2, (11, 2))  # early
    first = _on_time(world, plan)
    assert first.state == TargetState.MET
    [unit] = first.units
    assert unit.ratio == Decimal(100) and unit.reading.period_key == "2026-01-01..2026-11-25"

    late = _decided(world, 3, (11, 20))  # past its due date
    assert late.due_at < local(2026, 11, 20, 9, 0)
    second = _on_time(world, plan)
    assert second.state == TargetState.NOT_MET and second.units[0].ratio == Decimal(50)
    # The same figure the index gives for the same unit and dates.
    period = Period.dates(date(2026, 1, 1), TODAY)
    assert unit_index(world.committee, period).indicator("2.1").ratio == Decimal(50)


def test_a_target_the_index_has_no_figure_for_shows_no_data(world, plan):
    target = plan.targets.get(indicator="2.1")
    target.indicator = "9.9"
    target.save()
    assert _on_time(world, plan).state == TargetState.NO_DATA


def test_each_unit_is_scored_once_for_all_its_targets(world, plan, monkeypatch):
    from motcua.plans import services, tracking
    from motcua.plans.services import TargetFields

    for code in ("4.2", "4.3", "5.4"):
        services.add_target(plan=plan, by=world["approver"], fields=TargetFields(
            name=f"Chỉ số {code}", indicator=code, value=Decimal(80),
            deadline=date(2026, 12, 31)))  # fmt: skip
    calls = []
    real = tracking.unit_index
    monkeypatch.setattr(tracking, "unit_index", lambda *a: calls.append(a) or real(*a))
    progress = selectors.plan_progress(selectors.plan_for(world["approver"], plan.pk), TODAY)
    assert len(progress.targets) == 5 and len(calls) == 1


def test_the_figure_on_the_plan_opens_the_dossiers_behind_it(client, world, plan, settings):
    settings.OFFICER_2FA_REQUIRED = False
    import re

    from django.urls import reverse

    _decided(world, 2, (11, 2))
    client.force_login(world["approver"])
    with time_machine.travel(local(2026, 11, 25, 9, 0), tick=False):
        page = client.get(reverse("backoffice:plan", args=[plan.pk])).content.decode()
        [link] = re.findall(r'href="(/can-bo/chi-so/[^"]+)"', page)
        assert link.startswith(f"/can-bo/chi-so/{world.committee.electronic_id}/2.1/?ky=2026-01-01")
        opened = client.get(link.replace("&amp;", "&"))
    assert opened.status_code == 200
    assert Dossier.objects.get().code in opened.content.decode()
