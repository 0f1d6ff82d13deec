"""Who may see and act on which dossier.

An officer's roles are scoped to agencies. A receiver at an agency also covers every agency
served by the same one-stop desk (the city's public-administration centre receives for all
departments). A system administrator covers everything. Citizens see only their own.
"""

from __future__ import annotations

import operator
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from functools import reduce
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save

from motcua.core.generations import Generation
from motcua.identity.models import OfficerRole, OneStopDesk

from .models import HELD_ELSEWHERE, Consultation, Dossier, DossierEvent, DossierQuerySet

NO_DOSSIER_ROLES = frozenset({OfficerRole.Role.HOTLINE_OPERATOR})


@dataclass(frozen=True)
class OfficerScope:
    is_system_admin: bool = False
    by_role: dict[str, frozenset[int]] = field(default_factory=dict)

    @property
    def agency_ids(self) -> frozenset[int]:
        """The agencies whose dossiers this person works on. A hotline operator's role names
        an agency too (every role must), but records calls for the whole city and reaches no
        dossier, ledger or report through it."""
        ids = [a for role, a in self.by_role.items() if role not in NO_DOSSIER_ROLES]
        return frozenset().union(*ids) if ids else frozenset()

    def holds(self, role: str, agency_id: int | None) -> bool:
        if agency_id is None:
            return False
        return self.is_system_admin or agency_id in self.by_role.get(role, frozenset())

    def covers(self, agency_id: int | None) -> bool:
        return agency_id is not None and (self.is_system_admin or agency_id in self.agency_ids)

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(self.by_role)


def officer_scope(user: Any) -> OfficerScope:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_officer", False):
        if getattr(user, "is_superuser", False):
            return OfficerScope(is_system_admin=True)
        return OfficerScope()
    cached = getattr(user, "_officer_scope", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    key = (ROLES.current(), user.pk, bool(user.is_superuser)) if _shared_cache() else None
    if key is not None:
        kept = _kept_scopes.get(key)
        if kept is not None:
            user._officer_scope = kept
            return kept
    scope = _read_scope(user)
    user._officer_scope = scope
    if key is not None:
        with _kept_lock:
            if len(_kept_scopes) >= MAX_KEPT_SCOPES or any(k[0] != key[0] for k in _kept_scopes):
                _kept_scopes.clear()  # a new generation: the others are never read again
            _kept_scopes[key] = scope
    return scope


def _read_scope(user: Any) -> OfficerScope:
    roles = list(OfficerRole.objects.filter(user=user).values_list("role", "agency_id"))
    by_role: dict[str, set[int]] = defaultdict(set)
    admin = user.is_superuser
    for role, agency_id in roles:
        if role == OfficerRole.Role.SYSTEM_ADMIN:
            admin = True
        elif agency_id is not None:
            by_role[role].add(agency_id)
    receiving = by_role.get(OfficerRole.Role.RECEIVER)
    if receiving:
        desks = OneStopDesk.objects.filter(agencies__in=receiving)
        served = OneStopDesk.agencies.through.objects.filter(onestopdesk__in=desks).values_list(
            "agency_id", flat=True
        )
        receiving.update(served)
    return OfficerScope(admin, {role: frozenset(ids) for role, ids in by_role.items()})


# Officers' scopes kept by the process (issue 18: one or two queries of every officer's
# request, for rows an administrator changes), under a generation in the cache that the
# processes share: any save or delete of a role or a one-stop desk, and any change of the
# units a desk serves, sets a new one at once and again when its transaction commits
# (``roles_changed``), so a role taken away stops working in every process from its commit.
# Kept only when the cache is shared (Redis): another process's local memory would not carry
# the change. A queryset ``update()`` or ``bulk_create`` of these sends no signal: none in
# the code; one added must call ``roles_changed`` itself.
ROLES_GENERATION = "motcua:roles:generation"
MAX_KEPT_SCOPES = 10_000
_kept_scopes: dict[tuple[str, Any, bool], OfficerScope] = {}
_kept_lock = threading.Lock()


def _shared_cache() -> bool:
    return "redis" in settings.CACHES["default"]["BACKEND"].lower()


ROLES = Generation(ROLES_GENERATION)
roles_changed = ROLES.changed  # signal receiver: every process reads the scopes again


def connect() -> None:
    for model in (OfficerRole, OneStopDesk):
        uid = f"scopes-kept-{model.__name__}"
        post_save.connect(roles_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(roles_changed, sender=model, dispatch_uid=f"{uid}-deleted")
    m2m_changed.connect(
        roles_changed, sender=OneStopDesk.agencies.through, dispatch_uid="scopes-kept-desks"
    )


def _reach(agencies: list[int]) -> list[tuple[QuerySet[Any], str]]:
    """Every way a unit reaches a dossier: rows naming one of ``agencies``, and the column of
    those rows holding the dossier's id. Each is served by an index."""
    return [
        (Dossier.objects.filter(agency__in=agencies), "pk"),
        (Dossier.objects.filter(handler_agency__in=agencies), "pk"),
        (DossierEvent.objects.filter(to_agency__in=agencies), "dossier_id"),
        (Consultation.objects.filter(to_agency__in=agencies), "dossier_id"),
    ]


def visible_dossiers(user: Any) -> DossierQuerySet:
    """Every dossier ``user`` may open: their own, or their units' (including dossiers their
    units handled earlier or were consulted on). Shaped to check a few dossiers (by code or
    id): one cheap probe per branch for each. To list them, see ``visible_ranges``."""
    queryset = Dossier.objects.all()
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    scope = officer_scope(user)
    if scope.is_system_admin:
        return queryset
    if not getattr(user, "is_officer", False):
        return queryset.filter(applicant=user)
    reach = _reach(sorted(scope.agency_ids))
    probes = [Exists(rows.filter(**{column: OuterRef("pk")})) for rows, column in reach]
    return queryset.filter(reduce(operator.or_, probes))


def visible_ranges(user: Any) -> list[DossierQuerySet]:
    """The same rule as ``visible_dossiers``, as disjoint index ranges whose union it is, to
    list it in an index's order a page at a time: per unit, its own dossiers
    (``dossier_all_agency``), then those it holds that belong to none of the person's units
    (``dossier_all_held``); and those the units handled earlier or were consulted on and
    neither belong to nor are held by them, gathered from the events' and consultations'
    indexes (read whole: those rows hold no due date). Disjoint, so that pages and counts
    need no de-duplication."""
    if not getattr(user, "is_authenticated", False):
        return []
    scope = officer_scope(user)
    if scope.is_system_admin:
        return [Dossier.objects.all()]
    if not getattr(user, "is_officer", False):
        return [Dossier.objects.filter(applicant=user)]
    agencies = sorted(scope.agency_ids)
    if not agencies:
        return []
    ours = Dossier.objects.filter(agency__in=agencies)
    held = Dossier.objects.filter(HELD_ELSEWHERE).exclude(agency__in=agencies)
    earlier = [rows.order_by().values(column) for rows, column in _reach(agencies)[2:]]
    ranges = [ours.filter(agency=a) for a in agencies]
    ranges += [held.filter(handler_agency=a) for a in agencies]
    ranges.append(
        Dossier.objects.exclude(agency__in=agencies)
        .exclude(handler_agency__in=agencies)
        .filter(pk__in=earlier[0].union(*earlier[1:], all=True))
    )
    return ranges


def may_act(user: Any, dossier: Dossier) -> bool:
    """The accountable handler, or — while the dossier waits in a pool — anyone who holds
    the pool's role in its unit."""
    if dossier.handler_id is not None:
        return bool(dossier.handler_id == user.pk)
    return officer_scope(user).holds(dossier.handler_role, dossier.handler_agency_id)
