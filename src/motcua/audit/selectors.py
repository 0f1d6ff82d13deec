"""Who reads the audit log, and which of its entries."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from motcua.dossiers.access import officer_scope
from motcua.identity.models import OfficerRole

from .models import Entry


def _admin_agencies(user: Any) -> frozenset[int]:
    return officer_scope(user).by_role.get(OfficerRole.Role.UNIT_ADMIN, frozenset())


def may_read_log(user: Any) -> bool:
    """System administrators (all of it), unit administrators (their own officers' part)."""
    return officer_scope(user).is_system_admin or bool(_admin_agencies(user))


def entries_for(user: Any) -> QuerySet[Entry]:
    if officer_scope(user).is_system_admin:
        return Entry.objects.all()
    agencies = _admin_agencies(user)
    if not agencies:
        return Entry.objects.none()
    officers = OfficerRole.objects.filter(agency__in=agencies).values("user_id")
    return Entry.objects.filter(actor_id__in=officers)


def filtered(
    entries: QuerySet[Entry],
    *,
    event: str = "",
    person: str = "",
    start: date | None = None,
    end: date | None = None,
) -> QuerySet[Entry]:
    """Entries of an event (or its family: "signin" for every signin.*), by a person (their
    account name as recorded), between two local days (both included); newest first."""
    if event:
        entries = entries.filter(Q(event=event) | Q(event__startswith=f"{event}."))
    if person:
        entries = entries.filter(actor__iexact=person.strip())
    if start:
        entries = entries.filter(
            recorded_at__gte=timezone.make_aware(datetime.combine(start, time.min))
        )
    if end:
        until = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
        entries = entries.filter(recorded_at__lt=until)
    return entries.order_by("-sequence")
