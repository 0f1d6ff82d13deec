"""The pass an admitted ticket gives: a signed cookie per queue, valid for
``MOTCUA_WAITROOM_PASS_MINUTES`` to start. Checked without the database (the signature and
its age), so that a request holding one costs nothing more."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

from .models import Ticket

COOKIE_PREFIX = "motcua_luot_"
SALT = "motcua.waitroom.pass"


def cookie_name(queue_id: int) -> str:
    return f"{COOKIE_PREFIX}{queue_id}"


def _max_age() -> int:
    return int(settings.WAITROOM_PASS_MINUTES) * 60


def give_pass(response: HttpResponse, ticket: Ticket) -> None:
    value = signing.dumps([ticket.queue_id, ticket.pk], salt=SALT)
    response.set_cookie(
        cookie_name(ticket.queue_id),
        value,
        max_age=_max_age(),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def holds_pass(request: HttpRequest, queue_id: int) -> bool:
    value = request.COOKIES.get(cookie_name(queue_id))
    if not value:
        return False
    try:
        found = signing.loads(value, salt=SALT, max_age=_max_age())
    except signing.BadSignature:  # includes SignatureExpired
        return False
    return isinstance(found, list) and len(found) == 2 and found[0] == queue_id


def holds_any_pass(request: HttpRequest) -> bool:
    queues = (name[len(COOKIE_PREFIX) :] for name in request.COOKIES)
    return any(
        holds_pass(request, int(queue))
        for name, queue in zip(request.COOKIES, queues, strict=True)
        if name.startswith(COOKIE_PREFIX) and queue.isdigit()
    )
