"""Vietnamese unless the person chose otherwise."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

API_PREFIX = "/api/"
# The machine interfaces: the API and Open311 GeoReport v2 (docs/open311.md).
MACHINE_PREFIXES = (API_PREFIX, "/open311/")


class VietnameseByDefaultMiddleware:
    """Pages are Vietnamese whatever language the browser is set to; the English switch
    (a cookie) is the only way to change it. A citizen on a phone bought abroad still gets
    the official text. Machines calling the API or Open311 may ask for English with
    Accept-Language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(MACHINE_PREFIXES):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


# "\u0000" in a JSON text, not preceded by a backslash that would make it literal text.
JSON_NUL = re.compile(rb"(?<!\\)\\u0000", re.IGNORECASE)


class RefuseNulBytesMiddleware:
    """A NUL byte in the path, the query, a form field or a JSON body is never legitimate, and
    PostgreSQL refuses it in text (a 500 deep in a query); answer 400 at the door instead."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            return _bad_request(request)
        return self.get_response(request)


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
        return True
    if request.method == "POST" and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        return any("\x00" in value for values in request.POST.lists() for value in values[1])
    if request.content_type == "application/json":
        # JSON spells NUL as an escape, which only becomes a NUL once parsed (the API's bodies).
        return b"\x00" in request.body or JSON_NUL.search(request.body) is not None
    return False


def _bad_request(request: HttpRequest) -> HttpResponse:
    from django.core.exceptions import SuspiciousOperation
    from django.http import JsonResponse
    from django.utils.translation import gettext as _
    from django.views.defaults import bad_request

    message = _("Yêu cầu chứa ký tự không hợp lệ.")
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": message}, status=400)
    return bad_request(request, SuspiciousOperation(message))
