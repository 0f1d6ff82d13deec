"""The half-way state of a sign-in, between the password step and the code step.

Nobody is signed in until the code is accepted: the session only remembers who passed the
password step, for a few minutes, so a stolen password alone opens nothing. An enrolment
is bound to this state too: the device offered on the enrolment page is remembered in the
session that was shown it, and only that session may confirm it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import django_otp
from django.contrib import auth
from django.http import HttpRequest
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.identity.models import User
from motcua.identity.signin_throttle import SignInThrottle

SESSION_KEY = "backoffice_pending_sign_in"
MAX_AGE_SECONDS = 10 * 60
DOOR = "backoffice"


@dataclass(frozen=True)
class PendingSignIn:
    user: User
    backend: str
    next_url: str
    identifier: str  # as typed at the password step: the sign-in throttle counts by it

    def throttle(self, request: HttpRequest) -> SignInThrottle:
        return SignInThrottle.for_request(request, self.identifier, door=DOOR)


def begin(request: HttpRequest, user: User, next_url: str, identifier: str) -> None:
    request.session[SESSION_KEY] = {
        "user": user.pk,
        "backend": user.backend,  # type: ignore[attr-defined]  # set by authenticate()
        "next": next_url,
        "identifier": identifier,
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
    identifier = state.get("identifier") or user.username
    return PendingSignIn(user, state["backend"], state["next"], identifier)


def offer_device(request: HttpRequest, device: TOTPDevice) -> None:
    """Remember the device this session was shown on the enrolment page."""
    state = request.session[SESSION_KEY]
    request.session[SESSION_KEY] = {**state, "device": device.pk}


def offered_device(request: HttpRequest, sign_in: PendingSignIn) -> TOTPDevice | None:
    """The unconfirmed device shown to this session, if it is still the one on offer."""
    device_id = request.session.get(SESSION_KEY, {}).get("device")
    if device_id is None:
        return None
    devices = TOTPDevice.objects.filter(pk=device_id, user=sign_in.user, confirmed=False)
    return devices.first()


def complete(request: HttpRequest, sign_in: PendingSignIn, device: Device | None) -> None:
    """Sign the user in (a new session key) and, with 2FA, mark the session verified."""
    request.session.pop(SESSION_KEY, None)
    sign_in.throttle(request).record_success()
    auth.login(request, sign_in.user, backend=sign_in.backend)
    if device is not None:
        django_otp.login(request, device)
