"""Slowing down password guessing on the portal sign-in, in Django's cache.

Failures are counted per account identifier and per client address (``client_ip``); a count
is forgotten ``LOCKOUT_SECONDS`` after the first failure of its window. At the limit, sign-in
is refused without checking the password until then. The address limit
(``MOTCUA_SIGNIN_FAILURES_PER_ADDRESS``) is higher because many people share one address (a
one-stop desk's kiosk, a mobile network). The counts live in the shared cache (Redis in
production), so they hold across web nodes.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest

from motcua.core.http import client_ip
from motcua.core.throttle import Limit
from motcua.identity.validators import normalise_phone

MAX_FAILURES_PER_ACCOUNT = 5
LOCKOUT_SECONDS = 5 * 60


@dataclass(frozen=True)
class SignInThrottle:
    identifier: str
    address: str

    @classmethod
    def for_request(cls, request: HttpRequest, identifier: str) -> SignInThrottle:
        identifier = identifier.strip()
        canonical = normalise_phone(identifier) or identifier.lower()
        return cls(identifier=canonical, address=client_ip(request))

    @property
    def _limits(self) -> tuple[tuple[Limit, str], ...]:
        return (
            (Limit("signin-account", MAX_FAILURES_PER_ACCOUNT, LOCKOUT_SECONDS), self.identifier),
            (
                Limit("signin-address", settings.SIGNIN_FAILURES_PER_ADDRESS, LOCKOUT_SECONDS),
                self.address,
            ),
        )

    def locked(self) -> bool:
        return any(limit.wait(who) for limit, who in self._limits)

    def record_failure(self) -> None:
        for limit, who in self._limits:
            limit.hit(who)

    def record_success(self) -> None:
        limit, who = self._limits[0]
        limit.reset(who)
