"""The site's URLs plus one view that holds its request until the test lets it go."""

from __future__ import annotations

import threading

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


urlpatterns = [path("giu-lai/", hold), path("phien/", touch_session), *site]
