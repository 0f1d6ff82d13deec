"""The door to the waiting room, around admission control (motcua.core.admission).

- A portal page request that admission control refuses (over capacity) is sent to the room
  (``/hang-cho/``) instead of getting a bare 503; once a queue has formed, newcomers go there
  straight away, behind the people already waiting, until it empties.
- Never sent there: the API and every machine interface (they keep 429/503 with
  Retry-After), the back office and the admin, a form being sent (a POST refused is still the
  503 that says nothing was saved), a draft being filled in by someone signed in (a dossier
  started before the queue formed is never interrupted), and anyone holding a pass.
- The room's own pages are served on their own small budget (``MOTCUA_WAITROOM_INFLIGHT``
  per process), outside the admission limit: checking a ticket must work when the site is full.
- Every request served is counted (motcua.waitroom.capacity), and so is every refusal.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme

from motcua.core.admission import RateLimited, refusal, retry_after
from motcua.core.http import client_ip

from . import arrivals, capacity
from .models import Ticket
from .passes import holds_any_pass, keep_ticket
from .services import FORMING_KEY, count_anonymous_ticket, general_queue, take_ticket

ROOM = "/hang-cho/"
DOOR = ROOM + "cua/"  # where nginx sends a page it turned away: /hang-cho/cua/<the page>
# Machine interfaces and the staff's doors: never queued.
NOT_QUEUED = ("/api/", "/open311/", "/can-bo/", "/admin/", "/thanh-toan/", "/hop-thu-", "/i18n/")
IN_PROGRESS = ("/ho-so-nhap/",)
NOT_COUNTED = ("/healthz", ROOM)


class _Forming:
    """Whether the general queue has people waiting: read from the cache at most once a
    second per process, so that a portal request pays nothing for it."""

    def __init__(self) -> None:
        self.value = False
        self.read_at = 0.0

    def __call__(self) -> bool:
        now = time.monotonic()
        if now - self.read_at >= 1.0:
            self.value = bool(cache.get(FORMING_KEY))
            self.read_at = now
        return self.value

    def forget(self) -> None:
        self.read_at = 0.0


forming = _Forming()


def queueable(request: HttpRequest, path: str | None = None) -> bool:
    """Whether the request (for ``path``, the page nginx turned away at the door, else its
    own) may be sent to the room rather than refused."""
    path = request.path if path is None else path
    if request.method not in ("GET", "HEAD") or path.startswith(NOT_QUEUED):
        return False
    if path == "/healthz" or path.startswith(ROOM):
        return False
    if path.startswith("/" + settings.STATIC_URL.lstrip("/")):
        return False
    if path.startswith(IN_PROGRESS) and settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    return not holds_any_pass(request)


def to_room(request: HttpRequest, wanted: str | None = None) -> HttpResponse:
    """The visitor's place in the general queue is taken now, as they are turned away, and
    the answer goes straight to their ticket's page: the order of the line is the order of
    arrival, not of who next gets through to a room page to ask for a ticket (under a burst
    that would be a lottery again). A browser that already holds a live ticket (its cookie)
    gets that one. When no ticket can be taken (the address's bound, the database failing),
    the room's own page, which offers one. ``wanted``: the page asked for, when it is not this
    request's own (nginx's door)."""
    wanted = _back_to(request, wanted)
    ticket = _ticket_at_the_door(request, wanted)
    if ticket is None:
        target = f"{ROOM}?{urlencode({'tiep': wanted})}"
    else:
        target = f"{ROOM}{ticket.secret}/"
    response = HttpResponseRedirect(target)
    response.status_code = 303
    response["Cache-Control"] = "no-store"
    if ticket is not None:
        keep_ticket(response, ticket)
    return response


def _back_to(request: HttpRequest, wanted: str | None = None) -> str:
    """Where the ticket leads once let in: this page, never another site (``//host``)."""
    path = request.get_full_path() if wanted is None else wanted
    safe = url_has_allowed_host_and_scheme(path, allowed_hosts={request.get_host()})
    return path if safe and path.startswith("/") else "/"


def _ticket_at_the_door(request: HttpRequest, wanted: str) -> Ticket | None:
    if request.headers.get("Sec-Fetch-Dest") != "document" or wanted.split("?", 1)[0] in (
        "/favicon.ico",
        "/robots.txt",
    ):
        # Only a browser opening a page (it says so: Sec-Fetch-Dest: document) is given a place
        # at the door. What a browser fetches by itself, a crawler, a load tool, an old
        # browser: the room's page, where a person takes a place with the form; a client that
        # never follows the room leaves no place behind to hold the line formed for nothing.
        return None
    try:
        held = arrivals.held_by_browser(request.COOKIES)  # its ticket, or nginx's stamp
        if held is not None:
            return held
        count_anonymous_ticket(client_ip(request))
        secret = arrivals.stamped_secret(request.COOKIES)
        return take_ticket(queue=general_queue(), holder=None, next_path=wanted, secret=secret)
    except (RateLimited, DatabaseError):
        return None


class WaitingRoomMiddleware:
    """Place it right before AdmissionMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        limit = int(settings.WAITROOM_INFLIGHT)
        self.room_slots = threading.BoundedSemaphore(limit) if limit > 0 else None
        # The door has slots of its own: thousands checking their tickets must not keep the
        # people nginx turns away from taking their place (bench S6-room, 07/12/2026).
        self.door_slots = threading.BoundedSemaphore(limit) if limit > 0 else None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not settings.WAITROOM:
            if request.path.startswith(DOOR):  # nginx's door with the room turned off
                return refusal(request, status=503, seconds=retry_after())
            return self.get_response(request)
        if request.path.startswith(ROOM):
            return self._room(request)
        if forming() and queueable(request):
            return to_room(request)
        response = self.get_response(request)
        if getattr(response, "overloaded", False):
            capacity.refused.hit()
            if queueable(request):
                return to_room(request)
        elif response.status_code < 500 and not request.path.startswith(NOT_COUNTED):
            capacity.completed.hit()
        return response

    def _room(self, request: HttpRequest) -> HttpResponse:
        request.admission_exempt = True  # type: ignore[attr-defined]
        at_the_door = request.path.startswith(DOOR)
        slots = self.door_slots if at_the_door else self.room_slots
        if slots is not None and not slots.acquire(timeout=0.05):
            # The room itself is full for a moment (thousands checking at once): the ticket
            # is safe on the server; come back in a few seconds.
            return refusal(request, status=503, seconds=retry_after())
        try:
            return door(request) if at_the_door else self.get_response(request)
        finally:
            if slots is not None:
                slots.release()


def door(request: HttpRequest) -> HttpResponse:
    """A page nginx turned away (its cap on requests in flight, deploy/nginx.conf) comes here
    as ``/hang-cho/cua<the page>``: the visitor is given a place as if the application had
    refused it, in the order nginx turned them away. What may not be queued (a form being
    sent, the staff's doors, a pass holder, a draft in progress) gets the 503 it would have
    had."""
    wanted = request.get_full_path()[len(DOOR) - 1 :]
    if not wanted.startswith("/") or wanted.startswith("//"):
        wanted = "/"
    if not queueable(request, wanted.split("?", 1)[0]):
        return refusal(request, status=503, seconds=retry_after())
    # Not counted as a refusal for the room's capacity estimate: the pages nginx turned away
    # were mostly the door's and the room's own newcomers, not served pages, and counting
    # them made every second of a line look saturated at the few pages served (S6-room).
    return to_room(request, wanted)
