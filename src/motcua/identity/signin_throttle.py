"""Slowing down password guessing: one rule for the three doors (portal, back office, API).

Failures are counted per account identifier, whatever door or address they come from, and
per client address (``client_ip``); a count is forgotten ``LOCKOUT_SECONDS`` after the first
failure of its window. At a limit every door refuses without checking the password, with the
same message (:data:`THROTTLED_MESSAGE`), until the window ends. The address limit
(``MOTCUA_SIGNIN_FAILURES_PER_ADDRESS``) is higher because many people share one address (a
one-stop desk's kiosk, a mobile network). A wrong second-factor code counts as a failure too.
The counts live in the shared cache (Redis in production), so they hold across web nodes.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from motcua.core.http import client_ip
from motcua.core.security import announce
from motcua.core.throttle import Limit

from .validators import normalise_phone

MAX_FAILURES_PER_ACCOUNT = 5
LOCKOUT_SECONDS = 5 * 60
THROTTLED_MESSAGE = _("Bạn đã nhập sai quá nhiều lần. Vui lòng thử lại sau %(minutes)s phút.")


def throttled_message() -> str:
    """What every door says while sign-in is refused (it names no account, no reason)."""
    return str(THROTTLED_MESSAGE) % {"minutes": LOCKOUT_SECONDS // 60}


def canonical_identifier(identifier: str) -> str:
    """One account however its name is written ("0912…" or "+84912…", any letter case)."""
    identifier = identifier.strip()
    return normalise_phone(identifier) or identifier.lower()


@dataclass(frozen=True)
class SignInThrottle:
    identifier: str
    address: str
    door: str

    @classmethod
    def for_request(cls, request: HttpRequest, identifier: str, *, door: str) -> SignInThrottle:
        return cls(canonical_identifier(identifier), client_ip(request), door)

    @property
    def _limits(self) -> tuple[tuple[Limit, str], ...]:
        per_address = settings.SIGNIN_FAILURES_PER_ADDRESS
        return (
            (Limit("signin-account", MAX_FAILURES_PER_ACCOUNT, LOCKOUT_SECONDS), self.identifier),
            (Limit("signin-address", per_address, LOCKOUT_SECONDS), self.address),
        )

    def wait(self) -> int:
        """Seconds until the next attempt is allowed; 0 when it is allowed now."""
        return max(limit.wait(who) for limit, who in self._limits)

    def locked(self) -> bool:
        return self.wait() > 0

    def record_failure(self, request: HttpRequest | None = None) -> None:
        """Count a wrong password or code; announce the moment a limit starts refusing."""
        for (limit, who), scope in zip(self._limits, ("account", "address"), strict=True):
            if limit.hit(who) == limit.limit:
                announce("signin.throttled", request=request, detail={
                    "door": self.door, "scope": scope, "seconds": LOCKOUT_SECONDS,
                })  # fmt: skip

    def record_success(self) -> None:
        """The account's count restarts; the address's does not (it may be guessing)."""
        limit, who = self._limits[0]
        limit.reset(who)
