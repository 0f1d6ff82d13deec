"""Dossiers for the reporting tests, and a city on top of the lifecycle world: Hà Nội's
people's committee is the parent of both wards' committees and of a department, as in the
demo."""

from __future__ import annotations

from datetime import datetime

from motcua.dossiers.models import Dossier
from motcua.dossiers.services import accept_dossier, decide_dossier, forward_dossier
from motcua.identity.models import Agency
from tests.dossiers.world import World


def with_city(world: World) -> Agency:
    city = Agency.objects.create(
        electronic_id="000.00.00.H26", name="UBND Thành phố Hà Nội",
        kind=Agency.Kind.PEOPLES_COMMITTEE, unit=world.ward.parent,
    )  # fmt: skip
    Agency.objects.filter(
        pk__in=[world.committee.pk, world.committee2.pk, world.land_dept.pk]
    ).update(parent=city)
    for agency in (world.committee, world.committee2, world.land_dept):
        agency.refresh_from_db()
    return city


def accepted(world: World, at: datetime, agency: Agency | None = None) -> Dossier:
    receiver = world["receiver2"] if agency == world.committee2 else world["receiver"]
    dossier = world.submit(at=at, agency=agency or world.committee)
    return accept_dossier(dossier=dossier, officer=receiver, at=at)


def decided(world: World, accepted_at: datetime, decided_at: datetime) -> Dossier:
    """A dossier of the first ward's committee, accepted then decided (approved)."""
    dossier = accepted(world, accepted_at)
    forward_dossier(dossier=dossier, officer=world["receiver"], at=accepted_at)
    forward_dossier(dossier=Dossier.objects.get(pk=dossier.pk), officer=world["specialist"],
                    at=accepted_at)  # fmt: skip
    return decide_dossier(
        dossier=Dossier.objects.get(pk=dossier.pk), officer=world["approver"], approve=True,
        at=decided_at,
    )  # fmt: skip
