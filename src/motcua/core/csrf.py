"""The page a form answers when Django's CSRF check refuses it (settings.CSRF_FAILURE_VIEW).

A person meets it when a page was left open until its session ended, when they signed in or
out in another tab, or when their browser refuses cookies: in Vietnamese, in the site's own
layout, saying that nothing was sent and how to go on, with a link back to the page they
came from when that page is ours.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from .security import announce


def page_before(request: HttpRequest) -> str:
    """The address of the page the refused form was on, when it is one of this site's."""
    referer = request.headers.get("Referer", "")
    if not referer or not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    return referer


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    user = getattr(request, "user", None)
    announce(
        "access.denied",
        request=request,
        user=user if user is not None and user.is_authenticated else None,
        target=request.path,
        # Django's reason says which check failed (no cookie, wrong origin...), never a token.
        detail={"check": "csrf", "reason": reason},
    )
    context = {"back": page_before(request)}
    return render(request, "403_csrf.html", context, status=403)
