"""Reads shared by the room's pages, the portal's submission start and the admin."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet

from motcua.identity.models import User

from .models import Queue, Ticket, TicketState

LIVE = [TicketState.WAITING, TicketState.ADMITTED]


def event_queue_for(procedure_id: int, at: datetime) -> Queue | None:
    """The event queue a submission of this procedure goes through now: one that covers it
    and has not finished (its deadline is ahead, or people it let in are still in line)."""
    return (
        Queue.objects.filter(procedures=procedure_id)
        .filter(Q(deadline__isnull=True) | Q(deadline__gt=at) | Q(tickets__state__in=LIVE))
        .order_by("opens_at", "pk")
        .first()
    )


def ticket_by_secret(secret: str) -> Ticket | None:
    if not secret or len(secret) > 64:
        return None
    return Ticket.objects.select_related("queue").filter(secret=secret).first()


def ticket_by_code(code: str) -> Ticket | None:
    """A live ticket by the short code a person wrote down (any queue)."""
    code = "".join(code.split()).upper()
    if not code or len(code) > 16:
        return None
    return Ticket.objects.filter(code=code, state__in=LIVE).order_by("-taken_at").first()


def live_tickets_of(user: User) -> QuerySet[Ticket]:
    return Ticket.objects.filter(holder=user, state__in=LIVE).select_related("queue")


@dataclass(frozen=True)
class QueueFigures:
    waiting: int
    admitted: int
    used: int
    expired: int
    before_deadline: int


def queue_figures(queue: Queue) -> QueueFigures:
    counts = Ticket.objects.filter(queue=queue).aggregate(
        waiting=Count("pk", filter=Q(state=TicketState.WAITING)),
        admitted=Count("pk", filter=Q(state=TicketState.ADMITTED)),
        used=Count("pk", filter=Q(state=TicketState.USED)),
        expired=Count("pk", filter=Q(state=TicketState.EXPIRED)),
        before_deadline=Count("pk", filter=Q(before_deadline=True)),
    )
    return QueueFigures(**counts)


def tried_before_deadline(queue: Queue) -> QuerySet[Ticket]:
    """People recorded as having tried before the deadline, in arrival order (for the CSV)."""
    return (
        Ticket.objects.filter(queue=queue, before_deadline=True)
        .select_related("holder", "procedure")
        .order_by("sequence")
    )
