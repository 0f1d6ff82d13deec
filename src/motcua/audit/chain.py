"""Appending to the hash chain, and the hash of an entry.

Appends are serialised by locking the one head row (``SELECT ... FOR UPDATE`` on PostgreSQL;
SQLite takes its write lock at BEGIN, settings' ``transaction_mode``), so two appends can
never take the same previous hash: the chain does not fork. An append joins the caller's
transaction when there is one, so the entry is kept exactly when the change it records is.
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

from .models import ChainHead, Entry

GENESIS = "0" * 64
# PostgreSQL's WAL writer flushes an asynchronous commit within three wal_writer_delay
# (200 ms by default): the longest a ``durable=False`` entry waits to reach the disk.
ASYNC_COMMIT_BOUND_MS = 600


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
    durable: bool = True,
) -> Entry:
    """Add one entry at the end of the chain and return it.

    ``durable=False`` (an entry that records a read, with no change beside it) lets PostgreSQL
    answer the commit before its WAL reaches the disk: the head row's lock is held for three
    statements instead of three statements and a disk flush, which every other append waits
    behind. The entry is on disk within ``ASYNC_COMMIT_BOUND_MS``; a database crash in that
    window loses that tail of the chain whole (never a fork, never a broken link). Inside a
    caller's transaction the caller's commit decides, as for any entry."""
    moment = (at or timezone.now()).astimezone(UTC)
    outermost = not transaction.get_connection().in_atomic_block
    with transaction.atomic():
        if not durable and outermost:
            commit_without_waiting_for_the_disk()
        head = ChainHead.objects.select_for_update().get(pk=1)
        entry = Entry(
            sequence=head.sequence + 1,
            # Microseconds survive every database; the hash covers them.
            recorded_at=moment,
            event=event[:64],
            actor_id=actor.user_id,
            actor=actor.name[:200],
            address=actor.address[:64],
            session=actor.session,
            token_id=actor.token_id,
            target=target[:255],
            detail=jsonable(detail or {}),
            previous_hash=head.hash,
        )
        entry.hash = entry_hash(entry)
        entry.save(force_insert=True)
        ChainHead.objects.filter(pk=1).update(sequence=entry.sequence, hash=entry.hash)
    return entry
