"""What the providers' callbacks may cost us when they are not genuine.

Anyone can send a callback: its body is read only up to a bound (a provider's notification is
a few hundred bytes), and what a refused one leaves is bounded too — its first KB, its size
and the SHA-256 of the whole, enough to recognise it again and to show the provider, never a
copy of whatever was sent. A client address whose callbacks keep being refused as forged
(bad signature, another agency's merchant code or account, too large) is answered 429 for a
while, and its callbacks are then neither read nor stored.

Refusals of genuine callbacks (an unknown order, a wrong amount, one already paid) are the
provider's retries and reconciliation's business: they are kept whole and never throttled.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.http import HttpRequest

from motcua.core.http import client_ip
from motcua.core.security import announce
from motcua.core.throttle import Limit

from .models import PaymentEvent
from .services import Outcome, record

MAX_BYTES = 16 * 1024  # a notification is under 2 KB; more is not one
KEPT_BYTES = 1024  # of a refused body, what is stored
REFUSALS = 20  # forged callbacks one address may send per WINDOW before it gets 429
WINDOW = 600  # seconds
TOO_LARGE = "too_large"
# Refusals that say the sender is not the provider, or not ours: counted per address.
FORGED = (Outcome.BAD_SIGNATURE, Outcome.WRONG_PAYEE, TOO_LARGE)


def refusals() -> Limit:
    return Limit("payment-refused", REFUSALS, WINDOW)


def wait(request: HttpRequest) -> int:
    """Seconds the client must wait before a callback of theirs is read again; 0 if none."""
    return refusals().wait(client_ip(request))


def declared_size(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def body(request: HttpRequest) -> bytes | None:
    """The request's body, or None when it is larger than MAX_BYTES (read no further)."""
    if declared_size(request) > MAX_BYTES:
        return None
    raw = request.read(MAX_BYTES + 1)
    return None if len(raw) > MAX_BYTES else raw


def summary(raw: bytes, size: int | None = None) -> dict[str, Any]:
    """What a refused callback leaves: its start, its size and the SHA-256 of all of it."""
    return {
        "excerpt": raw[:KEPT_BYTES].decode("utf-8", "replace"),
        "size": len(raw) if size is None else size,
        "sha256": hashlib.sha256(raw).hexdigest() if size is None else "",
    }


def refuse(
    request: HttpRequest,
    *,
    provider: str,
    outcome: str,
    raw: bytes = b"",
    size: int | None = None,
    stored: bool = True,
    reference: str = "",
) -> None:
    """Keep a forged callback bounded (unless the crediting already ``stored`` it), count it
    against the sender's address, and announce it to the audit trail."""
    address = client_ip(request)
    facts = summary(raw, size)
    if stored:
        record(provider, PaymentEvent.Kind.CALLBACK, outcome, payload=facts,
               remote_address=address)  # fmt: skip
    refusals().hit(address)
    announce(
        "payment.callback_refused",
        request=request,
        target=f"payment:{reference[:40]}" if reference else "",
        detail={"provider": provider, "outcome": outcome, "size": facts["size"],
                "sha256": facts["sha256"]},
    )  # fmt: skip
