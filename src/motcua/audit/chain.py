"""Appending to the hash chain, and the hash of an entry.

Appends are serialised by locking the one head row (``SELECT ... FOR UPDATE`` on PostgreSQL;
SQLite takes its write lock at BEGIN, settings' ``transaction_mode``), so two appends can
never take the same previous hash: the chain does not fork. An append joins the caller's
transaction when there is one, so the entry is kept exactly when the change it records is.

An entry that records a read with no change beside it (a report or a list exported) does not
take the head: :func:`record_read` keeps it as a waiting entry (one insert, no lock, no wait
for the disk), and whoever next holds the head chains the waiting entries first, in the order
they were kept: every append, the signing of the head, the periodic job
(:func:`link_waiting`, every ``LINK_SECONDS``), and whoever reads or verifies the log. A
report read by a city's leaders at once no longer queues behind one row (issue 18).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from motcua.core.transactions import commit_without_waiting_for_the_disk

from .models import ChainHead, Entry, WaitingEntry

GENESIS = "0" * 64
# PostgreSQL's WAL writer flushes an asynchronous commit within three wal_writer_delay
# (200 ms by default): the longest a read's waiting entry takes to reach the disk.
ASYNC_COMMIT_BOUND_MS = 600
# The periodic job's interval: the longest a read's entry waits to be chained when nothing
# else is appended (the in-process scheduler's own round, 30 s, bounds it on the embedded
# default).
LINK_SECONDS = 10
# The most waiting entries one holder of the head chains: an append that finds a backlog (the
# jobs stopped for an hour of reports) keeps its lock short; the job takes batch after batch.
LINK_BATCH = 1000


@dataclass(frozen=True)
class Actor:
    """Who acted and from where; every field may be empty (an anonymous visitor)."""

    user_id: int | None = None
    name: str = ""
    address: str = ""
    session: str = ""
    token_id: int | None = None


SYSTEM = Actor(name="system")


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON (dates, decimals and the like as text), as stored."""
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def entry_hash(entry: Entry) -> str:
    """SHA-256 of the canonical JSON (sorted keys, no spaces, UTF-8) of the entry's fields
    and the previous entry's hash."""
    fields = {
        "sequence": entry.sequence,
        "recorded_at": _utc_text(entry.recorded_at),
        "event": entry.event,
        "actor_id": entry.actor_id,
        "actor": entry.actor,
        "address": entry.address,
        "session": entry.session,
        "token_id": entry.token_id,
        "target": entry.target,
        "detail": entry.detail,
        "previous_hash": entry.previous_hash,
    }
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def append(
    event: str,
    *,
    actor: Actor,
    target: str = "",
    detail: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> Entry:
    """Add one entry at the end of the chain, after the reads waiting, and return it."""
    moment = (at or timezone.now()).astimezone(UTC)
    with transaction.atomic():
        sequence, previous = _locked_head()
        entry = _entry(
            _fields(event, actor=actor, target=target, detail=detail, at=moment),
            sequence=sequence + 1,
            previous=previous,
        )
        entry.save(force_insert=True)
        ChainHead.objects.filter(pk=1).update(sequence=entry.sequence, hash=entry.hash)
    return entry


def record_read(
    event: str,
    *,
    actor: Actor,
    target: str = "",
    detail: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> WaitingEntry:
    """Keep an entry that records a read, to be chained by the next holder of the head.

    Outside a caller's transaction its commit does not wait for the disk either: a crash of
    PostgreSQL within ``ASYNC_COMMIT_BOUND_MS`` may lose it, never half of it, never a change.
    Inside one, the caller's commit decides, as for any entry."""
    moment = (at or timezone.now()).astimezone(UTC)
    outermost = not transaction.get_connection().in_atomic_block
    with transaction.atomic():
        if outermost:
            commit_without_waiting_for_the_disk()
        waiting = WaitingEntry(
            **_fields(event, actor=actor, target=target, detail=detail, at=moment)
        )
        waiting.save(force_insert=True)
    return waiting


def link_waiting(now: datetime | None = None) -> int:
    """Chain every read's entry waiting now (the periodic job; also before the log is read,
    verified or exported); returns how many were chained."""
    linked = 0
    while True:
        with transaction.atomic():
            head = ChainHead.objects.select_for_update().get(pk=1)
            sequence, previous = _link(head.sequence, head.hash)
            if sequence == head.sequence:
                return linked
            ChainHead.objects.filter(pk=1).update(sequence=sequence, hash=previous)
        linked += sequence - head.sequence


def _locked_head() -> tuple[int, str]:
    """Inside a transaction: lock the head, chain up to ``LINK_BATCH`` waiting reads, and
    return the sequence and hash the next entry follows (the head row is written by the
    caller, with its own entry)."""
    head = ChainHead.objects.select_for_update().get(pk=1)
    return _link(head.sequence, head.hash)


def _link(sequence: int, previous: str) -> tuple[int, str]:
    """Under the head's lock: the oldest waiting entries (up to ``LINK_BATCH``) chained after
    ``sequence`` and removed from the waiting table, in the order they were kept."""
    waiting = list(WaitingEntry.objects.order_by("pk")[:LINK_BATCH])
    if not waiting:
        return sequence, previous
    entries = []
    for row in waiting:
        sequence += 1
        entry = _entry(_kept_fields(row), sequence=sequence, previous=previous)
        previous = entry.hash
        entries.append(entry)
    Entry.objects.bulk_create(entries)
    WaitingEntry.objects.filter(pk__in=[row.pk for row in waiting]).delete()
    return sequence, previous


def _fields(
    event: str, *, actor: Actor, target: str, detail: dict[str, Any] | None, at: datetime
) -> dict[str, Any]:
    return {
        # Microseconds survive every database; the hash covers them.
        "recorded_at": at,
        "event": event[:64],
        "actor_id": actor.user_id,
        "actor": actor.name[:200],
        "address": actor.address[:64],
        "session": actor.session,
        "token_id": actor.token_id,
        "target": target[:255],
        "detail": jsonable(detail or {}),
    }


def _kept_fields(row: WaitingEntry) -> dict[str, Any]:
    """A waiting entry's fields, those of the entry it becomes (``_fields``'s)."""
    return {
        field.attname: getattr(row, field.attname)
        for field in WaitingEntry._meta.concrete_fields
        if not field.primary_key
    }


def _entry(fields: dict[str, Any], *, sequence: int, previous: str) -> Entry:
    entry = Entry(sequence=sequence, previous_hash=previous, **fields)
    entry.hash = entry_hash(entry)
    return entry
