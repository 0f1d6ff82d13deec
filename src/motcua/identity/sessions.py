"""How long a signed-in session lasts (ASVS V3.3): signed out after a while without any
request (idle) and, whatever the person does, some hours after signing in (absolute).

Accounts that reach the back office (``User.reaches_back_office``) get the shorter limits:
30 minutes idle and 12 hours in all by default; citizens and businesses 60 minutes and 24
hours (they fill long forms, but a shared computer at a desk or a café must not stay signed
in for two weeks as it used to). The limits are settings (``MOTCUA_*_SESSION_*``,
docs/configuration.md).

The times are kept in the session itself: stamped when someone signs in
(:func:`stamp_sign_in`, a ``user_logged_in`` receiver) and refreshed by
:class:`SessionLimitMiddleware` at most once a minute, so an active session is not written on
every request.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from motcua.core.security import announce

STARTED = "motcua_session_started"
SEEN = "motcua_session_seen"
TOUCH_EVERY_SECONDS = 60


@dataclass(frozen=True)
class SessionLimits:
    idle_seconds: int
    absolute_seconds: int
    sign_in_url_name: str


def limits_for(user: Any) -> SessionLimits:
    if getattr(user, "reaches_back_office", False):
        return SessionLimits(
            settings.OFFICER_SESSION_IDLE_MINUTES * 60,
            settings.OFFICER_SESSION_MAX_HOURS * 3600,
            "backoffice:login",
        )
    return SessionLimits(
        settings.CITIZEN_SESSION_IDLE_MINUTES * 60,
        settings.CITIZEN_SESSION_MAX_HOURS * 3600,
        "portal:login",
    )


def stamp_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """``user_logged_in``: the session's clocks start now (not when an older visit began)."""
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[STARTED] = now
        request.session[SEEN] = now


def expiry_reason(session: Any, limits: SessionLimits, now: float) -> str:
    """``"absolute"``, ``"idle"``, or ``""`` while the session may go on. A session without
    the stamps was signed in before these limits existed: it ends."""
    started, seen = session.get(STARTED), session.get(SEEN)
    if started is None or seen is None:
        return "absolute"
    if now - float(started) > limits.absolute_seconds:
        return "absolute"
    if now - float(seen) > limits.idle_seconds:
        return "idle"
    return ""


class SessionLimitMiddleware:
    """Signs out a session past its limits and sends the person to the right sign-in page
    with a message; placed after the authentication, OTP and message middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            refused = self._check(request, user)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _check(self, request: HttpRequest, user: Any) -> HttpResponse | None:
        now = time.time()
        session = request.session
        limits = limits_for(user)
        reason = expiry_reason(session, limits, now)
        if not reason:
            if now - float(session[SEEN]) >= TOUCH_EVERY_SECONDS:
                session[SEEN] = now
            return None
        announce("session.expired", request=request, user=user, detail={"reason": reason})
        auth.logout(request)
        if request.path.startswith("/api/"):
            return None  # the API answers by its bearer token, never by a redirect
        messages.info(request, _expired_message(reason))
        next_url = request.get_full_path() if request.method in ("GET", "HEAD") else ""
        login = reverse(limits.sign_in_url_name)
        return redirect_to_login(next_url, login) if next_url else HttpResponseRedirect(login)


def _expired_message(reason: str) -> str:
    if reason == "idle":
        return _("Bạn đã lâu không thao tác nên đã được đăng xuất. Vui lòng đăng nhập lại.")
    return _("Phiên đăng nhập đã hết thời gian cho phép. Vui lòng đăng nhập lại.")
