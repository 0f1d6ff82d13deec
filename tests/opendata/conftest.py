"""The reporting tests' world (two wards, a department, the November 2026 month of dossiers
with each of Decision 766's cases) under a city, seen from December 2026, and the files
published into a storage of the test's own."""

from __future__ import annotations

import pytest
import time_machine

from motcua.dossiers.models import Dossier
from motcua.dossiers.services import accept_dossier
from tests.dossiers.world import World, build_world, local
from tests.reporting.conftest import november
from tests.reporting.helpers import with_city

DECEMBER = local(2026, 12, 7, 10, 0)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage"}}  # fmt: skip


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def figures(world):
    """November's dossiers at the first ward, and October's busier month at the second."""
    with time_machine.travel(local(2026, 10, 1, 8, 0), tick=False):
        for day in range(1, 9):
            at = local(2026, 10, day + 4, 8, 0)
            dossier = world.submit(at=at, agency=world.committee2)
            accept_dossier(dossier=dossier, officer=world["receiver2"], at=at)
    cases = november(world)
    city = with_city(world)
    return {"cases": cases, "city": city, "dossiers": Dossier.objects.count()}


@pytest.fixture
def december():
    with time_machine.travel(DECEMBER, tick=False):
        yield DECEMBER
