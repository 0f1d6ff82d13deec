"""Vietnamese unless the person chose otherwise."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

API_PREFIX = "/api/"


class VietnameseByDefaultMiddleware:
    """Pages are Vietnamese whatever language the browser is set to; the English switch
    (a cookie) is the only way to change it. A citizen on a phone bought abroad still gets
    the official text. Machines calling the API may ask for English with Accept-Language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
