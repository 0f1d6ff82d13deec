"""Counting what one client does, in Django's cache, so that every web node sees the same
counts (Redis in production; the per-process memory cache in development and tests).

A :class:`Limit` allows ``limit`` hits per window of ``seconds`` that starts at the first hit.
Counting uses ``cache.add`` (creates the counter only if absent) and ``cache.incr`` (atomic in
Redis and in the memory cache), never a read followed by a write, so two nodes counting at
once cannot lose a hit.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .admission import RateLimited


@dataclass(frozen=True)
class Limit:
    name: str
    limit: int
    seconds: int
    message: str | Promise = ""  # what a 429 says; may hold %(seconds)d

    def _key(self, who: str) -> str:
        # Hashed: cache keys must be short and plain, and should not hold a phone or an email.
        digest = hashlib.sha256(who.encode()).hexdigest()[:32]
        return f"motcua:limit:{self.name}:{digest}"

    def count(self, who: str) -> int:
        return int(cache.get(self._key(who)) or 0)

    def hit(self, who: str, hits: int = 1) -> int:
        """Count one hit (or ``hits``) for ``who``; the count in the current window, these
        included."""
        key = self._key(who)
        # The window's start, for Retry-After; add() keeps the first one.
        cache.add(f"{key}:start", time.time(), self.seconds)
        cache.add(key, 0, self.seconds)
        try:
            return int(cache.incr(key, hits))
        except ValueError:  # the window ended between add() and incr(): this hit opens one
            cache.add(key, 0, self.seconds)
            return int(cache.incr(key, hits))

    def wait(self, who: str) -> int:
        """Seconds until ``who`` may go on; 0 while under the limit."""
        if self.count(who) < self.limit:
            return 0
        start = cache.get(f"{self._key(who)}:start")
        left = self.seconds if start is None else float(start) + self.seconds - time.time()
        return max(1, math.ceil(left))

    def reset(self, who: str) -> None:
        key = self._key(who)
        cache.delete_many([key, f"{key}:start"])

    def take(self, who: str) -> None:
        """Count one hit; past the limit, raise RateLimited (a 429 with Retry-After)."""
        if self.hit(who) > self.limit:
            seconds = self.wait(who)
            raise RateLimited(seconds, str(self.message) % {"seconds": seconds})


# The expensive writes, per signed-in person (or token owner), whatever node they reach.
def submissions() -> Limit:
    return Limit("submit", settings.SUBMISSIONS_PER_MINUTE, 60, _(
        "Bạn đã nộp quá nhiều hồ sơ trong một phút. Vui lòng thử lại sau %(seconds)d giây."
    ))  # fmt: skip


def uploads() -> Limit:
    return Limit("upload", settings.UPLOADS_PER_MINUTE, 60, _(
        "Bạn đã tải lên quá nhiều tệp trong một phút. Vui lòng thử lại sau %(seconds)d giây."
    ))  # fmt: skip


# Public verification of documents, per client address (portal page and API).
def verifications() -> Limit:
    return Limit("verify", settings.LOOKUP_PER_MINUTE, 60, _(
        "Bạn đã kiểm tra quá nhiều văn bản trong một phút. Vui lòng thử lại sau %(seconds)d giây."
    ))  # fmt: skip
