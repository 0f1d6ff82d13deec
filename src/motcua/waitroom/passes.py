"""The pass an admitted ticket gives: a signed cookie per queue, valid for
``MOTCUA_WAITROOM_PASS_MINUTES`` from the ticket's admission (the same bound as
``services.enter``: going in again later never lengthens it). Checked without the database
(the signature and the admission's time), so that a request holding one costs nothing more."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from motcua.core.text import small_int

from .models import Ticket

COOKIE_PREFIX = "motcua_luot_"
SALT = "motcua.waitroom.pass"


def cookie_name(queue_id: int) -> str:
    return f"{COOKIE_PREFIX}{queue_id}"


def _max_age() -> int:
    return int(settings.WAITROOM_PASS_MINUTES) * 60


# The general queue's ticket this browser holds (its secret): asking again while waiting
# finds the same place instead of taking another.
TICKET_COOKIE = "motcua_ve"


def keep_ticket(response: HttpResponse, ticket: Ticket) -> None:
    response.set_cookie(
        TICKET_COOKIE,
        ticket.secret,
        max_age=(int(settings.WAITROOM_TICKET_MINUTES) + int(settings.WAITROOM_PASS_MINUTES)) * 60,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def give_pass(response: HttpResponse, ticket: Ticket) -> None:
    admitted = int((ticket.admitted_at or timezone.now()).timestamp())
    value = signing.dumps([ticket.queue_id, ticket.pk, admitted, ticket.holder_id], salt=SALT)
    response.set_cookie(
        cookie_name(ticket.queue_id),
        value,
        max_age=max(0, admitted + _max_age() - int(time.time())),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def holds_pass(request: HttpRequest, queue_id: int, *, person: Any = None) -> bool:
    """A pass for ``queue_id`` still in its time. With ``person`` (a view, after the sign-in
    is known): a pass whose ticket was taken by an account is that account's alone, so that
    one admitted ticket's cookie, copied, lets in nobody else's account."""
    value = request.COOKIES.get(cookie_name(queue_id))
    if not value:
        return False
    try:
        found = signing.loads(value, salt=SALT, max_age=_max_age())
    except signing.BadSignature:  # includes SignatureExpired
        return False
    if not isinstance(found, list) or len(found) not in (2, 4) or found[0] != queue_id:
        return False
    if len(found) == 2:  # signed before the admission's time and holder were in it
        return True
    holder = found[3]
    if person is not None and holder is not None and holder != getattr(person, "pk", None):
        return False
    return time.time() - float(found[2]) < _max_age()


def holds_any_pass(request: HttpRequest) -> bool:
    # A cookie's name is the client's: only a plain queue id is read (core.text.small_int).
    queues = (small_int(name[len(COOKIE_PREFIX) :]) for name in request.COOKIES)
    return any(
        holds_pass(request, queue)
        for name, queue in zip(request.COOKIES, queues, strict=True)
        if name.startswith(COOKIE_PREFIX) and queue is not None
    )
