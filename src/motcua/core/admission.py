"""Admission control: under a burst, answer at once with 503 (or 429) and ``Retry-After``
rather than let requests queue until they time out or fail with a 500.

Three things answer "try again in N seconds" (docs/overload.md):

- a per-process limit on requests in flight (``MOTCUA_MAX_INFLIGHT``): a request that finds
  no free slot within ``MOTCUA_ADMISSION_WAIT_MS`` gets 503 before it touches the database;
- the database being out of reach: the connection pool's timeout (psycopg_pool.PoolTimeout,
  which Django raises as ``OperationalError``), PostgreSQL restarting, SQLite locked. The
  view's transaction has rolled back by then, so nothing was half saved; the answer is 503;
- a client over its rate for an expensive action (:class:`RateLimited`, see
  ``motcua.core.throttle``): 429.

Pages get a short Vietnamese page saying that nothing was saved and that sending again is
safe; ``/api/`` gets JSON ``{"detail": ..., "retry_after": N}``.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
HEALTH_PATH = "/healthz"


class RateLimited(Exception):
    """One client asked too often: answered 429 with ``Retry-After: retry_after``."""

    def __init__(self, retry_after: int, message: str = "") -> None:
        super().__init__(message or f"rate limited for {retry_after}s")
        self.retry_after = max(1, retry_after)
        self.message = message


def retry_after() -> int:
    """Seconds a client should wait: the configured base plus up to as much again, so that
    the clients turned away together do not all come back in the same second."""
    base = max(1, int(settings.RETRY_AFTER_SECONDS))
    return random.randint(base, 2 * base)


def _exempt(request: HttpRequest) -> bool:
    # WhiteNoise answers static files above this middleware; one it does not know still
    # costs nothing. The health check must keep answering when the site is busy. A request
    # an outer middleware admitted on its own budget (the waiting room's pages) is not
    # counted twice.
    path = request.path
    return (
        path == HEALTH_PATH
        or path.startswith("/" + settings.STATIC_URL.lstrip("/"))
        or getattr(request, "admission_exempt", False)
    )


def refusal(request: HttpRequest, *, status: int, seconds: int, message: str = "") -> HttpResponse:
    """The 503/429 answer: JSON under /api/, else an accessible page. Touches neither the
    database nor the session, which may be what is out of reach."""
    if request.path.startswith(API_PREFIX):
        if not message:
            message = (
                _("Quá nhiều yêu cầu. Vui lòng thử lại sau %(seconds)d giây.")
                if status == 429
                else _("Hệ thống đang quá tải. Vui lòng thử lại sau %(seconds)d giây.")
            ) % {"seconds": seconds}
        response: HttpResponse = JsonResponse(
            {"detail": message, "retry_after": seconds}, status=status
        )
    else:
        context = {
            # Explicit, so that the page never loads the session or the user from the database.
            "user": AnonymousUser(),
            "messages": [],
            "seconds": seconds,
            "was_post": request.method == "POST",
            "message": message,
            "retry_url": request.get_full_path() if request.method == "GET" else "",
        }
        response = render(request, f"{status}.html", context, status=status)
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    return response


def database_unavailable(request: HttpRequest, error: BaseException) -> HttpResponse:
    logger.warning("503 for %s %s: database unavailable (%s)", request.method, request.path, error)
    return refusal(request, status=503, seconds=retry_after())


class AdmissionMiddleware:
    """Place it after LocaleMiddleware (the answer is in the visitor's language) and before
    anything that reads the session or the database."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.limit = int(settings.MAX_INFLIGHT)
        self.wait = max(0, int(settings.ADMISSION_WAIT_MS)) / 1000
        self.slots = threading.BoundedSemaphore(self.limit) if self.limit > 0 else None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.slots is None or _exempt(request):
            return self.get_response(request)
        if not self.slots.acquire(timeout=self.wait):
            logger.warning("503 for %s %s: %d requests in flight", request.method, request.path,
                           self.limit)  # fmt: skip
            response = refusal(request, status=503, seconds=retry_after())
            # Seen by the waiting room (an outer middleware): over capacity, not a failure.
            response.overloaded = True  # type: ignore[attr-defined]
            return response
        try:
            return self.get_response(request)
        finally:
            self.slots.release()

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RateLimited):
            return refusal(
                request, status=429, seconds=exception.retry_after, message=exception.message
            )
        if isinstance(exception, OperationalError):
            return database_unavailable(request, exception)
        return None
