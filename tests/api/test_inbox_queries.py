"""Each inbox page costs a fixed number of queries, whatever the box holds: the officer's
token and roles, a capped count, the page's ids, its rows with their related rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.dossiers.services import accept_dossier, consult_unit, forward_dossier
from motcua.identity.models import OneStopDesk
from tests.dossiers.world import local

BOXES = ["mine", "pool", "new", "consult", "all"]
# The officer's roles, the desk's units, count, ids, rows (5; 6 for a desk officer): the token,
# checked a moment ago, is kept by the process (MOTCUA_API_TOKEN_CACHE_SECONDS).
PER_PAGE = 5


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
    caller.get("/inbox")  # the token checked in the database once, then kept
    few = {box: _queries(caller, box) for box in BOXES}
    _add(world, 6)
    many = {box: _queries(caller, box) for box in BOXES}
    assert any(many[box][1] > few[box][1] for box in BOXES)  # the boxes did grow
    for box in BOXES:
        assert many[box][0] == few[box][0], box
        assert many[box][0] <= PER_PAGE + (who == "receiver"), (box, many[box])
