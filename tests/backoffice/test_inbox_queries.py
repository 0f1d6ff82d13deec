"""The back office's inbox page costs a fixed number of queries, whatever its tab holds:
five capped tab counts, the page's ids, its rows, their procedures' steps (13 at most)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from motcua.dossiers.services import accept_dossier, forward_dossier
from tests.dossiers.world import local

from .dossier_helpers import make_world

INBOX = reverse("backoffice:inbox")
TABS = ["cua-toi", "cho-nhan", "moi", "xin-y-kien", "tat-ca"]


@pytest.fixture
def world(db, settings):
    return make_world(settings)


def _add(world, n):
    at = local(2026, 11, 23, 8, 0)
    for _ in range(n):
        world.submit(at=at)
        dossier = accept_dossier(dossier=world.submit(at=at), officer=world["receiver"], at=at)
        forward_dossier(dossier=dossier, officer=world["receiver"], at=at)


def _queries(client, tab):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(INBOX, {"hop": tab})
    assert response.status_code == 200
    return len(ctx), response.content.count(b"<tr")


@pytest.mark.parametrize("who", ["receiver", "specialist"])
def test_the_inbox_page_costs_the_same_queries_for_one_dossier_or_many(client, world, who):
    client.force_login(world[who])
    _add(world, 1)
    few = {tab: _queries(client, tab) for tab in TABS}
    _add(world, 5)
    many = {tab: _queries(client, tab) for tab in TABS}
    assert any(many[tab][1] > few[tab][1] for tab in TABS)  # the tabs did grow
    for tab in TABS:
        assert many[tab][0] == few[tab][0], tab
        assert many[tab][0] <= 13, (tab, many[tab])
