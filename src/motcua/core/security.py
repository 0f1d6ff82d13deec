"""Security events: the one way any part of the platform reports something the audit trail
must keep (docs/security.md, ASVS V7).

A module that signs someone in, refuses a request, changes an account or exports data calls
:func:`announce`; it does not know who stores the event. The audit app (``motcua.audit``)
connects to :data:`security_event` and appends each event to its hash-chained log, with who,
from where (address, token or session), what and when taken from ``request``.

Event names are dotted, subject first, and stable (they are searched in the log):
``signin.succeeded``, ``signin.failed``, ``signin.throttled``, ``otp.verified``,
``otp.failed``, ``otp.enrolled``, ``otp.removed``, ``password.changed``,
``password.reset_requested``, ``password.reset``, ``token.issued``, ``token.revoked``,
``session.expired``, ``access.denied``, ``account.created``, ``account.changed``,
``account.deactivated``, ``record.created``, ``record.changed``, ``record.deleted``,
``data.exported``, ``command.run``, ``payment.callback_refused``.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import Signal
from django.http import HttpRequest

# Receivers get: event (str), request (HttpRequest | None), user (the account concerned, or
# None), target (what was acted on, e.g. "dossier:H26.1-261206-0001"), detail (a JSON-able
# dict: never a password, a code or a token).
security_event = Signal()


def announce(
    event: str,
    *,
    request: HttpRequest | None = None,
    user: Any = None,
    target: str = "",
    detail: dict[str, Any] | None = None,
) -> None:
    """Report a security event to whoever keeps the audit trail (nobody, in bare tests)."""
    security_event.send(
        sender=announce,
        event=event,
        request=request,
        user=user,
        target=target,
        detail=detail or {},
    )
