"""What the platform serves, measured across processes through Django's cache (Redis in
production, shared by every node), and from it the rate at which the room lets people in.

- Every web process counts the requests it completed (not refused, not the room's own pages)
  per second, locally, and adds the count of a second to the cache key of that second once
  the second is over: one ``incr`` per process per second, not one per request.
- Refusals (the admission limit's 503) are marked the same way.
- ``current_rate()`` is the sum over the last ``WINDOW`` whole seconds, divided by it.
- ``capacity()``: the rate the platform is measured to sustain. It starts at
  ``MOTCUA_WAITROOM_START_RATE``; each time the room admits (once a second) it is updated:
  moved a fifth of the way towards the rate measured while requests were being refused (the
  platform was saturated, so that is what it sustains), or raised to any higher rate served.
- The room lets in ``min(share × capacity, capacity − current rate) / requests per visit``
  people a second (``MOTCUA_WAITROOM_SHARE``, 0.75): at most its share, and never more than
  the capacity left free right now.
"""

from __future__ import annotations

import contextlib
import threading
import time

from django.conf import settings
from django.core.cache import cache

WINDOW = 10
PREFIX = "motcua:waitroom"
CAPACITY_KEY = f"{PREFIX}:capacity"
MINIMUM = 1.0  # requests/s: the room never stops letting people in altogether


class _SecondCounter:
    """Counts in this process for the current second; flushes a finished second to the cache."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.lock = threading.Lock()
        self.second = 0
        self.count = 0

    def hit(self, now: float | None = None) -> None:
        second = int(now if now is not None else time.time())
        with self.lock:
            if second != self.second:
                self._flush()
                self.second, self.count = second, 0
            self.count += 1

    def flush(self) -> None:
        with self.lock:
            self._flush()
            self.count = 0

    def _flush(self) -> None:
        if not self.count:
            return
        key = f"{PREFIX}:{self.name}:{self.second}"
        cache.add(key, 0, WINDOW * 3)
        # Expired between add and incr: the second is too old to matter.
        with contextlib.suppress(ValueError):
            cache.incr(key, self.count)


completed = _SecondCounter("done")
refused = _SecondCounter("shed")


def _sum(name: str, now: float) -> int:
    last = int(now) - 1  # whole seconds only: the current one is still being counted
    keys = [f"{PREFIX}:{name}:{second}" for second in range(last - WINDOW + 1, last + 1)]
    return sum(int(value) for value in cache.get_many(keys).values())


def current_rate(now: float | None = None) -> float:
    """Requests completed per second across every process over the last WINDOW seconds."""
    completed.flush()
    return _sum("done", now if now is not None else time.time()) / WINDOW


def was_refusing(now: float | None = None) -> bool:
    refused.flush()
    return _sum("shed", now if now is not None else time.time()) > 0


def capacity() -> float:
    return float(cache.get(CAPACITY_KEY) or settings.WAITROOM_START_RATE)


def measure(now: float | None = None) -> tuple[float, float]:
    """Update the measured capacity; return (capacity, current rate), both in requests/s."""
    rate = current_rate(now)
    known = capacity()
    if was_refusing(now) and rate < known:
        # Saturated: what it serves now is what it can serve. A fifth of the way each time
        # (once a second), so that one refusal in a quiet minute does not collapse it.
        known = max(0.8 * known + 0.2 * rate, MINIMUM)
    elif rate > known:
        known = rate
    cache.set(CAPACITY_KEY, known, None)
    return known, rate


def admissions_per_second(now: float | None = None) -> float:
    """People the room may let in per second now."""
    known, rate = measure(now)
    share = float(settings.WAITROOM_SHARE)
    free = max(0.0, known - rate)
    return min(share * known, free) / max(1, int(settings.WAITROOM_REQUESTS_PER_VISIT))


def expected_rate() -> float:
    """People per second the room lets in when the platform is otherwise idle (for the
    estimated wait; cheap: no measurement)."""
    share = float(settings.WAITROOM_SHARE)
    return share * capacity() / max(1, int(settings.WAITROOM_REQUESTS_PER_VISIT))
