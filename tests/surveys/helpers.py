"""Dossiers taken through the real services to the point where they may be evaluated."""

from __future__ import annotations

from datetime import datetime, timedelta

from motcua.dossiers.intake import provide_supplement, request_supplement
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import (
    accept_dossier,
    decide_dossier,
    forward_dossier,
    return_result,
)
from tests.dossiers.world import World, local


def decided(
    world: World,
    *,
    late: bool = False,
    supplements: int = 0,
    start: datetime | None = None,
    **submit: object,
) -> Dossier:
    """Accepted at 08:00 and decided the same afternoon, or two weeks later when ``late``;
    ``supplements`` requests answered at the desk before acceptance."""
    at = start or local(2026, 11, 23, 8, 0)
    dossier = world.submit(at=at, **submit)  # type: ignore[arg-type]
    for n in range(supplements):
        asked = at + timedelta(minutes=n + 1)
        request_supplement(
            dossier=dossier, officer=world["receiver"], items=[{"name": "Tờ khai"}], at=asked
        )
        provide_supplement(dossier=dossier, by=world["citizen"], at=asked)
        dossier.refresh_from_db()
    at = at + timedelta(minutes=supplements + 1)
    accept_dossier(dossier=dossier, officer=world["receiver"], at=at)
    forward_dossier(dossier=dossier, officer=world["receiver"], at=at + timedelta(minutes=20))
    dossier.refresh_from_db()
    forward_dossier(dossier=dossier, officer=world["specialist"], at=at + timedelta(hours=2))
    dossier.refresh_from_db()
    decided_at = at + (timedelta(days=14) if late else timedelta(hours=5))
    decide_dossier(dossier=dossier, officer=world["approver"], approve=True, at=decided_at)
    dossier.refresh_from_db()
    return dossier


def returned(world: World, **kwargs: object) -> Dossier:
    dossier = decided(world, **kwargs)  # type: ignore[arg-type]
    at = dossier.decided_at + timedelta(minutes=30)  # type: ignore[operator]
    return_result(dossier=dossier, officer=world["receiver"], method="desk", at=at)
    dossier.refresh_from_db()
    return dossier


def complaint(dossier: Dossier, *, late: bool = False) -> object:
    """A feedback item about ``dossier`` (made directly: its services are another lane's)."""
    from motcua.feedback.models import FeedbackItem, Topic

    topic, _ = Topic.objects.get_or_create(code="ho-so", defaults={"name": "Hồ sơ"})
    at = dossier.decided_at
    return FeedbackItem.objects.create(
        code=f"PA-{dossier.pk}",
        channel="portal",
        topic=topic,
        title="Chậm",
        body="Hồ sơ chậm",
        agency=dossier.agency,
        dossier=dossier,
        received_at=at,
        refuse_by=at,
        info_by=at,
        answer_by=at,
        was_late=late,
    )
