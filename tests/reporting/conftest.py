"""The lifecycle world with a city on top (see helpers.with_city)."""

from __future__ import annotations

import pytest

from tests.dossiers.world import World, build_world

from .helpers import with_city


@pytest.fixture
def world(db, settings) -> World:
    settings.OFFICER_2FA_REQUIRED = False
    world = build_world()
    world.city = with_city(world)  # type: ignore[attr-defined]
    return world
