"""What the platform serves, measured across processes through Django's cache (Redis in
production, shared by every node), and from it the rate at which the room lets people in.

- Every web process counts the requests it completed (not refused, not the room's own pages)
  per second, locally, and adds the count of a second to the cache key of that second once
  the second is over: one ``incr`` per process per second, not one per request. Refusals (the
  admission limit's 503) are counted the same way, and the admission records the people it
  lets in (``let_in``: one ``incr`` a second at most).
- ``current_rate()`` is the requests completed over the last ``WINDOW`` whole seconds,
  divided by it.
- ``capacity()``, K, the rate the platform is measured to sustain, starts at
  ``MOTCUA_WAITROOM_START_RATE``. Each time the room admits (once a second), every whole
  second not yet looked at updates it, once (all but the last second: a process adds its
  count of a second at its first request of the next one):

  - a **saturated** second (something was refused in it) is a sample: K moves a fifth of the
    way towards what was completed *in that second* (or straight up to it, if more). Only
    saturated seconds are samples: once a line has formed, newcomers are sent to the room
    without being served, so the window's average falls while the platform is not saturated at
    all. Taking that average for the capacity made K fall to its minimum within ~20 s of a
    burst, and the room then let in almost nobody (bench S6-room, 07/12/2026).
  - a second in which the room let in all it could and left people waiting (its rate, not
    the line, was the limit), with nothing refused in the whole window: K grows by ``PROBE``
    (3 %). Without it an underestimate (the start rate, or samples taken
    while the platform was busy handing out tickets) never corrects itself: the room lets in
    only its share of K, so what is served never exceeds K. Letting in too many brings
    refusals back, and the saturated seconds pull K down again, a fifth of the way each. With
    no other traffic the room alone saturates the platform only once share × K exceeds its
    rate, so K settles about 1 / share above it; other traffic, when it comes, is refused for
    a few seconds until the samples bring K back down.
  - K is never below the rate served over the window, nor below ``MINIMUM``.

- The room lets in ``min(share × K, K − other) / requests per visit`` people a second
  (``MOTCUA_WAITROOM_SHARE``, 0.75; ``MOTCUA_WAITROOM_REQUESTS_PER_VISIT``), where *other* is
  the traffic that is not the room's own: the rate served minus the people let in over the
  window × requests per visit. With no other traffic it lets in its whole share (counting its
  own flow as other traffic held it to F = K − F, i.e. K / 2).
"""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

WINDOW = 10
PREFIX = "motcua:waitroom"
CAPACITY_KEY = f"{PREFIX}:capacity"
MINIMUM = 1.0  # requests/s: the room never stops letting people in altogether
STEP = 0.2  # the way towards a saturated second's count, per such second
PROBE = 0.03  # growth per second while the room lets people in and nothing is refused


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


def _window(now: float) -> range:
    last = int(now) - 1  # whole seconds only: the current one is still being counted
    return range(last - WINDOW + 1, last + 1)


def _sum(name: str, now: float) -> int:
    keys = [f"{PREFIX}:{name}:{second}" for second in _window(now)]
    return sum(int(value) for value in cache.get_many(keys).values())


def current_rate(now: float | None = None) -> float:
    """Requests completed per second across every process over the last WINDOW seconds."""
    completed.flush()
    return _sum("done", now if now is not None else time.time()) / WINDOW


def was_refusing(now: float | None = None) -> bool:
    refused.flush()
    return _sum("shed", now if now is not None else time.time()) > 0


def let_in(people: int, now: float | None = None, *, held: bool = False) -> None:
    """The admission let ``people`` in at ``now``: the room's own flow, told apart from the
    other traffic (one ``incr``, once a second at most). ``held``: it let in all its credit
    allowed and people were left waiting (its rate, not the line, was the limit)."""
    if people <= 0:
        return
    second = int(now if now is not None else time.time())
    key = f"{PREFIX}:in:{second}"
    cache.add(key, 0, WINDOW * 3)
    with contextlib.suppress(ValueError):
        cache.incr(key, people)
    if held:
        cache.set(f"{PREFIX}:held:{second}", 1, WINDOW * 3)


def _state(value: object) -> tuple[float, int | None]:
    """(K, the last second folded into it) from the cache's value. An older release stored K
    alone."""
    if isinstance(value, (list, tuple)) and len(value) == 2:
        return float(value[0]), None if value[1] is None else int(value[1])
    if isinstance(value, (int, float)) and value > 0:
        return float(value), None
    return float(settings.WAITROOM_START_RATE), None


def capacity() -> float:
    return _state(cache.get(CAPACITY_KEY))[0]


@dataclass(frozen=True)
class Reading:
    capacity: float  # K, requests/s
    rate: float  # requests completed per second over the window
    room: float  # of which the room's own flow: people let in × requests per visit


def _per_visit() -> int:
    return max(1, int(settings.WAITROOM_REQUESTS_PER_VISIT))


def read(now: float | None = None) -> Reading:
    """Update the measured capacity with the seconds not yet seen; what is served now."""
    now = now if now is not None else time.time()
    completed.flush()
    refused.flush()
    seconds = _window(now)
    names = ("done", "shed", "in", "held")
    keys = [f"{PREFIX}:{name}:{second}" for name in names for second in seconds]
    found = cache.get_many([*keys, CAPACITY_KEY])
    done, shed, let, held = (
        {s: int(found.get(f"{PREFIX}:{name}:{s}") or 0) for s in seconds} for name in names
    )
    known, through = _state(found.get(CAPACITY_KEY))
    refusing = any(shed.values())
    settled = int(now) - 2  # the last second every process has added by now
    for second in range(max(seconds.start, (through or 0) + 1), settled + 1):
        if shed[second]:  # saturated: what it served in that second is what it can serve
            served = float(done[second])
            known = served if served > known else known + STEP * (served - known)
        elif held[second] and not refusing:  # people held back, nothing refused: probe up
            known *= 1 + PROBE
    rate = sum(done.values()) / WINDOW
    known = max(known, rate, MINIMUM)
    cache.set(CAPACITY_KEY, (known, max(settled, through or settled)), None)
    return Reading(known, rate, sum(let.values()) * _per_visit() / WINDOW)


def measure(now: float | None = None) -> tuple[float, float]:
    """Update the measured capacity; return (capacity, current rate), both in requests/s."""
    reading = read(now)
    return reading.capacity, reading.rate


def admissions_per_second(now: float | None = None) -> float:
    """People the room may let in per second now: its share of the capacity, less what the
    other traffic leaves free."""
    reading = read(now)
    share = float(settings.WAITROOM_SHARE)
    other = max(0.0, reading.rate - reading.room)
    free = max(0.0, reading.capacity - other)
    return min(share * reading.capacity, free) / _per_visit()


def expected_rate() -> float:
    """People per second the room lets in when the platform is otherwise idle (for the
    estimated wait; cheap: no measurement)."""
    share = float(settings.WAITROOM_SHARE)
    return share * capacity() / _per_visit()
