"""Reads shared by the portal, the back office and the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import F, Q
from django.utils import timezone

from motcua.identity.models import OfficerRole

from .access import officer_scope, visible_dossiers
from .models import IS_OPEN, Consultation, Dossier, DossierEvent, DossierQuerySet
from .workflow import Action, Status

INBOX_RELATED = ("version__procedure", "variant", "agency", "handler", "handler_agency")


class Box:
    MINE = "mine"  # held by me
    POOL = "pool"  # waiting in my units for one of my roles
    NEW = "new"  # new online dossiers at my desks (status 1)
    CONSULT = "consult"  # my units were asked for an opinion
    ALL = "all"  # everything my units can see


def inbox(user: Any, box: str = Box.MINE, *, q: str = "") -> DossierQuerySet:
    """What is the officer's to do, soonest due first (undated last)."""
    scope = officer_scope(user)
    base = Dossier.objects.select_related(*INBOX_RELATED).filter(IS_OPEN)
    if box == Box.MINE:
        queryset = base.filter(handler=user)
    elif box in (Box.POOL, Box.NEW):
        pools = Q(pk__in=[])
        for role, agencies in scope.by_role.items():
            pools |= Q(handler_role=role, handler_agency__in=agencies)
        if scope.is_system_admin:
            pools = Q()
        queryset = base.filter(pools, handler__isnull=True)
        if box == Box.NEW:
            receiving = scope.by_role.get(OfficerRole.Role.RECEIVER, frozenset())
            queryset = base.filter(status=Status.SUBMITTED, handler_agency__in=receiving)
    elif box == Box.CONSULT:
        queryset = base.filter(
            consultations__to_agency__in=scope.agency_ids, consultations__answered_at__isnull=True
        ).distinct()
    else:
        queryset = visible_dossiers(user, listing=True).select_related(*INBOX_RELATED)
    if q:
        queryset = queryset.filter(Q(code__icontains=q.strip()) | Q(applicant_name__icontains=q))
    return queryset.order_by(F("due_at").asc(nulls_last=True), "submitted_at")


def my_dossiers(user: Any) -> DossierQuerySet:
    return (
        Dossier.objects.filter(applicant=user, parent__isnull=True)
        .select_related("version__procedure", "agency")
        .order_by("-submitted_at")
    )


def dossier_detail(user: Any, code: str) -> Dossier | None:
    """The dossier with ``code`` if ``user`` may see it, else None (never tell which)."""
    return (
        visible_dossiers(user)
        .select_related(
            "version__procedure",
            "version__field",
            "variant",
            "agency__unit",
            "handler",
            "handler_agency",
            "applicant",
            "parent",
        )
        .prefetch_related("files__issued", "children__agency", "consultations__to_agency")
        .filter(code=code)
        .first()
    )


def timeline(dossier: Dossier) -> list[DossierEvent]:
    return list(dossier.events.select_related("actor", "actor_agency", "to_handler", "to_agency"))


# What the public lookup (the API's answer and the portal's page) shows, and the contacts it
# compares; nothing else of the dossier is read.
LOOKUP_COLUMNS = (
    "code", "status", "submitted_at", "accepted_at", "due_at", "returned_at",
    "applicant_phone", "applicant_id_number", "organisation_tax_code",
    "version__name", "version__name_en", "version__procedure__code", "agency__name",
)  # fmt: skip


def public_lookup(code: str, contact: str) -> Dossier | None:
    """A dossier by code plus the phone number or ID number given in it; None otherwise."""
    contact = "".join(contact.split())
    if not code.strip() or len(contact) < 6:
        return None
    # The code is unique: no ordering to compile or run; the procedure comes in the same row,
    # and only the columns the answer shows or the check compares (a dossier row has dozens;
    # compiling and reading them all was most of a lookup's cost, issue 18).
    found = (
        Dossier.objects.select_related("version__procedure", "agency")
        .only(*LOOKUP_COLUMNS)
        .filter(code=code.strip())
        .order_by()[:1]
    )
    if not found:
        return None
    dossier = found[0]
    known = {dossier.applicant_phone, dossier.applicant_id_number, dossier.organisation_tax_code}
    known.discard("")
    phone = contact[3:] if contact.startswith("+84") else contact
    candidates = {contact, "0" + phone if contact.startswith("+84") else contact}
    return dossier if known & candidates else None


def open_consultations(user: Any) -> list[Consultation]:
    scope = officer_scope(user)
    return list(
        Consultation.objects.filter(to_agency__in=scope.agency_ids, answered_at__isnull=True)
        .select_related("dossier", "from_agency", "to_agency", "asked_by")
        .order_by("due_at")
    )


# --- form 04, the process-control slip -------------------------------------------------

HANDOVERS = (
    Action.ACCEPT,
    Action.FORWARD,
    Action.SEND_BACK,
    Action.TRANSFER,
    Action.DECIDE,
    Action.RETURN_RESULT,
    Action.CLAIM,
)


@dataclass(frozen=True)
class SlipRow:
    event: DossierEvent
    giver: str
    giver_agency: str
    receiver: str
    receiver_agency: str
    at: datetime
    step_name: str
    verdict: str  # "early" | "on_time" | "late" | ""


def verdict(done_at: datetime, due: datetime | None) -> str:
    """Trước hạn / đúng hạn / quá hạn for a step finished at ``done_at``."""
    if due is None:
        return ""
    if done_at > due:
        return "late"
    if timezone.localtime(done_at).date() < timezone.localtime(due).date():
        return "early"
    return "on_time"


def control_slip(dossier: Dossier) -> list[SlipRow]:
    rows = []
    for event in timeline(dossier):
        if event.action not in HANDOVERS:
            continue
        receiver = str(event.to_handler or "")
        if not receiver and event.to_role:
            receiver = str(OfficerRole.Role(event.to_role).label)
        rows.append(
            SlipRow(
                event=event,
                giver=event.actor_name,
                giver_agency=str(event.actor_agency or ""),
                receiver=receiver,
                receiver_agency=str(event.to_agency or ""),
                at=event.at,
                step_name=event.step_name,
                verdict=verdict(event.at, event.step_due_at)
                if event.action != Action.CLAIM
                else "",
            )
        )
    return rows
