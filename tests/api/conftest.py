from __future__ import annotations

import pytest
import time_machine

from tests.dossiers.world import World, build_world, local

from .caller import ApiCaller


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def as_user(client):
    """``as_user(user)``: a client calling the API with a fresh token of ``user``."""

    def make(user) -> ApiCaller:
        return ApiCaller.for_user(client, user)

    return make


MONDAY = local(2026, 11, 23, 8, 0)


@pytest.fixture
def monday_morning():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def people(world, as_user):
    """An API caller with a fresh token for each person of the world."""
    return {name: as_user(user) for name, user in world.people.items()}
