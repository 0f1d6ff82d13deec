"""The site's URLs plus one view that holds its request until the test lets it go."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import path

from motcua.urls import handler500  # noqa: F401  (the site's own error pages)
from motcua.urls import urlpatterns as site

entered = threading.Event()
release = threading.Event()


def hold(request: HttpRequest) -> HttpResponse:
    entered.set()
    release.wait(timeout=30)
    return HttpResponse("done")


def touch_session(request: HttpRequest) -> HttpResponse:
    request.session["seen"] = True  # saved by SessionMiddleware after the view returns
    return HttpResponse("saved")


def allow_one_request(settings: Any) -> None:
    """Admission control with one slot and no wait for it; the holding view made ready."""
    settings.MAX_INFLIGHT = 1
    settings.ADMISSION_WAIT_MS = 0
    entered.clear()
    release.clear()


@contextlib.contextmanager
def slot_held(client: Any) -> Iterator[threading.Thread]:
    """The only slot held by a request of ``client`` in another thread until the block ends
    (the same client: each test client has its own middleware, hence its own slots)."""
    holder = threading.Thread(target=client.get, args=("/giu-lai/",))
    holder.start()
    assert entered.wait(timeout=10)
    try:
        yield holder
    finally:
        release.set()
        holder.join(timeout=10)


urlpatterns = [path("giu-lai/", hold), path("phien/", touch_session), *site]
