"""The transactional outbox: messages to other systems that a crash can never lose.

``enqueue`` writes a message in the caller's transaction and tries to deliver it right after
the commit; ``deliver_due`` (a periodic job and the ``deliver_outbox`` command) retries every
message still pending, with backoff, until its channel accepts it. See docs/outbox.md.

Every channel has the same shape: a sender that raises on failure, registered by name.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import partial
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import KEY_MAX_LENGTH, RECIPIENT_MAX_LENGTH, OutboxMessage

logger = logging.getLogger(__name__)
# Sent once a message is marked sent (outside any transaction of the sender's): the index
# counts a dossier as synced with the national portal from then on (motcua.reporting).
delivered = Signal()

FIRST_RETRY = timedelta(minutes=1)
LAST_RETRY = timedelta(hours=1)


def claim_time() -> timedelta:
    """How long a worker owns a message it is sending (settings.OUTBOX_CLAIM_SECONDS, 5 minutes
    by default). It must exceed every channel's timeout: after it, the worker is presumed dead
    and the message is due again."""
    return timedelta(seconds=settings.OUTBOX_CLAIM_SECONDS)


Sender = Callable[[OutboxMessage], None]
Check = Callable[[str, dict[str, Any]], None]


class OutboxError(Exception):
    """A mistake in using the outbox (unknown channel, malformed message, no transaction)."""


class DeliveryError(Exception):
    """A channel could not deliver a message; the message stays pending and is retried."""


class Outcome(StrEnum):
    SENT = "sent"
    FAILED = "failed"
    HELD = "held"


@dataclass(frozen=True)
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    held: int = 0


def _always_configured() -> bool:
    return True


def _accept_anything(recipient: str, payload: dict[str, Any]) -> None:
    return None


@dataclass(frozen=True)
class Channel:
    name: str
    send: Sender
    # False while the channel lacks its settings: its messages are held, never sent.
    is_configured: Callable[[], bool] = _always_configured
    # Raises OutboxError at enqueue time for a message the channel could never send.
    check: Check = _accept_anything


_CHANNELS: dict[str, Channel] = {}


def register_channel(
    name: str,
    sender: Sender,
    *,
    is_configured: Callable[[], bool] | None = None,
    check: Check | None = None,
) -> None:
    """Make ``name`` a channel; registering a name again replaces the earlier channel."""
    _CHANNELS[name] = Channel(
        name, sender, is_configured or _always_configured, check or _accept_anything
    )


def get_channel(name: str) -> Channel:
    try:
        return _CHANNELS[name]
    except KeyError:
        raise OutboxError(_unknown_channel(name)) from None


def _unknown_channel(name: str) -> str:
    return _("Kênh gửi “%(name)s” chưa được đăng ký.") % {"name": name}


def channel_names() -> list[str]:
    return sorted(_CHANNELS)


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failure: 1 minute, doubling, at most 1 hour."""
    doublings = min(max(attempts - 1, 0), 16)  # bounded: the product must not overflow
    return min(FIRST_RETRY * (1 << doublings), LAST_RETRY)


def enqueue(
    *, channel: str, recipient: str, payload: dict[str, Any], key: str = ""
) -> OutboxMessage:
    """Write a message in the caller's transaction; it is sent after the commit.

    With a non-empty ``key``, a message already written with that key is returned instead of a
    second one. A channel without its settings keeps the message as held.
    """
    if not transaction.get_connection().in_atomic_block:
        raise OutboxError(_("Chỉ ghi tin nhắn gửi đi bên trong giao dịch của thay đổi mà nó báo."))
    found = get_channel(channel)
    _check_shape(recipient=recipient, payload=payload, key=key)
    found.check(recipient, payload)
    message = OutboxMessage(channel=channel, recipient=recipient, payload=payload, key=key)
    if not found.is_configured():
        message.status = OutboxMessage.Status.HELD
    held = _open.held.get(connection.alias)
    if key and held is not None:
        held.append(message)  # written with the others when the batch ends
        return message
    if not key:
        message.save()
    elif not _insert_unless_key_taken([message]):
        # Written earlier, or by another transaction that committed first.
        return OutboxMessage.objects.get(key=key)
    _deliver_on_commit([message])
    return message


def _deliver_on_commit(messages: list[OutboxMessage]) -> None:
    """After the commit, the pending ones are sent together: one task for a batch."""
    pending = [m.pk for m in messages if m.status == OutboxMessage.Status.PENDING]
    if pending and settings.OUTBOX_DELIVER_ON_COMMIT:
        transaction.on_commit(partial(_deliver_after_commit, pending))


class _Batches(threading.local):
    """The keyed messages of this thread's open batches, by database."""

    def __init__(self) -> None:
        self.held: dict[str, list[OutboxMessage]] = {}


_open = _Batches()


@contextmanager
def batch() -> Iterator[None]:
    """Write the keyed messages enqueued inside in one statement when the block ends (a move
    of a dossier queues the national portal's, the e-mail and the SMS: one insert instead of
    three, issue 18). ``enqueue`` then returns the message unsaved (no caller reads it); a
    message whose key was written before is left as it was, as outside a batch. A batch
    inside a batch is the outer one's; nothing is written when the block raises."""
    alias = connection.alias
    if alias in _open.held:
        yield
        return
    _open.held[alias] = []
    try:
        yield
    finally:
        held = _open.held.pop(alias)
    if held and _insert_unless_key_taken(held):
        _deliver_on_commit([message for message in held if message.pk is not None])


def _insert_unless_key_taken(messages: list[OutboxMessage]) -> bool:
    """Insert ``messages`` (keyed) but those whose key a message has already; True when any
    was inserted, and each inserted one gets its primary key.

    One statement (INSERT ... ON CONFLICT DO NOTHING RETURNING, PostgreSQL and SQLite 3.35+)
    instead of a look-up and an insert in a savepoint: a concurrent writer of the same key
    makes this one wait, then do nothing, and never aborts the caller's transaction."""
    meta = OutboxMessage._meta
    q = connection.ops.quote_name
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    values = [
        value
        for message in messages
        for value in (f.get_db_prep_save(f.pre_save(message, True), connection) for f in fields)
    ]
    row = f"({', '.join(['%s'] * len(fields))})"
    key = q("key")  # the conflict target names the partial unique index on non-empty keys
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {q(meta.db_table)} ({', '.join(q(f.column) for f in fields)}) "
            f"VALUES {', '.join([row] * len(messages))} "
            f"ON CONFLICT ({key}) WHERE NOT ({key} = '') DO NOTHING "
            f"RETURNING {q(meta.pk.column)}, {key}",
            values,
        )
        inserted = dict((k, pk) for pk, k in cursor.fetchall())
    for message in messages:
        if message.key in inserted:
            message.pk = inserted.pop(message.key)
            message._state.adding, message._state.db = False, connection.alias
    return any(message.pk is not None for message in messages)


def _check_shape(*, recipient: str, payload: dict[str, Any], key: str) -> None:
    if len(recipient) > RECIPIENT_MAX_LENGTH:
        raise OutboxError(_("Địa chỉ người nhận quá dài."))
    if len(key) > KEY_MAX_LENGTH:
        raise OutboxError(_("Khoá chống trùng quá dài."))
    try:
        if not isinstance(payload, dict):
            raise TypeError(type(payload).__name__)
        json.dumps(payload)
    except (TypeError, ValueError) as error:
        raise OutboxError(_("Nội dung tin nhắn phải là một đối tượng JSON.")) from error


def _deliver_after_commit(message_ids: list[int]) -> None:
    try:
        if settings.CELERY_ENABLED:
            # A worker sends them; the request does not wait for a mail server or the portal.
            # One task for the messages of one change (a move queues up to three): each task
            # costs the worker and the broker more than a message's own sending (issue 18).
            from .tasks import deliver_outbox_messages

            deliver_outbox_messages.delay(message_ids)
        else:
            deliver_messages(message_ids)
    except Exception:
        # The caller's change is committed and must not fail now; the retry loop sends them
        # later (also when the broker cannot be reached).
        logger.exception("Outbox messages %s: immediate delivery failed", message_ids)


def deliver_messages(message_ids: list[int]) -> list[Outcome | None]:
    """Try to deliver each message now, one after the other; one that fails is recorded for
    its retry (``_attempt``) and does not keep the others from being sent."""
    return [deliver_message(message_id) for message_id in message_ids]


def deliver_message(message_id: int, *, now: datetime | None = None) -> Outcome | None:
    """Try to deliver one message now (a Celery task can call this).

    Returns None when the message is not due: already sent, held, waiting for its next attempt
    or being sent by another worker.
    """
    moment = now or timezone.now()
    message = _claim(now=moment, pk=message_id)
    return None if message is None else _attempt(message, now=moment)


def deliver_due(*, now: datetime | None = None, limit: int = 100) -> DeliveryReport:
    """Send up to ``limit`` pending messages whose next attempt is due."""
    outcomes: Counter[Outcome] = Counter()
    for _round in range(limit):
        # Without an explicit time, each message is claimed against the real clock so a long
        # round never hands out a claim that has already expired.
        moment = now or timezone.now()
        message = _claim(now=moment)
        if message is None:
            break
        outcomes[_attempt(message, now=moment)] += 1
    return DeliveryReport(
        sent=outcomes[Outcome.SENT], failed=outcomes[Outcome.FAILED], held=outcomes[Outcome.HELD]
    )


def _due(now: datetime) -> QuerySet[OutboxMessage]:
    unclaimed = Q(claimed_until__isnull=True) | Q(claimed_until__lte=now)
    return OutboxMessage.objects.filter(
        unclaimed, status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now
    )


def _claim(*, now: datetime, pk: int | None = None) -> OutboxMessage | None:
    # SKIP LOCKED lets two workers on PostgreSQL pick different messages instead of queueing;
    # SQLite ignores it and serialises writers. The claim is committed before sending, so no
    # lock is held while waiting for a mail server or the national portal.
    with transaction.atomic():
        candidates = _due(now).select_for_update(skip_locked=True)
        if pk is not None:
            candidates = candidates.filter(pk=pk)
        message = candidates.order_by("next_attempt_at", "pk").first()
        if message is None:
            return None
        message.claimed_until = now + claim_time()
        message.save(update_fields=["claimed_until"])
    return message


def _attempt(message: OutboxMessage, *, now: datetime) -> Outcome:
    channel = _CHANNELS.get(message.channel)
    if channel is not None and not channel.is_configured():
        _rows(message).update(status=OutboxMessage.Status.HELD, claimed_until=None)
        return Outcome.HELD
    try:
        if channel is None:
            raise DeliveryError(_unknown_channel(message.channel))
        channel.send(message)
    except Exception as error:
        _record_failure(message, error, now=now)
        return Outcome.FAILED
    _rows(message).update(
        status=OutboxMessage.Status.SENT,
        sent_at=now,
        attempts=F("attempts") + 1,
        claimed_until=None,
    )
    delivered.send(sender=OutboxMessage, message=message)
    return Outcome.SENT


def _record_failure(message: OutboxMessage, error: Exception, *, now: datetime) -> None:
    attempts = message.attempts + 1
    description = (
        str(error) if isinstance(error, DeliveryError) else f"{type(error).__name__}: {error}"
    )
    logger.warning(
        "Outbox message %s (%s) failed, attempt %s: %s",
        message.pk,
        message.channel,
        attempts,
        description,
    )
    _rows(message).update(
        attempts=attempts,
        last_error=description[:2000],
        next_attempt_at=now + backoff(attempts),
        claimed_until=None,
    )


def _rows(message: OutboxMessage) -> QuerySet[OutboxMessage]:
    return OutboxMessage.objects.filter(pk=message.pk)


@transaction.atomic
def release_held(channel: str) -> int:
    """Move the held messages of a channel that is now configured back to pending."""
    if not get_channel(channel).is_configured():
        raise OutboxError(
            _("Kênh “%(name)s” chưa được cấu hình; tin nhắn vẫn được giữ.") % {"name": channel}
        )
    held = OutboxMessage.objects.filter(channel=channel, status=OutboxMessage.Status.HELD)
    return held.update(
        status=OutboxMessage.Status.PENDING, next_attempt_at=timezone.now(), claimed_until=None
    )


@transaction.atomic
def schedule_now(*, message_ids: Iterable[int], now: datetime | None = None) -> list[int]:
    """Make messages due at once: pending ones not being sent, held ones whose channel is ready.

    Returns the ids made due; sent messages and messages of unconfigured channels are left.
    """
    moment = now or timezone.now()
    ready = [name for name, channel in _CHANNELS.items() if channel.is_configured()]
    unclaimed = Q(claimed_until__isnull=True) | Q(claimed_until__lte=moment)
    retryable = Q(status=OutboxMessage.Status.PENDING) | Q(
        status=OutboxMessage.Status.HELD, channel__in=ready
    )
    rows = OutboxMessage.objects.select_for_update().filter(
        unclaimed, retryable, pk__in=list(message_ids)
    )
    ids = list(rows.values_list("pk", flat=True))
    OutboxMessage.objects.filter(pk__in=ids).update(
        status=OutboxMessage.Status.PENDING, next_attempt_at=moment, claimed_until=None
    )
    return ids


def deliver_outbox_job(now: datetime) -> DeliveryReport:
    """The periodic job: deliver what is due, against the real clock (see ``deliver_due``)."""
    return deliver_due()
