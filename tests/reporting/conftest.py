"""The dossiers' test world, and a month of November 2026 with a dossier for each of Decision
766's rules (shared by the index's and the pages' tests)."""

from __future__ import annotations

import pytest

from motcua.dossiers.models import Dossier
from motcua.dossiers.services import (
    accept_dossier,
    decide_dossier,
    forward_dossier,
    provide_supplement,
    refuse_dossier,
    request_supplement,
    withdraw_dossier,
)
from motcua.identity.models import Agency
from tests.dossiers.world import World, build_world, local


@pytest.fixture
def world(db) -> World:
    return build_world()


def _fresh(dossier):
    return Dossier.objects.get(pk=dossier.pk)


def _accepted(world, at, code="1.000001"):
    dossier = world.submit(code, at=at)
    return accept_dossier(dossier=dossier, officer=world["receiver"], at=at)


def _to_approver(world, dossier, at):
    forward_dossier(dossier=_fresh(dossier), officer=world["receiver"], at=at)
    forward_dossier(dossier=_fresh(dossier), officer=world["specialist"], at=at)


def _decide(world, dossier, at):
    return decide_dossier(dossier=_fresh(dossier), officer=world["approver"], approve=True, at=at)


def _supplement(world, dossier, asked, answered):
    holder = _fresh(dossier).handler or world["receiver"]
    request_supplement(
        dossier=_fresh(dossier), officer=holder, items=[{"name": "Bản sao", "reason": "Mờ"}],
        at=asked,
    )  # fmt: skip
    if answered:
        provide_supplement(dossier=_fresh(dossier), by=world["citizen"], at=answered)


@pytest.fixture
def month(world):
    return november(world)


def november(world):
    """November 2026 at the ward's committee, each dossier a case of Decision 766's rules."""
    cases = {}
    early = _accepted(world, local(2026, 11, 2, 8, 0))
    _to_approver(world, early, local(2026, 11, 2, 8, 5))
    cases["early"] = _decide(world, early, local(2026, 11, 2, 9, 0))

    late = _accepted(world, local(2026, 11, 3, 8, 0))
    _to_approver(world, late, local(2026, 11, 3, 8, 5))
    assert _fresh(late).due_at < local(2026, 11, 20, 9, 0)
    cases["late"] = _decide(world, late, local(2026, 11, 20, 9, 0))

    paused = _accepted(world, local(2026, 11, 5, 8, 0))
    _supplement(world, paused, local(2026, 11, 5, 8, 30), None)  # still waiting at the end
    cases["paused"] = _fresh(paused)

    unfinished_late = _accepted(world, local(2026, 11, 6, 8, 0))
    assert _fresh(unfinished_late).due_at < local(2026, 11, 30, 17, 0)
    cases["unfinished, past due"] = unfinished_late

    unfinished = _accepted(world, local(2026, 11, 30, 16, 0))
    assert _fresh(unfinished).due_at > local(2026, 12, 1, 0, 0)
    cases["unfinished, not yet due"] = unfinished

    withdrawn = _accepted(world, local(2026, 11, 9, 8, 0))
    withdraw_dossier(dossier=_fresh(withdrawn), by=world["citizen"], at=local(2026, 11, 9, 9, 0))
    refused = world.submit(at=local(2026, 11, 10, 8, 0))
    refuse_dossier(
        dossier=refused, officer=world["receiver"], reasons=["Không thuộc thẩm quyền"],
        at=local(2026, 11, 10, 9, 0),
    )  # fmt: skip
    return cases


@pytest.fixture
def city(world):
    return make_city(world)


def make_city(world):
    """A people's committee above both wards' committees."""
    found = Agency.objects.create(
        electronic_id="000.00.00.H99", name="UBND thành phố thử", kind="peoples_committee",
        unit=world.ward.parent,
    )  # fmt: skip
    Agency.objects.filter(pk__in=[world.committee.pk, world.committee2.pk]).update(parent=found)
    return found
