"""A browser-like burst that follows the waiting room (S6-room; docs/overload.md, "The waiting
room"; docs/benchmarks.md, "S6-room").

Each visitor is a person with their own cookie jar who arrives at a scheduled time (an open
loop: arrivals do not wait for answers) and asks one portal page. Sent to the room (303 to
``/hang-cho/``), or turned away by nginx's own 503 page (which links to the room), it does what
a person without JavaScript does: reads the room's page, takes a ticket with the page's form
(its CSRF token), reads its ticket page, presses "Kiểm tra lại" every few seconds, and when
let in follows "Vào cổng dịch vụ công" (``/vao/``) and gets the page it asked for.

What is recorded per visitor: arrival time and rank, tickets taken, when the ticket page first
said "let in", the final status, the requests made, the errors. What is reported: Spearman's
rank correlation between arrival order and admission order among the queued, the lost (arrived
and never got the page), the duplicated (two tickets for one visitor, one ticket for two), 5xx,
time in the room, recovery after the burst.

Above ~400 arrivals a second (``CLIENT_MAX_RATE``) the visitors are dealt to several client
processes (``crowd``) sharing one schedule and one start time.

Against any running server, e.g. the demo (``make demo``; see docs/overload.md):

    python -m bench.room --base http://127.0.0.1:8000 --visitors 500 --rate 50
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import math
import multiprocessing
import re
import sys
import threading
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import aiohttp

from bench.stats import percentile, recovery_seconds

ROOM = "/hang-cho/"
STAMP_COOKIE = "motcua_den"  # nginx's stamp of an arrival it turned away (deploy/nginx.conf)
DOOR = ROOM + "cua/"  # where nginx sends the pages its cap turns away (deploy/nginx.conf)
# A person pressing "Kiểm tra lại": every 10 s (the page's own opt-in refresh is every 30 s).
# Every 3 s, a thousand people waiting ask the room's small budget 333 times a second.
CHECK_EVERY = 10.0


def navigation(url: str) -> dict[str, str]:
    """What a browser sends when a person opens a page or sends a form: the room gives a place
    at the door only to such requests (a client that does not follow the room gets none)."""
    return {"Referer": url, "Sec-Fetch-Dest": "document", "Sec-Fetch-Mode": "navigate"}


TIMEOUT_S = 30.0
# Arrivals per second this one client process starts reliably on a shared machine: beyond it the
# schedule slips and the burst is not the one asked for.
CLIENT_MAX_RATE = 400.0
# Client processes at most (``crowd``): the burst is 3× the page's rate, ~680/s on a quiet
# machine, more than one process starts on time.
CLIENT_PROCESSES = 8
MAX_REQUESTS = 400  # per visitor: a visitor that loops is stopped and counted as lost


# --- statistics (pure; tests/bench/test_room.py) ----------------------------------------------


def average_ranks(values: Sequence[Any]) -> list[float]:
    """1-based ranks of ``values`` (anything ordered); tied values share the average of the
    ranks they span."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        shared = (i + j) / 2 + 1
        for k in range(i, j + 1):
            ranks[order[k]] = shared
        i = j + 1
    return ranks


def spearman(xs: Sequence[Any], ys: Sequence[Any]) -> float | None:
    """Spearman's rank correlation (Pearson's on average ranks, so ties are right); None with
    fewer than two pairs or when either side is constant."""
    if len(xs) != len(ys):
        raise ValueError("spearman needs pairs")
    if len(xs) < 2:
        return None
    rx, ry = average_ranks(xs), average_ranks(ys)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    vx = sum((a - mx) ** 2 for a in rx)
    vy = sum((b - my) ** 2 for b in ry)
    if vx == 0 or vy == 0:
        return None
    return float(cov / (vx * vy) ** 0.5)


@dataclass
class Visitor:
    rank: int  # arrival order, 0-based
    path: str
    scheduled: float  # monotonic time it was due to arrive
    arrived: float = 0.0  # monotonic time it began its first request
    # Monotonic time its first request's headers left for the server (aiohttp's trace): the
    # arrival the network sees. A client process short of CPU may start a visit seconds
    # before it gets to send it; other processes' visitors then arrive in between.
    sent: float | None = None
    queued: bool = False  # sent to the room (303) or to nginx's 503 page
    by_nginx: bool = False  # turned away by nginx: sent to the room's door, or to its 503 page
    tickets: list[str] = field(default_factory=list)  # codes of the tickets it took
    # The arrival nginx stamped, turning it away (cookie motcua_den): its place, held on the
    # server, whether or not it got through to see it (docs/overload.md).
    stamp: str = ""
    # Its ticket's secret, from the redirect that gave it (the capability in the ticket's
    # address), before it read the ticket's page: the place is its, seen or not.
    secret: str = ""
    ticket_at: float | None = None  # when its (first) ticket was taken
    ticket_wall: float | None = None  # the same, time.time(): against the server's records
    admitted: float | None = None  # first time its ticket page said "let in"
    entered: int = 0  # times it went through /vao/ to the page
    done: float | None = None  # got the page it asked for (200)
    first_ms: float | None = None  # latency of the first answer (direct visitors: the page)
    status: int = 0  # the last answer's status (0: none, timeout or dropped)
    requests: int = 0
    five_xx: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def arrival(self) -> float:
        """When the visitor arrived, as the network sees it: its first request sent."""
        return self.sent if self.sent is not None else self.arrived

    @property
    def ok(self) -> bool:
        return self.done is not None

    @property
    def direct(self) -> bool:
        return self.ok and not self.queued


@dataclass
class Report:
    visitors: int
    queued: int
    direct: int
    admitted: int
    ticket_holders: int
    spearman: float | None  # arrival order against admission order, the queued
    spearman_ticket: float | None  # ticket order against admission order: the room's own
    lost: int
    duplicated: int
    five_xx: int
    requests: int
    room_p50_s: float | None
    room_p95_s: float | None
    direct_p95_ms: float | None
    recovery_s: float | None
    errors: dict[str, int]
    # Of the queued, sent by nginx's 503 page (to take a ticket on the room's page) and, of
    # those, who ever got one.
    by_nginx: int = 0
    by_nginx_ticket: int = 0

    def line(self) -> str:
        rho = "n/a" if self.spearman is None else f"{self.spearman:.3f}"
        rho_t = "n/a" if self.spearman_ticket is None else f"{self.spearman_ticket:.3f}"
        rec = "n/a" if self.recovery_s is None else f"{self.recovery_s:.0f} s"
        p50 = "n/a" if self.room_p50_s is None else f"{self.room_p50_s:.0f} s"
        p95 = "n/a" if self.room_p95_s is None else f"{self.room_p95_s:.0f} s"
        return (
            f"{self.visitors} visitors: {self.direct} served directly, {self.queued} queued "
            f"({self.ticket_holders} took a ticket, {self.admitted} let in; {self.by_nginx} "
            f"turned away by nginx, {self.by_nginx_ticket} of them took a ticket); Spearman "
            f"{rho} (arrival), {rho_t} (ticket); lost {self.lost}, duplicated "
            f"{self.duplicated}, 5xx {self.five_xx} of "
            f"{self.requests} requests; time in the room p50 {p50}, p95 {p95}; recovery {rec}"
        )


def duplicated(visitors: Sequence[Visitor]) -> int:
    """Visitors holding more than one ticket, plus tickets two visitors hold, plus visitors
    let in through /vao/ more than once."""
    holders = Counter(code for v in visitors for code in set(v.tickets))
    return (
        sum(1 for v in visitors if len(set(v.tickets)) > 1)
        + sum(1 for n in holders.values() if n > 1)
        + sum(1 for v in visitors if v.entered > 1)
    )


def report(
    visitors: Sequence[Visitor], burst_end: float, normal_p95_ms: float | None, slack: float = 2.0
) -> Report:
    """The figures of a run. Admission order: when each queued visitor's ticket page first said
    "let in" (ties, within one check interval, share their average rank). Recovery: seconds
    after ``burst_end`` until newcomers over a 2-second window all get the page directly, with
    a p95 within ``slack`` × the pre-burst p95."""
    queued = [v for v in visitors if v.queued]
    let_in = sorted((v for v in queued if v.admitted is not None), key=lambda v: v.rank)
    rho = spearman([v.rank for v in let_in], [v.admitted or 0.0 for v in let_in])
    held = [v for v in let_in if v.ticket_at is not None]
    rho_ticket = spearman([v.ticket_at for v in held], [v.admitted for v in held])
    waits = [v.admitted - v.arrived for v in let_in if v.admitted is not None]
    samples = [
        (v.scheduled, v.first_ms or 0.0, 200 if v.direct else 303)
        for v in visitors
        if v.scheduled >= burst_end
    ]
    recovery = (
        recovery_seconds(samples, burst_end, normal_p95_ms, tolerance=slack)
        if normal_p95_ms
        else None
    )
    errors = Counter(e for v in visitors for e in set(v.errors))
    return Report(
        visitors=len(visitors),
        queued=len(queued),
        direct=sum(1 for v in visitors if v.direct),
        admitted=len(let_in),
        ticket_holders=sum(1 for v in queued if v.tickets),
        by_nginx=sum(1 for v in queued if v.by_nginx),
        by_nginx_ticket=sum(1 for v in queued if v.by_nginx and v.ticket_at is not None),
        spearman=rho,
        spearman_ticket=rho_ticket,
        lost=sum(1 for v in visitors if not v.ok),
        duplicated=duplicated(visitors),
        five_xx=sum(v.five_xx for v in visitors),
        requests=sum(v.requests for v in visitors),
        room_p50_s=percentile(waits, 50),
        room_p95_s=percentile(waits, 95),
        direct_p95_ms=percentile([v.first_ms for v in visitors if v.direct and v.first_ms], 95),
        recovery_s=recovery,
        errors=dict(errors),
    )


@dataclass
class Ledger:
    """What the database says about the burst's tickets (bench.prepare room)."""

    tickets: int  # taken during the run
    unseen: int  # taken, but no visitor read its page: an answer lost on the way
    spearman: float | None  # arrival sequence against the admission time recorded
    # The visitors' own arrival order against the admission time the server recorded for their
    # ticket (the client sees an admission only at its next check: up to CHECK_EVERY late).
    spearman_arrival: float | None = None
    # The same visitors' arrival as the platform recorded it (the ticket's taken_at: nginx's
    # clock for a place it stamped, the application's for one given by it) against the
    # admission; and the client's arrival against that record (what the load generator's own
    # delays, a request waiting for the client's CPU or connection, do to "arrival").
    spearman_recorded: float | None = None
    spearman_client_record: float | None = None
    in_line: int = 0  # visitors not served by the end whose ticket is still in the line
    stranded: int = 0  # visitors not served with no ticket in the line: places lost
    passed: int = 0  # visitors let in (pass taken) still trying for their page at the end
    # People let in a second (the server's record) while the room's rate held people back,
    # and the number of admissions that did (0: the room emptied the line at every one).
    admission_rate: float | None = None
    held_back: int = 0


def admission_rate(
    admissions: Sequence[float], waits: Sequence[tuple[float, float | None]], window: float = 10.0
) -> tuple[float | None, int]:
    """People let in a second while the room's rate held them back, and how many admissions
    did. ``admissions``: every admission time recorded (time.time(); one admission lets its
    batch in at one time); ``waits``: (ticket taken, let in or None) of the tickets whose
    taking time is known. An admission counts when someone who held a ticket before it was
    left waiting after it (the room lets people in in rank order: its rate, not the line,
    was the limit); it let in its batch for the time since the previous one (at most
    ``window``, the most credit an admission carries). A line emptied at every admission held
    nobody back: (None, 0)."""
    batches = sorted(Counter(admissions).items())
    let_in = elapsed = 0.0
    held = 0
    for (before, _n), (at, size) in itertools.pairwise(batches):
        if any(taken < at and (done is None or done > at) for taken, done in waits):
            let_in += size
            elapsed += min(at - before, window)
            held += 1
    return (let_in / elapsed if elapsed > 0 else None), held


def ledger(visitors: Sequence[Visitor], tickets: Sequence[dict[str, Any]]) -> Ledger:
    """``tickets``: the queue's rows taken during the run (code, sequence, state,
    admitted_at, taken_at; ``stamp`` / ``secret`` for a place a visitor holds by nginx's
    stamp or by the redirect that gave it). A visitor's ticket is the one whose code it read
    on the ticket's page, else the one its stamp or that redirect's secret holds: a place on
    the server its cookies find whenever it gets through to it, not an answer lost on the
    way."""
    held = {t["stamp"]: t["code"] for t in tickets if t.get("stamp")}
    held.update({t["secret"]: t["code"] for t in tickets if t.get("secret")})
    visitors = [
        v
        if v.tickets or not (key := next((k for k in (v.stamp, v.secret) if k in held), ""))
        else replace(v, tickets=[held[key]])
        for v in visitors
    ]
    seen = {code for v in visitors for code in v.tickets}
    let_in = [t for t in tickets if t.get("admitted_at")]
    by_code = {t["code"]: t for t in tickets}
    # The admission order: by admission time, and within one admission (a batch let in at
    # once, up to hundreds at a time) in the order the room took them, the line's sequence.
    # Time alone ties a whole batch, which lowers ρ with nothing out of order.
    admitted = [
        (v, by_code[v.tickets[0]])
        for v in sorted(visitors, key=lambda v: v.rank)
        if len(set(v.tickets)) == 1
        and v.tickets[0] in by_code
        and by_code[v.tickets[0]].get("admitted_at")
    ]
    pairs = [(v.arrival, (_when(t["admitted_at"]) or 0.0, int(t["sequence"]))) for v, t in admitted]
    recorded = [
        (v.arrival, taken, (_when(t["admitted_at"]) or 0.0, int(t["sequence"])))
        for v, t in admitted
        if (taken := _when(t.get("taken_at"))) is not None
    ]
    live = {"waiting", "admitted"}
    unserved = [v for v in visitors if not v.ok]
    in_line = sum(
        1 for v in unserved if v.tickets and by_code.get(v.tickets[-1], {}).get("state") in live
    )
    # Let in (the pass taken) and still trying for the page when the run ended: not lost.
    passed = sum(
        1 for v in unserved if v.tickets and by_code.get(v.tickets[-1], {}).get("state") == "used"
    )
    waits = [
        (v.ticket_wall, _when(by_code[v.tickets[0]].get("admitted_at")))
        for v in visitors
        if v.ticket_wall is not None and v.tickets and v.tickets[0] in by_code
    ]
    rate, held = admission_rate([_when(t["admitted_at"]) or 0.0 for t in let_in], waits)
    return Ledger(
        admission_rate=rate,
        held_back=held,
        tickets=len(tickets),
        unseen=sum(1 for t in tickets if t["code"] not in seen),
        spearman=spearman(
            [float(t["sequence"]) for t in let_in],
            [datetime.fromisoformat(str(t["admitted_at"])).timestamp() for t in let_in],
        ),
        spearman_arrival=spearman([a for a, _ in pairs], [b for _, b in pairs]),
        spearman_recorded=spearman([r for _, r, _ in recorded], [b for _, _, b in recorded]),
        spearman_client_record=spearman([a for a, _, _ in recorded], [r for _, r, _ in recorded]),
        in_line=in_line,
        passed=passed,
        stranded=len(unserved) - in_line - passed,
    )


def shortfalls(found: Report, books: Ledger, share_rate: float) -> list[str]:
    """What S6-room's target misses (empty: met). ``share_rate``: the people a second the room
    should let in, its share of the measured capacity / requests per visit. Recovery is not
    in it: while people wait newcomers go behind them, so newcomers are served directly again
    only once the line is empty, queued ÷ the room's rate later (docs/benchmarks.md)."""
    missing = []
    if found.admitted < 10:
        missing.append("the room did not form")
    if books.spearman_arrival is None or books.spearman_arrival < 0.95:
        missing.append("arrival order ρ < 0.95")
    if books.stranded:
        missing.append(f"{books.stranded} lost")
    if found.duplicated:
        missing.append(f"{found.duplicated} duplicated")
    if books.unseen:
        missing.append(f"{books.unseen} tickets unseen")
    # A room that emptied the line at every admission held nobody back: nothing to miss.
    if books.held_back and (books.admission_rate or 0.0) < 0.8 * share_rate:
        missing.append("the room let in < 80 % of its share")
    return missing


def _when(value: Any) -> float | None:
    return datetime.fromisoformat(str(value)).timestamp() if value else None


# --- reading pages --------------------------------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str]


class Page(HTMLParser):
    """The forms (with their inputs' values) and the links of a page."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self.links: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(Form(a.get("action", ""), a.get("method", "get").lower(), {}))
        elif tag in ("input", "textarea") and self.forms and a.get("name"):
            self.forms[-1].fields[a["name"]] = a.get("value", "")
        elif tag == "a" and a.get("href"):
            self.links.append(a["href"])


def ticket_form(page: Page) -> Form | None:
    """The room's "Lấy lượt" form (the header's language switch is a POST form too)."""
    return next(
        (f for f in page.forms if f.method == "post" and urlsplit(f.action).path == ROOM), None
    )


TICKET = re.compile(r"^/hang-cho/([A-Za-z0-9_-]{20,64})/$")
ENTER = re.compile(r"^/hang-cho/([A-Za-z0-9_-]{20,64})/vao/$")
CODE = re.compile(r"(?:Lượt|Ticket) ([A-Z2-9]{8})\b")


# --- the visitor ----------------------------------------------------------------------------


class Browser:
    """One person: a cookie jar of their own, redirects followed by hand (to see them)."""

    def __init__(self, base: str, connector: aiohttp.BaseConnector, visitor: Visitor) -> None:
        self.base = base
        self.v = visitor
        trace = aiohttp.TraceConfig()
        trace.on_request_headers_sent.append(self._sent)
        self.session = aiohttp.ClientSession(
            trace_configs=[trace],
            connector=connector,
            connector_owner=False,
            # 127.0.0.1 is an address, not a name; and the base counts as HTTPS, as in front of
            # the TLS nginx terminates in production: the CSRF cookie is a Secure one there.
            cookie_jar=aiohttp.CookieJar(unsafe=True, treat_as_secure_origin=[base]),
            timeout=aiohttp.ClientTimeout(total=TIMEOUT_S),
            headers={"Accept-Language": "vi", "User-Agent": "motcua-bench-room"},
        )

    async def close(self) -> None:
        await self.session.close()

    async def _sent(self, *_args: Any) -> None:
        if self.v.sent is None:
            self.v.sent = time.monotonic()

    async def request(
        self, method: str, path: str, data: dict[str, str] | None = None
    ) -> tuple[int, str, str, float, float]:
        """(status, Location, body, started, ms); status 0 on a timeout or a dropped link."""
        if self.v.requests >= MAX_REQUESTS:
            raise VisitorStuck("too many requests")
        self.v.requests += 1
        started = time.monotonic()
        url = urljoin(self.base, path)
        try:
            async with self.session.request(
                method, url, data=data, allow_redirects=False, headers=navigation(url)
            ) as r:
                body = await r.text()
                status, location = r.status, r.headers.get("Location", "")
                retry = r.headers.get("Retry-After", "")
                stamped = r.cookies.get(STAMP_COOKIE)
        except (TimeoutError, aiohttp.ClientError) as error:
            self.v.errors.append(f"network: {type(error).__name__}")
            return 0, "", "", started, (time.monotonic() - started) * 1000
        ms = (time.monotonic() - started) * 1000
        self.v.status = status
        if stamped is not None and not self.v.stamp:
            self.v.stamp = stamped.value
        if status >= 500 and status != 503:
            self.v.five_xx += 1
            self.v.errors.append(f"{status} on {urlsplit(url).path[:20]}")
        self.retry_after = retry
        return status, _path(location), body, started, ms

    async def wait_retry(self, default: float = 1.0) -> None:
        try:
            seconds = float(getattr(self, "retry_after", "") or default)
        except ValueError:
            seconds = default
        await asyncio.sleep(min(max(seconds, 0.5), 10.0))


class VisitorStuck(Exception):
    pass


def _path(location: str) -> str:
    if not location:
        return ""
    parts = urlsplit(location)
    return parts.path + (f"?{parts.query}" if parts.query else "")


async def visit(browser: Browser, check_every: float, stop_at: float) -> None:
    """One visitor's whole visit; returns when it got its page or ``stop_at`` passed."""
    v = browser.v
    v.arrived = time.monotonic()
    path = v.path
    first = True
    while time.monotonic() < stop_at:
        status, location, body, _started, ms = await browser.request("GET", path)
        if first:
            v.first_ms, first = ms, False
        if status == 200:  # the page asked for, or where it led (the sign-in page)
            v.done = time.monotonic()
            return
        if status in (301, 302, 303) and location.startswith(ROOM):
            # The application's door (a place given with the redirect), or nginx's: turned
            # away by nginx's cap, sent to the room's door, which gives the place.
            v.queued = True
            v.by_nginx = _path(location).startswith(DOOR)
            await room(browser, _path(location), check_every, stop_at)
            return
        if status == 503 and f'href="{ROOM}"' in body:
            # nginx turned the request away before Django: its page links to the room.
            v.queued = v.by_nginx = True
            await room(browser, ROOM, check_every, stop_at)
            return
        if status in (301, 302, 303) and location:
            path = location
            continue
        # The application's 503/429 (or a network error): wait as told, ask again.
        await browser.wait_retry()


def _holds(v: Visitor, path: str) -> bool:
    """Whether ``path`` is a ticket's page: the visitor holds that place from now."""
    found = TICKET.match(path.split("?")[0])
    if found is None:
        return False
    if not v.ticket_at:
        v.ticket_at, v.ticket_wall = time.monotonic(), time.time()
    v.secret = v.secret or found.group(1)
    return True


async def room(browser: Browser, entry: str, check_every: float, stop_at: float) -> None:
    """The room's page, the ticket, the checks, the way in, the page asked for."""
    v = browser.v
    where = entry
    # Turned away by the application, the place is given with the redirect: straight to the
    # ticket's page. nginx's own 503 page links to the room's page, where one is taken.
    given = _holds(v, entry)
    while not given and time.monotonic() < stop_at:  # the room's page: take a ticket
        status, location, body, _s, _ms = await browser.request("GET", where)
        if status in (302, 303) and location:  # the door: a place given, or the room's page
            where = _path(location)
            if _holds(v, where):
                break
            continue
        if status == 200:
            take = ticket_form(Page(body))
            if take is None:
                v.errors.append("room page without a ticket form")
                return
            fields = {**take.fields, "contact": ""}
            status, location, body, _s, _ms = await browser.request(
                "POST", take.action or ROOM, fields
            )
            if status in (302, 303) and _holds(v, location):
                where = location
                break
            if status in (403, 429):
                v.errors.append(f"ticket refused ({status})")
                return
        await browser.wait_retry()
    if not v.ticket_at:
        return  # the run ended before a ticket was had
    code_seen = False
    while time.monotonic() < stop_at:  # the ticket page, checked again every few seconds
        status, location, body, _s, _ms = await browser.request("GET", where)
        if status == 200:
            if not code_seen and (m := CODE.search(body)):
                v.tickets.append(m.group(1))
                code_seen = True
            way_in = next((link for link in Page(body).links if ENTER.match(link)), None)
            if way_in:
                v.admitted = v.admitted or time.monotonic()
                await go_in(browser, way_in, stop_at)
                return
            if 'href="/hang-cho/"' in body and "Lấy lượt mới" in body:
                v.errors.append("ticket expired")
                return
            await asyncio.sleep(check_every)
        else:
            await browser.wait_retry()


async def go_in(browser: Browser, way_in: str, stop_at: float) -> None:
    v = browser.v
    path = way_in
    while time.monotonic() < stop_at:
        status, location, _body, _s, _ms = await browser.request("GET", path)
        if ENTER.match(path) and status in (301, 302, 303):
            v.entered += 1
            # nginx's 503 link brought the person to the room without their page: they ask it
            # again now, with the pass.
            path = v.path if location in ("", "/") else location
            continue
        if status == 200 and not path.startswith(ROOM):
            v.done = time.monotonic()
            return
        if status in (301, 302, 303) and location.startswith(DOOR):
            # Turned away by nginx's cap on the way in: the room's door answers a pass holder
            # 503 (deploy/nginx.conf now gives that 503 itself); try the page again.
            await browser.wait_retry()
            continue
        if status in (301, 302, 303) and location.startswith(ROOM):
            v.errors.append("sent back to the room with a pass")
            return
        if status in (301, 302, 303) and location:
            path = location
            continue
        await browser.wait_retry()


# --- the schedule ---------------------------------------------------------------------------


@dataclass
class Phase:
    name: str
    seconds: float
    rate: float  # arrivals per second


def schedule(phases: Sequence[Phase]) -> tuple[list[float], dict[str, float]]:
    """Every visitor's arrival, in seconds from the start, in arrival order (each phase at its
    constant rate), and the offset at which each phase begins (and ``end``)."""
    offsets: list[float] = []
    marks: dict[str, float] = {}
    start = 0.0
    for phase in phases:
        marks[phase.name] = start
        n = max(1, round(phase.seconds * phase.rate))
        offsets.extend(start + i / phase.rate for i in range(n))
        start += phase.seconds
    marks["end"] = start
    return offsets, marks


def deal(count: int, processes: int, part: int) -> list[int]:
    """The ranks client process ``part`` of ``processes`` starts: every ``processes``-th one,
    so that each starts an even share of every phase and their arrivals interleave."""
    return list(range(part, count, processes))


async def arrivals(
    base: str,
    paths: Sequence[str],
    due: Sequence[tuple[int, float]],
    *,
    check_every: float,
    stop_at: float,
) -> list[Visitor]:
    """Visitors (rank, monotonic time due), each started at its time; every visit ends by
    ``stop_at``. ``time.monotonic`` is system-wide on Linux: several processes share one
    schedule."""
    visitors: list[Visitor] = []
    tasks: list[asyncio.Task[None]] = []
    connector = aiohttp.TCPConnector(limit=2000, force_close=False)

    async def one(browser: Browser) -> None:
        try:
            await visit(browser, check_every, stop_at)
        except VisitorStuck as error:
            browser.v.errors.append(str(error))
        except Exception as error:  # a page it could not read: the visitor is lost, counted
            browser.v.errors.append(f"client: {type(error).__name__}")
        finally:
            await browser.close()

    for rank, at in due:
        delay = at - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        v = Visitor(rank, paths[rank % len(paths)], at)
        visitors.append(v)
        tasks.append(asyncio.create_task(one(Browser(base, connector, v))))
    if tasks:
        await asyncio.wait(tasks, timeout=max(1.0, stop_at - time.monotonic() + TIMEOUT_S))
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await connector.close()
    return visitors


async def burst(
    base: str,
    paths: Sequence[str],
    phases: Sequence[Phase],
    *,
    check_every: float = CHECK_EVERY,
    drain_s: float = 60.0,
) -> tuple[list[Visitor], dict[str, float]]:
    """Arrivals on the schedule of ``phases`` (each at its constant rate), every visitor asking
    ``paths[i % len(paths)]``; every visit ends by the end of the schedule + ``drain_s``. One
    process: up to about ``CLIENT_MAX_RATE`` arrivals a second (``crowd`` for more)."""
    offsets, marks = schedule(phases)
    t0 = time.monotonic()
    due = [(rank, t0 + offset) for rank, offset in enumerate(offsets)]
    stop_at = t0 + marks["end"] + drain_s
    visitors = await arrivals(base, paths, due, check_every=check_every, stop_at=stop_at)
    return visitors, {name: t0 + offset for name, offset in marks.items()}


def _part(
    base: str,
    paths: Sequence[str],
    due: Sequence[tuple[int, float]],
    check_every: float,
    stop_at: float,
) -> list[Visitor]:
    return asyncio.run(arrivals(base, paths, due, check_every=check_every, stop_at=stop_at))


def processes_for(peak: float) -> int:
    """Client processes needed to start ``peak`` arrivals a second on time."""
    return max(1, min(CLIENT_PROCESSES, math.ceil(peak / CLIENT_MAX_RATE)))


def crowd(
    base: str,
    paths: Sequence[str],
    phases: Sequence[Phase],
    *,
    processes: int,
    check_every: float = CHECK_EVERY,
    drain_s: float = 60.0,
    start_in: float = 3.0,
) -> tuple[list[Visitor], dict[str, float]]:
    """``burst`` over ``processes`` client processes: one schedule and one start time
    (``start_in`` seconds from now, for the processes to start), process i starting the
    visitors of rank i, i + processes, ...; their records merged in rank order."""
    if processes <= 1:
        return asyncio.run(burst(base, paths, phases, check_every=check_every, drain_s=drain_s))
    offsets, marks = schedule(phases)
    t0 = time.monotonic() + start_in
    stop_at = t0 + marks["end"] + drain_s
    context = multiprocessing.get_context("spawn")  # no copy of the caller's threads or loop
    with ProcessPoolExecutor(processes, mp_context=context) as pool:
        parts = [
            pool.submit(
                _part,
                base,
                list(paths),
                [(rank, t0 + offsets[rank]) for rank in deal(len(offsets), processes, part)],
                check_every,
                stop_at,
            )
            for part in range(processes)
        ]
        visitors = sorted((v for part in parts for v in part.result()), key=lambda v: v.rank)
    return visitors, {name: t0 + offset for name, offset in marks.items()}


class CapacityWatch(threading.Thread):
    """Reads the room's capacity estimate and the per-second counts it is made from
    (motcua.waitroom.capacity) from the server's Redis once a second during the run: what the
    room believed while people waited. Each sample: (time.time(), capacity, the second before
    last's completed, refused, let in)."""

    def __init__(self, redis_url: str, prefix: str = "motcua:1:motcua:waitroom") -> None:
        super().__init__(daemon=True)
        self.redis_url, self.prefix = redis_url, prefix
        self.samples: list[tuple[float, float | None, int, int, int]] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        import pickle

        import redis

        client = redis.Redis.from_url(self.redis_url)
        while not self.stopping.wait(1.0):
            now = time.time()
            second = int(now) - 2
            names = ("capacity", f"done:{second}", f"shed:{second}", f"in:{second}")
            try:
                raw = client.mget([f"{self.prefix}:{name}" for name in names])
            except redis.RedisError:
                continue
            first = raw[0]
            state = pickle.loads(first) if isinstance(first, bytes) else None  # our own server
            known = float(state[0] if isinstance(state, (list, tuple)) else state or 0) or None
            counts = [int(value or 0) for value in raw[1:]]
            self.samples.append((now, known, counts[0], counts[1], counts[2]))

    def stop(self) -> list[tuple[float, float | None, int, int, int]]:
        self.stopping.set()
        self.join(timeout=5)
        return self.samples


def capacity_summary(
    samples: Sequence[tuple[float, float | None, int, int, int]],
    start: float,
    end: float,
) -> dict[str, float | None]:
    """The capacity the room believed between ``start`` and ``end`` (time.time()): first,
    lowest, highest, last; and the seconds sampled in which something was refused."""
    inside = [s for s in samples if start <= s[0] <= end and s[1] is not None]
    known = [s[1] for s in inside if s[1] is not None]
    return {
        "first": known[0] if known else None,
        "min": min(known) if known else None,
        "max": max(known) if known else None,
        "last": known[-1] if known else None,
        "refusing_seconds": float(sum(1 for s in inside if s[3])),
    }


async def measure_rate(base: str, path: str, seconds: float, concurrency: int) -> float:
    """Pages per second one path is served at, closed loop (to size the burst)."""
    done = 0
    deadline = time.monotonic() + seconds
    timeout = aiohttp.ClientTimeout(total=TIMEOUT_S)
    async with aiohttp.ClientSession(timeout=timeout) as session:

        async def user() -> None:
            nonlocal done
            while time.monotonic() < deadline:
                try:
                    async with session.get(urljoin(base, path), allow_redirects=False) as r:
                        await r.read()
                        done += r.status == 200
                except (TimeoutError, aiohttp.ClientError):
                    await asyncio.sleep(0.1)  # counted as not served

        started = time.monotonic()
        await asyncio.gather(*(user() for _ in range(concurrency)))
    return done / (time.monotonic() - started)


def normal_p95(visitors: Sequence[Visitor], until: float) -> float | None:
    return percentile(
        [v.first_ms for v in visitors if v.scheduled < until and v.direct and v.first_ms], 95
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="A burst that follows the waiting room")
    parser.add_argument("--base", required=True, help="the server, e.g. http://127.0.0.1:8000")
    parser.add_argument("--path", action="append", help="page(s) asked (default: /thu-tuc/)")
    parser.add_argument("--visitors", type=int, default=500, help="visitors in the burst")
    parser.add_argument("--rate", type=float, default=50.0, help="burst arrivals per second")
    parser.add_argument("--normal", type=float, default=2.0, help="arrivals/s before, after")
    parser.add_argument("--before", type=float, default=5.0, help="seconds before the burst")
    parser.add_argument("--after", type=float, default=30.0, help="seconds after the burst")
    parser.add_argument(
        "--check-every", type=float, default=CHECK_EVERY, help="seconds between checks"
    )
    parser.add_argument("--drain", type=float, default=120.0, help="seconds to let visits end")
    parser.add_argument(
        "--processes", type=int, default=0, help="client processes (default: as the rate needs)"
    )
    parser.add_argument("--json", help="write every visitor and the report to this file")
    args = parser.parse_args(argv)
    phases = [
        Phase("before", args.before, args.normal),
        Phase("burst", args.visitors / args.rate, args.rate),
        Phase("after", args.after, args.normal),
    ]
    visitors, marks = crowd(
        args.base,
        args.path or ["/thu-tuc/"],
        phases,
        processes=args.processes or processes_for(args.rate),
        check_every=args.check_every,
        drain_s=args.drain,
    )
    result = report(visitors, marks["after"], normal_p95(visitors, marks["burst"]))
    print(result.line())
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump({"report": asdict(result), "visitors": [asdict(v) for v in visitors]}, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
