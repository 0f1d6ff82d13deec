"""The half-way state of a sign-in, between the password step and the code step.

Nobody is signed in until the code is accepted: the session only remembers who passed the
password step, for a few minutes, so a stolen password alone opens nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import django_otp
from django.contrib import auth
from django.http import HttpRequest
from django_otp.models import Device

from motcua.identity.models import User

SESSION_KEY = "backoffice_pending_sign_in"
MAX_AGE_SECONDS = 10 * 60


@dataclass(frozen=True)
class PendingSignIn:
    user: User
    backend: str
    next_url: str


def begin(request: HttpRequest, user: User, next_url: str) -> None:
    request.session[SESSION_KEY] = {
        "user": user.pk,
        "backend": user.backend,  # type: ignore[attr-defined]  # set by authenticate()
        "next": next_url,
        "started": time.time(),
    }


def pending(request: HttpRequest) -> PendingSignIn | None:
    state = request.session.get(SESSION_KEY)
    if not state or time.time() - state["started"] > MAX_AGE_SECONDS:
        request.session.pop(SESSION_KEY, None)
        return None
    user = User.objects.filter(pk=state["user"], is_active=True).first()
    if user is None:
        return None
    return PendingSignIn(user=user, backend=state["backend"], next_url=state["next"])


def complete(request: HttpRequest, sign_in: PendingSignIn, device: Device | None) -> None:
    """Sign the user in (a new session key) and, with 2FA, mark the session verified."""
    request.session.pop(SESSION_KEY, None)
    auth.login(request, sign_in.user, backend=sign_in.backend)
    if device is not None:
        django_otp.login(request, device)
