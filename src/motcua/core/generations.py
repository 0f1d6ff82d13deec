"""A generation: a token in the cache the processes share, renewed when what some process
keeps in its memory changes, so that every process reads it again.

Used for rows an administrator changes and hot requests read (the catalogue's version in
force and names, an officer's roles; ADR 0020). A random token, not a counter: should the
cache lose the key, a new token can never bring back what was kept under an old one. A change
renews it at once and again when its transaction commits: a process that read the old rows
between the two keeps them under the first token only.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.core.cache import cache
from django.db import transaction


class Generation:
    def __init__(self, key: str) -> None:
        self.key = key

    def current(self) -> str:
        value = cache.get(self.key)
        if value is None:  # a cache that lost the key (or was cleared): read afresh
            cache.add(self.key, secrets.token_hex(8), None)
            value = cache.get(self.key, "")
        return str(value)

    def bump(self) -> None:
        cache.set(self.key, secrets.token_hex(8), None)

    def changed(self, **kwargs: Any) -> None:
        """Signal receiver: renewed now and when the transaction commits."""
        self.bump()
        transaction.on_commit(self.bump)
