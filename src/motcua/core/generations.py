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
import threading
from typing import Any

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction

# Within a request, every generation is read from the cache once, and all of those a request
# has ever needed in one round trip (MGET) at its first read: a monthly report read four of
# them, one GET each, a third of its cache time (issue 18). A request sees one moment of
# every generation; a change it makes itself it sees at once (``remember``). Outside a request
# (jobs, commands) each read goes to the cache.
_request = threading.local()
_known: tuple[str, ...] = ()
_known_lock = threading.Lock()


def read(key: str) -> Any:
    """The generation token kept under ``key``, None when the cache has none."""
    memo: dict[str, Any] | None = getattr(_request, "memo", None)
    if memo is None:
        return cache.get(key)
    if key not in memo:
        global _known
        wanted = (key,) if memo else tuple({*_known, key})
        found = cache.get_many(wanted)
        memo.update({name: found.get(name) for name in wanted})
        if key not in _known:
            with _known_lock:
                _known = tuple({*_known, key})
    return memo[key]


def remember(key: str, value: Any) -> None:
    """What this request wrote or read afresh under ``key``: the rest of it reads that."""
    memo: dict[str, Any] | None = getattr(_request, "memo", None)
    if memo is not None:
        memo[key] = value


def _request_started(**kwargs: Any) -> None:
    _request.memo = {}


def _request_finished(**kwargs: Any) -> None:
    _request.memo = None


request_started.connect(_request_started, dispatch_uid="motcua.generations.started")
request_finished.connect(_request_finished, dispatch_uid="motcua.generations.finished")


class Generation:
    def __init__(self, key: str) -> None:
        self.key = key

    def current(self) -> str:
        value = read(self.key)
        if value is None:  # a cache that lost the key (or was cleared): read afresh
            cache.add(self.key, secrets.token_hex(8), None)
            value = cache.get(self.key, "")
            remember(self.key, value)
        return str(value)

    def bump(self) -> None:
        token = secrets.token_hex(8)
        cache.set(self.key, token, None)
        remember(self.key, token)

    def changed(self, **kwargs: Any) -> None:
        """Signal receiver: renewed now and when the transaction commits."""
        self.bump()
        transaction.on_commit(self.bump)
