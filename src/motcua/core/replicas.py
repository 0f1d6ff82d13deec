"""Reads that tolerate a few seconds of lag, served by PostgreSQL streaming replicas.

One place decides (docs/adr/0018-read-replicas.md): a door marks a read-only view with
``@replica_reads``; inside it, and only there, ``ReplicaRouter`` sends reads to a replica
(``MOTCUA_DATABASE_REPLICA_URLS``) that answers and is at most ``MOTCUA_REPLICA_MAX_LAG``
seconds behind. Everything else reads the primary: unmarked views, anything inside a
transaction, a client that wrote in the last seconds (a cookie pins it to the primary), and
a reader who sees a page-cache generation younger than the lag bound (so that nothing stale
is stored under a new generation). All writes and migrations go to the primary.

Lag is measured without comparing clocks: each check notes the primary's WAL position and
the time, then asks the replica how far it has replayed. The replica is as fresh as the
newest noted position it has reached; an idle primary whose WAL does not move is reached at
once, so it never looks behind. A replica that fails a check or a query is left alone for
``MOTCUA_REPLICA_RETRY_SECONDS``, and the view that met the failure runs again on the primary.
"""

from __future__ import annotations

import contextlib
import logging
import random
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    InterfaceError,
    connections,
)
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

PIN_COOKIE = "motcua_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# How often one process asks a replica how far it is (and the primary where it is).
CHECK_SECONDS = 1.0
T = TypeVar("T")


# --- configuration -------------------------------------------------------------------------


def aliases() -> list[str]:
    return list(getattr(settings, "DATABASE_REPLICAS", []))


def configured() -> bool:
    return bool(aliases())


def max_lag() -> float:
    return float(settings.REPLICA_MAX_LAG)


def settle_seconds() -> float:
    """How long after a write a replica may still not show it: the bound plus one check."""
    return max_lag() + CHECK_SECONDS


# --- health: lag and failures, per process ----------------------------------------------


def parse_lsn(text: str) -> int:
    high, low = text.split("/")
    return (int(high, 16) << 32) + int(low, 16)


@dataclass
class Replica:
    alias: str
    down_until: float = 0.0
    checked_at: float = float("-inf")
    lag: float = float("inf")
    checking: bool = False
    # (time, primary WAL position) noted at each check: the replica is as fresh as the
    # newest of them it has replayed.
    marks: deque[tuple[float, int]] = field(default_factory=lambda: deque(maxlen=256))

    def usable(self, now: float) -> bool:
        return now >= self.down_until and self.lag <= max_lag()

    def measure(self, now: float, primary: int, replayed: int | None) -> None:
        self.marks.append((now, primary))
        while self.marks and self.marks[0][0] < now - 2 * settle_seconds():
            self.marks.popleft()
        if replayed is None:
            self.lag = float("inf")
        elif replayed >= primary:
            self.lag = 0.0
        else:
            reached = [at for at, position in self.marks if position <= replayed]
            self.lag = now - max(reached) if reached else float("inf")


class Health:
    """What this process knows of each replica; one thread checks, the others read."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.replicas: dict[str, Replica] = {}

    def _replica(self, alias: str) -> Replica:
        with self.lock:
            return self.replicas.setdefault(alias, Replica(alias))

    def pick(self) -> str | None:
        """A replica fit to read from now, or None (read the primary)."""
        now = time.monotonic()
        fit = []
        for alias in aliases():
            replica = self._replica(alias)
            if self._due(replica, now):
                self.check(replica)
            if replica.usable(time.monotonic()):
                fit.append(alias)
        return random.choice(fit) if fit else None

    def _due(self, replica: Replica, now: float) -> bool:
        with self.lock:
            due = not replica.checking and now >= max(
                replica.checked_at + CHECK_SECONDS, replica.down_until
            )
            replica.checking = replica.checking or due
            return due

    def check(self, replica: Replica) -> None:
        try:
            primary = _primary_position()
            in_recovery, replayed = _replica_position(replica.alias)
            now = time.monotonic()
            with self.lock:
                if not in_recovery:
                    # A promoted standby no longer follows the primary: never read from it.
                    logger.warning("replica %s is not in recovery; not used", replica.alias)
                    replica.lag = float("inf")
                else:
                    replica.measure(now, primary, replayed)
                replica.checked_at = now
        except (DatabaseError, InterfaceError) as error:  # whatever it is, do not read it
            self.down(replica.alias, error)
        finally:
            replica.checking = False

    def down(self, alias: str, error: BaseException) -> None:
        logger.warning("replica %s failed (%s); reading the primary for a while", alias, error)
        replica = self._replica(alias)
        with self.lock:
            replica.down_until = time.monotonic() + float(settings.REPLICA_RETRY_SECONDS)
            replica.checked_at = time.monotonic()
        with contextlib.suppress(Exception):
            connections[alias].close()

    def reset(self) -> None:
        with self.lock:
            self.replicas.clear()


health = Health()


def _primary_position() -> int:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        return parse_lsn(cursor.fetchone()[0])


def _replica_position(alias: str) -> tuple[bool, int | None]:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text")
        in_recovery, replayed = cursor.fetchone()
    return bool(in_recovery), parse_lsn(replayed) if replayed else None


# --- what a request may do -----------------------------------------------------------------


@dataclass
class Scope:
    """One marked view's run: the replica it reads (chosen at its first read) or the primary."""

    primary: bool = False
    chosen: bool = False
    replica: str | None = None
    replica_failed: bool = False  # a statement sent to a replica raised

    def note_failures(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        """A connection's execute wrapper: only a replica's own error may mark it down."""
        try:
            return execute(sql, params, many, context)
        except BaseException:
            self.replica_failed = True
            raise

    def blames_replica(self) -> bool:
        """The failure was the replica's: one of its statements raised, or its connection
        could not be opened or is gone. Not an error of the primary (a write, a lookup asked
        of the primary, a statement timeout): marking a sound replica down for that, and
        running the view again on the primary, would move every read onto the primary just
        when it is in trouble."""
        if self.replica is None:
            return False
        opened = connections[self.replica].connection
        return self.replica_failed or opened is None or bool(getattr(opened, "closed", False))


@dataclass
class Client:
    """One request: pinned to the primary by a recent write, or writing now."""

    pinned: bool = False
    wrote: bool = False


_scope: ContextVar[Scope | None] = ContextVar("motcua_replica_scope", default=None)
_client: ContextVar[Client | None] = ContextVar("motcua_replica_client", default=None)


def _replica_for_this_read() -> str | None:
    scope, client = _scope.get(), _client.get()
    if scope is None or scope.primary or (client and (client.pinned or client.wrote)):
        return None
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return None  # a transaction reads what it wrote, and sees one snapshot
    if not scope.chosen:
        scope.chosen, scope.replica = True, health.pick()
    return scope.replica


def reading_replica() -> bool:
    scope = _scope.get()
    return bool(scope and scope.replica and not scope.primary)


def read_primary() -> None:
    """From now on, this marked view reads the primary (what it stores must be fresh)."""
    scope = _scope.get()
    if scope is not None:
        scope.primary = True


def generation_is_young(bumped_at: float) -> None:
    """A page-cache generation renewed less than the lag bound ago: read the primary, so that
    what is built now and kept under the new generation shows the change."""
    if configured() and time.time() - bumped_at < settle_seconds():
        read_primary()


@contextlib.contextmanager
def primary() -> Iterator[None]:
    token = _scope.set(Scope(primary=True))
    try:
        yield
    finally:
        _scope.reset(token)


def replica_reads(view: Callable[..., T]) -> Callable[..., T]:
    """Mark a read-only view whose answer may lag by ``MOTCUA_REPLICA_MAX_LAG`` seconds.

    When the replica it read fails mid-way, the view runs again on the primary: it only
    reads, so running it twice changes nothing, and the visitor gets an answer, not a 500.
    """

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> T:
        if not configured():
            return view(*args, **kwargs)
        scope = Scope()
        token = _scope.set(scope)
        try:
            with contextlib.ExitStack() as watching:
                for alias in aliases():
                    watching.enter_context(connections[alias].execute_wrapper(scope.note_failures))
                return view(*args, **kwargs)
        except (DatabaseError, InterfaceError) as error:
            # Any error of the replica's own statements (PostgreSQL says "no such table" as a
            # ProgrammingError: a replica still replaying a migration); a primary's is raised.
            if scope.replica is None or not scope.blames_replica():
                raise
            health.down(scope.replica, error)
            with primary():
                return view(*args, **kwargs)
        finally:
            _scope.reset(token)

    return wrapped


def primary_when_none(read: Callable[..., T | None]) -> Callable[..., T | None]:
    """A lookup that finds nothing on a replica asks the primary: the row may be seconds old
    (a dossier just submitted)."""

    @wraps(read)
    def wrapped(*args: Any, **kwargs: Any) -> T | None:
        found = read(*args, **kwargs)
        if found is None and reading_replica():
            with primary():
                return read(*args, **kwargs)
        return found

    return wrapped


# --- the router and the pin after a write --------------------------------------------------


class ReplicaRouter:
    """Installed only when replicas are configured (settings.DATABASE_ROUTERS)."""

    def db_for_read(self, model: type, **hints: Any) -> str:
        return _replica_for_this_read() or DEFAULT_DB_ALIAS

    def db_for_write(self, model: type, **hints: Any) -> str:
        # Explicit: an instance read from a replica must still be saved to the primary.
        client = _client.get()
        if client is not None:
            client.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the same rows, whichever copy they were read from

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS


class PrimaryAfterWriteMiddleware:
    """A client that wrote reads its writes back: for the next seconds (the lag bound plus
    one check) its requests read the primary. Before the session middleware, whose saving
    is a write too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        if not configured():
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        client = Client(pinned=PIN_COOKIE in request.COOKIES)
        token = _client.set(client)
        try:
            response = self.get_response(request)
        finally:
            _client.reset(token)
        # Only a change the client asked for (a form sent, an API call that writes): a GET
        # that leaves a trace (an audit row, a session touched) does not pin anyone.
        if client.wrote and request.method not in SAFE_METHODS:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=int(settings_pin_seconds()),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response


def settings_pin_seconds() -> float:
    return max(1.0, settle_seconds() + 1)
