"""An account whose password someone else set (an administrator) must set its own before
anything else: every page sends it to its change page. API calls with a token are refused
by the token check instead (api/auth.py), with a 403."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

# What a forced account may still open: the change page, signing out, and the sign-in steps
# (an officer reaches the change page through the second factor). The API has its own rule.
_OPEN = frozenset({
    "portal:password-change", "portal:logout",
    "backoffice:password-change", "backoffice:logout",
    "backoffice:login", "backoffice:verify", "backoffice:enrol",
    "set_language", "healthz",
})  # fmt: skip


def change_page_of(user: Any) -> str:
    """The URL name of the page where ``user`` changes their password."""
    return (
        "portal:password-change"
        if getattr(user, "uses_portal", False)
        else ("backoffice:password-change")
    )


def must_change_password(user: Any) -> bool:
    return bool(user.is_authenticated and getattr(user, "must_change_password", False))


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if not must_change_password(request.user):
            return None
        match = request.resolver_match
        if match is None or match.view_name in _OPEN or match.route.startswith("api/"):
            return None
        return redirect(change_page_of(request.user))
