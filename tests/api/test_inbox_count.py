"""The inbox's count stops at a cap, so a city-wide box never pays for a full count."""

from __future__ import annotations

from motcua.api import dossiers as api_dossiers
from tests.dossiers.world import local


def test_the_inbox_count_stops_at_the_cap_and_says_so(world, as_user, monkeypatch):
    for minute in range(3):
        world.submit(at=local(2026, 11, 23, 8, minute))
    receiver = as_user(world["receiver"])
    body = receiver.get("/inbox", {"box": "new"}).json()
    assert (body["count"], body["count_capped"], len(body["items"])) == (3, False, 3)
    monkeypatch.setattr(api_dossiers, "INBOX_COUNT_CAP", 2)
    body = receiver.get("/inbox", {"box": "new"}).json()
    assert (body["count"], body["count_capped"], len(body["items"])) == (2, True, 3)
