"""The waiting room's two rules on an online submission (issue 18), in one place, asked by
``motcua.dossiers.intake`` for every online submission (portal and API alike):

- **through the room**: while an event an administrator opened covers a procedure (from the
  queue's creation to its deadline), an online submission of it comes from someone the room
  let in (their ticket admitted or gone in), or from a draft begun before the queue existed
  (a dossier started before the queue formed is never interrupted). The portal's pass cookie
  is only the cheap first gate of the same rule; the API has no way around it;
- **a ticket taken before a deadline counts as on time**: after the event's deadline, only
  someone who took a ticket before it and is still in the line, or was let in less than
  MOTCUA_WAITROOM_LATE_HOURS ago, may still submit.

The events change only when an administrator edits a queue, so each process keeps them
(every event queue by procedure: its creation and deadline) under a generation held in
Django's cache, shared by the processes: a change of a queue's deadline or procedures sets a
new generation (at once, and again when its transaction commits), and the next submission in
any process reads them afresh (and every 30 seconds in any case). A submission of a
procedure no event covers thus costs one cache read and no query; the person's ticket is
read only for a procedure an event covers."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.generations import Generation
from motcua.identity.models import User

from .models import Queue, Ticket, TicketState

DEADLINES_GENERATION = "motcua:waitroom:deadlines"
DEADLINES = Generation(DEADLINES_GENERATION)

# procedure -> [(queue, created at, deadline or None)]
Events = dict[int, list[tuple[int, datetime, datetime | None]]]
_kept: dict[str, Any] = {"generation": None, "events": {}}
_lock = threading.Lock()
KEPT_SECONDS = 30


def online_submission_problem(
    procedure_id: int, person: User | None, at: datetime, started_at: datetime | None = None
) -> str:
    """ "" when an online submission of the procedure by ``person`` at ``at`` (from a draft
    begun at ``started_at``, if any) is allowed by the events covering it; else why not."""
    return late_submission_problem(procedure_id, person, at) or entry_problem(
        procedure_id, person, at, started_at
    )


def entry_problem(
    procedure_id: int, person: User | None, at: datetime, started_at: datetime | None = None
) -> str:
    """While an event covers the procedure (its queue created, its deadline ahead), only
    someone the room let in submits online, or a draft begun before the queue existed."""
    for queue_id, created_at, deadline in events().get(procedure_id, []):
        if created_at > at or (deadline is not None and deadline <= at):
            continue  # not yet, or over: the deadline's own rule then
        if started_at is not None and started_at < created_at:
            continue
        if person is not None and _let_in(queue_id, person):
            continue
        return _(
            "Thủ tục này đang nhận hồ sơ trực tuyến theo hàng chờ: vui lòng lấy lượt trong "
            "hàng chờ trên Cổng dịch vụ công và nộp khi đến lượt."
        )
    return ""


def _let_in(queue_id: int, person: User) -> bool:
    return Ticket.objects.filter(
        queue_id=queue_id, holder=person, state__in=(TicketState.ADMITTED, TicketState.USED)
    ).exists()


def late_submission_problem(procedure_id: int, person: User | None, at: datetime) -> str:
    """ "" when an online submission for the procedure by ``person`` at ``at`` is on time:
    no event with a deadline covers the procedure, the deadline has not passed, or the person
    took a ticket in that event's queue before its deadline and came through the room
    (``_tried_in_time``)."""
    closed = sorted(
        (deadline, queue_id)
        for queue_id, _created, deadline in events().get(procedure_id, [])
        if deadline is not None and deadline <= at
    )
    for deadline, queue_id in closed:
        if person is not None and _tried_in_time(queue_id, person, at):
            continue
        return _(
            "Đã hết hạn nộp hồ sơ trực tuyến cho thủ tục này lúc %(time)s. Chỉ người đã lấy "
            "lượt trong hàng chờ trước hạn chót mới được nộp sau thời điểm đó."
        ) % {"time": timezone.localtime(deadline).strftime("%H:%M %d/%m/%Y")}
    return ""


def _tried_in_time(queue_id: int, person: User, at: datetime) -> bool:
    """The person took a ticket in the queue before its deadline and is still going through
    the room (waiting or let in), or was let in less than MOTCUA_WAITROOM_LATE_HOURS before
    ``at``. A ticket its holder gave up (expired: nobody checked) does not count: they are
    still on the list of who tried, with their contact, for the city to reach them."""
    let_in_since = at - timedelta(hours=settings.WAITROOM_LATE_HOURS)
    return (
        Ticket.objects.filter(queue_id=queue_id, holder=person, before_deadline=True)
        .filter(
            Q(state__in=(TicketState.WAITING, TicketState.ADMITTED))
            | Q(state=TicketState.USED, admitted_at__gte=let_in_since)
        )
        .exists()
    )


def events() -> Events:
    """Every event queue, by procedure, as of the current generation."""
    generation = DEADLINES.current()
    # Also read again every KEPT_SECONDS: a cache that is not shared by the processes (the
    # local memory of one without Redis) does not carry another process's change.
    kept_as = (generation, int(time.monotonic() // KEPT_SECONDS))
    with _lock:
        if _kept["generation"] == kept_as:
            return _kept["events"]  # type: ignore[no-any-return]
    found: Events = defaultdict(list)
    rows = Queue.procedures.through.objects.values_list(
        "procedure_id", "queue_id", "queue__created_at", "queue__deadline"
    )
    for procedure_id, queue_id, created_at, deadline in rows:
        found[procedure_id].append((queue_id, created_at, deadline))
    with _lock:
        _kept["generation"], _kept["events"] = kept_as, dict(found)
    return dict(found)


def deadlines_changed() -> None:
    """The event queues (their deadlines or procedures) changed: every process reads them
    again, now (this transaction's own reads) and once the change is committed (everyone
    else's)."""
    DEADLINES.changed()


def _saved(sender: Any, instance: Queue, update_fields: Any = None, **kwargs: Any) -> None:
    # The admission's counters are saved every second with their update_fields: not a change.
    if update_fields is None or "deadline" in update_fields:
        deadlines_changed()


def _changed(sender: Any, **kwargs: Any) -> None:
    deadlines_changed()


def connect() -> None:
    post_save.connect(_saved, sender=Queue, dispatch_uid="waitroom.deadlines.saved")
    post_delete.connect(_changed, sender=Queue, dispatch_uid="waitroom.deadlines.deleted")
    m2m_changed.connect(
        _changed, sender=Queue.procedures.through, dispatch_uid="waitroom.deadlines.procedures"
    )
