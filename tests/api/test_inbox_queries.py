"""Each inbox page costs a fixed number of queries, whatever the box holds: the officer's
roles (unless kept), a capped count, and the page (its ids as the subquery of its rows' read;
the names of its procedures and units kept by the process, catalog.selectors.labels)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.dossiers.services import accept_dossier, consult_unit, forward_dossier
from motcua.identity.models import OneStopDesk
from tests.dossiers.world import local

BOXES = ["mine", "pool", "new", "consult", "all"]
# The officer's roles, the count, the page (3; 4 for a desk officer: the units the desk
# serves): the token, checked a moment ago, is kept by the process
# (MOTCUA_API_TOKEN_CACHE_SECONDS).
PER_PAGE = 3


def _add(world, n):
    at = local(2026, 11, 23, 8, 0)
    for _ in range(n):
        world.submit(at=at)
        dossier = accept_dossier(dossier=world.submit(at=at), officer=world["receiver"], at=at)
        forward_dossier(dossier=dossier, officer=world["receiver"], at=at)
        consult_unit(
            dossier=dossier, officer=world["specialist"], to_agency=world.police, question="?"
        )


def _queries(caller, box):
    with CaptureQueriesContext(connection) as ctx:
        body = caller.get("/inbox", {"box": box, "page_size": 100}).json()
    return len(ctx), len(body["items"])


@pytest.mark.parametrize("who", ["receiver", "specialist", "police_specialist"])
def test_an_inbox_page_costs_the_same_queries_for_one_dossier_or_many(world, as_user, who):
    OneStopDesk.objects.get().agencies.add(world.police)  # the desk serves two units
    _add(world, 1)
    caller = as_user(world[who])
    for box in BOXES:  # the token, and the names of the units and procedures, read once, then kept
        caller.get("/inbox", {"box": box})
    few = {box: _queries(caller, box) for box in BOXES}
    _add(world, 6)
    many = {box: _queries(caller, box) for box in BOXES}
    assert any(many[box][1] > few[box][1] for box in BOXES)  # the boxes did grow
    for box in BOXES:
        assert many[box][0] == few[box][0], box
        assert many[box][0] <= PER_PAGE + (who == "receiver"), (box, many[box])


@pytest.mark.parametrize("who", ["receiver", "specialist"])
def test_with_the_roles_kept_a_page_is_its_count_and_its_page(world, as_user, who, monkeypatch):
    from motcua.dossiers import access

    monkeypatch.setattr(access, "_shared_cache", lambda: True)  # as with Redis
    access._kept_scopes.clear()
    _add(world, 2)
    caller = as_user(world[who])
    for box in ("mine", "pool", "all"):  # the token, the roles and the names read, then kept
        caller.get("/inbox", {"box": box})
    for box in ("mine", "pool", "all"):
        assert _queries(caller, box)[0] == 2, box
    access._kept_scopes.clear()
