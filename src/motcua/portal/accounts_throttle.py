"""Slowing down password guessing on the portal sign-in, in Django's cache.

Failures are counted per account identifier and per client address; a count is forgotten
``LOCKOUT_SECONDS`` after the last failure. At the limit, sign-in is refused without checking
the password until then. The address limit is higher because many people share one address
(a one-stop desk's kiosk, a mobile network). With several processes the cache must be shared
(Redis) for the counts to hold.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest

from motcua.identity.validators import normalise_phone

MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20
LOCKOUT_SECONDS = 5 * 60


def _key(kind: str, value: str) -> str:
    # Hashed: cache keys must be short and plain, and should not hold a phone or an email.
    return f"motcua:signin:{kind}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"


@dataclass(frozen=True)
class SignInThrottle:
    identifier: str
    address: str

    @classmethod
    def for_request(cls, request: HttpRequest, identifier: str) -> SignInThrottle:
        identifier = identifier.strip()
        canonical = normalise_phone(identifier) or identifier.lower()
        return cls(identifier=canonical, address=request.META.get("REMOTE_ADDR") or "")

    @property
    def _account(self) -> str:
        return _key("account", self.identifier)

    @property
    def _address(self) -> str:
        return _key("address", self.address)

    def locked(self) -> bool:
        account_failures: int = cache.get(self._account, 0)
        address_failures: int = cache.get(self._address, 0)
        return (
            account_failures >= MAX_FAILURES_PER_ACCOUNT
            or address_failures >= MAX_FAILURES_PER_ADDRESS
        )

    def record_failure(self) -> None:
        for key in (self._account, self._address):
            cache.set(key, cache.get(key, 0) + 1, LOCKOUT_SECONDS)

    def record_success(self) -> None:
        cache.delete(self._account)
