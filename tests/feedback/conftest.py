from __future__ import annotations

import pytest

from motcua.feedback.models import Topic, WardPoint
from motcua.identity.models import OfficerRole
from tests.dossiers.world import World, build_world, officer


@pytest.fixture
def world(db) -> World:
    """The lifecycle world, with a hotline operator and reference points for both wards."""
    world = build_world()
    world.people["operator"] = officer(
        "tongdai", OfficerRole.Role.HOTLINE_OPERATOR, world.land_dept
    )
    WardPoint.objects.create(ward=world.ward, latitude="21.028800", longitude="105.852000")
    WardPoint.objects.create(ward=world.ward2, latitude="21.035000", longitude="105.834000")
    return world


@pytest.fixture
def topic(db) -> Topic:
    return Topic.objects.get(code="chieu-sang")
