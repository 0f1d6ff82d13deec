"""Arrivals stamped by nginx: a place in the general queue for everyone nginx turns away, in
the order it turned them away, without a request to Python each (docs/overload.md, "Places
given by nginx"; ADR 0019).

Under a burst of three times what the platform serves, the application cannot even hand out
places as fast as people arrive: the room's door is Python too, and the CPUs are already full
of the pages being served. Giving the place at the door then ranks people by when the door
got to them, a lottery again (bench S6-room: arrival order ρ = 0.12). So nginx, which turns
a page away in microseconds, stamps the arrival itself (deploy/nginx.conf):

- the first time a browser opening a page (``Sec-Fetch-Dest: document``, holding neither a
  stamp nor a ticket) is turned away by the cap, nginx writes one line to the arrivals log —
  its clock (``$msec``), its request id (128 random bits), the client's address and the page —
  and gives the browser the id in the ``motcua_den`` cookie; later turn-aways of that
  browser keep the first stamp;
- the application reads the new lines of that log (``ingest``) once a second when it admits
  people, and whenever a stamp it has not seen comes to the door, and gives each arrival its
  ticket in the order of nginx's clock, in one batch under the queue's lock; the ticket's
  secret is derived from the id with the site's key (``secret_of``), so the browser's cookie
  finds its ticket and nobody can make one up;
- an id that is not in the log (made up, or the log not readable here) finds no ticket: the
  door gives a place at the time it is reached, as without nginx.

Nothing here trusts the client: a stamp is a secret nginx chose and wrote down itself; its time
is nginx's. The log is read from ``MOTCUA_WAITROOM_ARRIVALS_LOG`` (empty: places are given at
the door only); where it was read up to is kept in the cache, and a line read twice makes no
second ticket (the secret is unique).
"""

from __future__ import annotations

import base64
import os
import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from motcua.core.transactions import commit_without_waiting_for_the_disk

from .models import Queue, Ticket
from .passes import TICKET_COOKIE
from .services import (
    FORMING_KEY,
    anonymous_tickets,
    expiry,
    free_codes,
    general_queue,
    live_general_ticket,
)

COOKIE = "motcua_den"  # the browser's arrival stamp: nginx's $request_id
STAMP = re.compile(r"^[0-9a-f]{32}$")
LINE = re.compile(r"^(\d{9,12}\.\d{3}) ([0-9a-f]{32}) (\S{1,64}) (/\S{0,2000})$")
OFFSET_KEY = "motcua:waitroom:arrivals"
READ_AT_MOST = 4 * 1024 * 1024  # bytes of log read by one batch (~60,000 arrivals)


def secret_of(stamp: str) -> str:
    """The ticket's secret for an arrival: only the site can compute it from the stamp, and the
    stamp alone (in the log, in the cookie) is not the ticket's capability."""
    digest = salted_hmac("motcua.waitroom.arrival", stamp, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def configured() -> bool:
    return bool(settings.WAITROOM_ARRIVALS_LOG)


def held_by_browser(cookies: dict[str, str]) -> Ticket | None:
    """The general queue's live place this browser holds: its ticket's cookie, else the
    arrival nginx stamped (one place per browser, whichever door it comes back by)."""
    return live_general_ticket(cookies.get(TICKET_COOKIE, "")) or ticket_of(cookies.get(COOKIE, ""))


def stamped_secret(cookies: dict[str, str]) -> str | None:
    """The secret a place taken now must have, for a browser nginx stamped: its arrival's
    line, read later, then finds that place instead of making a second."""
    stamp = cookies.get(COOKIE, "")
    return secret_of(stamp) if STAMP.match(stamp) else None


def ticket_of(stamp: str) -> Ticket | None:
    """The live ticket nginx's stamp stands for, reading the log's new lines if it is not
    there yet. None: no stamp, no log, a stamp nginx never gave, or its ticket ended."""
    if not configured() or not STAMP.match(stamp or ""):
        return None
    secret = secret_of(stamp)
    ticket = live_general_ticket(secret)
    if ticket is None:
        ingest()  # this process's, or another's at the same moment: look again either way
        ticket = live_general_ticket(secret)
    return ticket


@dataclass(frozen=True)
class Arrival:
    at: datetime
    stamp: str
    address: str
    path: str

    @cached_property
    def secret(self) -> str:
        return secret_of(self.stamp)


def parse(line: str) -> Arrival | None:
    """One line of ``log_format motcua_arrival`` (deploy/nginx.conf), or None."""
    found = LINE.match(line.rstrip("\r\n"))
    if found is None:
        return None
    msec, stamp, address, path = found.groups()
    if path.startswith("//"):  # another site's address: never where a ticket leads
        path = "/"
    return Arrival(datetime.fromtimestamp(float(msec), tz=UTC), stamp, address, path[:500])


def _read_new(path: str) -> tuple[list[str], tuple[int, int] | None, bool]:
    """The complete lines written since the last read, where the next read starts
    ((inode, offset)), and whether there is more; a log rotated or truncated is read from
    its beginning."""
    try:
        with open(path, "rb") as log:
            status = os.fstat(log.fileno())
            kept = cache.get(OFFSET_KEY)
            same = isinstance(kept, list | tuple) and len(kept) == 2 and kept[0] == status.st_ino
            offset = int(kept[1]) if same else 0
            if offset > status.st_size:
                offset = 0
            log.seek(offset)
            chunk = log.read(READ_AT_MOST)
    except OSError:
        return [], None, False
    end = chunk.rfind(b"\n") + 1  # a line nginx is still writing waits for the next read
    text = chunk[:end].decode("utf-8", errors="replace")
    return text.splitlines(), (status.st_ino, offset + end), len(chunk) == READ_AT_MOST


def ingest(now: datetime | None = None) -> int:
    """Tickets for the arrivals nginx logged since the last read, in the order of its clock;
    how many were made. Arrivals older than a ticket's life are skipped (their ticket would
    have expired unchecked), and so are an address's beyond its bound
    (MOTCUA_WAITROOM_TICKETS_PER_ADDRESS, as for places taken without signing in)."""
    path = settings.WAITROOM_ARRIVALS_LOG
    if not path:
        return 0
    now = now or timezone.now()
    made = 0
    more = True
    while more:
        lines, position, more = _read_new(path)
        if position is None:
            break
        arrivals = [a for a in map(parse, lines) if a is not None and a.at > now - expiry()]
        if arrivals:
            made += _make_tickets(sorted(arrivals, key=lambda a: a.at), now)
        cache.set(OFFSET_KEY, list(position), None)
    return made


def _within_bounds(arrivals: list[Arrival]) -> list[Arrival]:
    limit = anonymous_tickets()
    allowed: dict[str, int] = {}
    for address, wanted in Counter(a.address for a in arrivals).items():
        room = max(0, limit.limit - limit.count(address))
        allowed[address] = min(room, wanted)
        if allowed[address]:
            limit.hit(address, allowed[address])
    kept = []
    for arrival in arrivals:
        if allowed[arrival.address] > 0:
            allowed[arrival.address] -= 1
            kept.append(arrival)
    return kept


def _make_tickets(arrivals: list[Arrival], now: datetime) -> int:
    by_secret = {a.secret: a for a in arrivals}
    if not _unseen(by_secret):  # read by another process already: no need of the lock
        return 0
    queue = general_queue()
    with transaction.atomic():
        commit_without_waiting_for_the_disk()  # as a place taken at the door (services)
        locked = Queue.objects.select_for_update().get(pk=queue.pk)
        fresh = _within_bounds([by_secret[s] for s in _unseen(by_secret)])
        if not fresh:
            return 0
        codes = free_codes(locked, len(fresh))
        tickets = []
        for arrival, code in zip(fresh, codes, strict=True):
            locked.last_sequence += 1
            locked.last_rank += 1
            tickets.append(
                Ticket(
                    queue=locked,
                    secret=arrival.secret,
                    code=code,
                    sequence=locked.last_sequence,
                    rank=locked.last_rank,
                    next_path=arrival.path,
                    taken_at=arrival.at,
                    checked_at=max(arrival.at, now),
                )
            )
        Ticket.objects.bulk_create(tickets, batch_size=1000)
        locked.save(update_fields=["last_sequence", "last_rank"])
    cache.set(FORMING_KEY, 1, int(expiry().total_seconds()))
    return len(tickets)


def _unseen(by_secret: dict[str, Arrival]) -> list[str]:
    """The secrets of ``by_secret`` no ticket has yet, in its order (the arrivals')."""
    seen: set[str] = set()
    wanted = list(by_secret)
    for start in range(0, len(wanted), 1000):
        part = wanted[start : start + 1000]
        seen.update(Ticket.objects.filter(secret__in=part).values_list("secret", flat=True))
    return [s for s in wanted if s not in seen]
