from __future__ import annotations

import pytest

from motcua.waitroom.middleware import forming
from tests.dossiers.world import World, build_world


@pytest.fixture(autouse=True)
def _room_settings(settings):
    # Capacity assumed 40 requests/s, 10 requests a visit, 75 %: 3 people let in a second.
    settings.WAITROOM = True
    settings.WAITROOM_START_RATE = 40.0
    settings.WAITROOM_REQUESTS_PER_VISIT = 10
    settings.WAITROOM_SHARE = 0.75
    settings.WAITROOM_TICKET_MINUTES = 10
    settings.WAITROOM_PASS_MINUTES = 15
    forming.forget()
    yield
    forming.forget()


@pytest.fixture
def world(db) -> World:
    return build_world()
