from __future__ import annotations

import pytest

from tests.dossiers.world import World, build_world

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
