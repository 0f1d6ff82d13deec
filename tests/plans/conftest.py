from __future__ import annotations

import pytest

from tests.dossiers.world import World


@pytest.fixture
def world(plan_world) -> World:
    return plan_world
