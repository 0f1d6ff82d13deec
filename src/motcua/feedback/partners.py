"""The ``api_key`` of an Open311 partner app: issued once, kept only as a hash.

A key is 256 random bits, so a plain SHA-256 is enough to keep it safe at rest (a slow
password hash protects guessable secrets; nobody guesses 43 random characters), and it lets
the first eight characters find the row without scanning the table. The key itself is shown
to the administrator once, when issued, and never again.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from .models import PartnerApp

PREFIX_LENGTH = 8
# A fixed key (the demo's) must still be long enough not to be guessed.
MIN_KEY_LENGTH = 20


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_key(app: PartnerApp, key: str | None = None) -> str:
    """Give ``app`` a new key (replacing any old one, which stops working) and return it.

    ``key`` fixes the key instead of drawing one: for the demo, whose key is printed in the
    README. Production apps get a random key."""
    key = key if key is not None else secrets.token_urlsafe(32)
    if len(key) < MIN_KEY_LENGTH or not key.isascii():
        raise ValueError(f"an api_key has at least {MIN_KEY_LENGTH} ASCII characters")
    app.key_prefix = key[:PREFIX_LENGTH]
    app.key_hash = _digest(key)
    if app.pk:
        app.save(update_fields=["key_prefix", "key_hash"])
    else:
        app.save()
    return key


def partner_for_key(key: str) -> PartnerApp | None:
    """The active app holding ``key``, or None (unknown, revoked or empty)."""
    if len(key) < MIN_KEY_LENGTH or not key.isascii():
        return None
    digest = _digest(key)
    for app in PartnerApp.objects.filter(key_prefix=key[:PREFIX_LENGTH], is_active=True):
        if hmac.compare_digest(app.key_hash, digest):
            return app
    return None
