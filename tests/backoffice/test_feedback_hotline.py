"""The hotline in the back office: an operator records a call (never without the caller's
consent), reads the calls they recorded, and reaches nothing else of the back office."""

from __future__ import annotations

import pytest
from django.urls import reverse

from motcua.identity.models import OfficerRole
from tests.dossiers.world import officer

from .dossier_helpers import make_world, text


@pytest.fixture
def world(db, settings):
    world = make_world(settings)
    operator = officer("tongdai", OfficerRole.Role.HOTLINE_OPERATOR, world.committee)
    world.people["operator"] = operator
    return world


def test_an_operator_sees_no_dossier_of_the_agency_their_role_names(client, world):
    dossier = world.submit()
    client.force_login(world["operator"])
    for box in ("tat-ca", "moi", "cho-nhan"):
        assert dossier.code not in text(client.get(reverse("backoffice:inbox"), {"hop": box}))
    assert client.get(reverse("backoffice:dossier", args=[dossier.code])).status_code == 404
    assert dossier.code not in text(client.get(reverse("backoffice:ledger")))
    report = client.get(reverse("backoffice:report"), {"don-vi": world.committee.electronic_id})
    assert report.status_code == 403
