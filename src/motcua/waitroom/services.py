"""Taking a ticket, checking it, letting people in, the shuffle at an event's opening.

Every change to a queue's counters happens under ``select_for_update`` of the queue's row, so
two people arriving at once on two nodes get two different sequence numbers and ranks, and
nothing is lost or doubled (on SQLite the transaction takes the write lock at BEGIN).
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import OnlineLevel, Procedure, ProcedureVersion
from motcua.core.admission import RateLimited
from motcua.core.throttle import Limit
from motcua.core.transactions import commit_without_waiting_for_the_disk
from motcua.identity.models import User

from . import capacity
from .models import GENERAL_SLUG, Queue, Ticket, TicketState

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud, written down
CODE_LENGTH = 8
FORMING_KEY = f"{capacity.PREFIX}:forming"


class TicketRefused(Exception):
    """The visitor may not queue (not eligible): said before a ticket is taken, never after."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def general_queue() -> Queue:
    queue, _created = Queue.objects.get_or_create(
        slug=GENERAL_SLUG, defaults={"name": "Hàng chờ chung của cổng dịch vụ công"}
    )
    return queue


def expiry() -> timedelta:
    return timedelta(minutes=int(settings.WAITROOM_TICKET_MINUTES))


def pass_validity() -> timedelta:
    return timedelta(minutes=int(settings.WAITROOM_PASS_MINUTES))


# Eligibility ------------------------------------------------------------------------------


def eligibility_problem(
    queue: Queue, *, holder: User | None, procedure: Procedure | None, at: datetime
) -> str:
    """Why this visitor may not queue here, or "". An event queue is for submitting one of
    its procedures: that needs an account and the procedure open for online submission."""
    if queue.is_general:
        return ""
    if queue.deadline is not None and at >= queue.deadline:
        return _("Đã hết hạn nộp hồ sơ cho đợt này; không thể lấy lượt mới.")
    if holder is None:
        return _("Vui lòng đăng nhập trước khi lấy lượt: nộp hồ sơ trực tuyến cần tài khoản.")
    if procedure is None or not queue.procedures.filter(pk=procedure.pk).exists():
        return _("Thủ tục này không thuộc đợt tiếp nhận của hàng chờ.")
    version = ProcedureVersion.objects.in_force(timezone.localdate(at)).filter(procedure=procedure)
    if not version.exclude(online_level=OnlineLevel.INFORMATION).exists():
        return _("Thủ tục này hiện không tiếp nhận hồ sơ trực tuyến.")
    return ""


# Taking a ticket --------------------------------------------------------------------------


def anonymous_tickets() -> Limit:
    """Tickets taken without signing in, per address (at the door, on the room's form, and
    from nginx's arrivals alike)."""
    return Limit(
        "waitroom-take",
        settings.WAITROOM_TICKETS_PER_ADDRESS,
        settings.WAITROOM_TICKET_MINUTES * 60,
    )


def count_anonymous_ticket(address: str) -> None:
    """One more ticket taken without signing in from this address; past
    MOTCUA_WAITROOM_TICKETS_PER_ADDRESS per MOTCUA_WAITROOM_TICKET_MINUTES, RateLimited (429):
    a script could otherwise fill the line and push everybody back."""
    limit = anonymous_tickets()
    wait = limit.wait(address)
    if wait:
        message = _(
            "Địa chỉ mạng của bạn đã lấy quá nhiều lượt. Vui lòng thử lại sau %(seconds)d giây, "
            "hoặc đăng nhập để lấy lượt của riêng bạn."
        ) % {"seconds": wait}
        raise RateLimited(wait, message)
    limit.hit(address)


def live_general_ticket(secret: str) -> Ticket | None:
    """The general queue's live ticket this browser already holds (its ticket cookie), if any:
    one place per browser, whatever it asks meanwhile."""
    if not secret or len(secret) > 64:
        return None
    return (
        Ticket.objects.select_related("queue")
        .filter(secret=secret, queue__slug=GENERAL_SLUG)
        .filter(state__in=(TicketState.WAITING, TicketState.ADMITTED))
        .first()
    )


def take_ticket(
    *,
    queue: Queue,
    holder: User | None,
    contact: str = "",
    procedure: Procedure | None = None,
    next_path: str = "",
    at: datetime | None = None,
    secret: str | None = None,
) -> Ticket:
    """A place at the end of the line (or, before an event opens, in the draw at the opening).
    A signed-in person with a live ticket in this queue gets that one back: one place each.
    ``secret``: the one an arrival stamped by nginx stands for (motcua.waitroom.arrivals),
    so that its log line, read later, finds this ticket instead of making a second one."""
    at = at or timezone.now()
    problem = eligibility_problem(queue, holder=holder, procedure=procedure, at=at)
    if problem:
        raise TicketRefused(problem)
    if queue.is_general:
        _arrivals_first(at)
    with transaction.atomic():
        if queue.is_general:
            # Under a burst every refused page takes a place here, one at a time under the
            # queue's lock: the lock is not held through a disk flush. A crash may lose the
            # last fraction of a second's places (their holders are given new ones); an
            # event's tickets (who tried before a deadline) are kept durable.
            commit_without_waiting_for_the_disk()
        locked = Queue.objects.select_for_update().get(pk=queue.pk)
        if holder is not None:
            mine = live_ticket_of(holder, locked)
            if mine is not None:
                return mine
        if secret is not None:
            same = Ticket.objects.filter(secret=secret).first()
            if same is not None and same.is_live:
                return same
            secret = None if same is not None else secret  # that one ended: a new secret
        _shuffle_if_due(locked, at)
        locked.last_sequence += 1
        rank = None
        if locked.is_general or locked.shuffled_at is not None:
            locked.last_rank += 1
            rank = locked.last_rank
        locked.save(update_fields=["last_sequence", "last_rank"])
        ticket = Ticket.objects.create(
            queue=locked,
            secret=secret or secrets.token_urlsafe(32),
            code=free_codes(locked, 1)[0],
            sequence=locked.last_sequence,
            rank=rank,
            holder=holder,
            contact=contact.strip()[:200],
            procedure=procedure,
            next_path=next_path[:500],
            before_deadline=locked.deadline is not None and at < locked.deadline,
            taken_at=at,
            checked_at=at,
        )
    if locked.is_general:
        cache.set(FORMING_KEY, 1, int(expiry().total_seconds()))
    return ticket


def _arrivals_first(at: datetime) -> None:
    """Those nginx turned away until now get their places before anyone is placed or let in
    (motcua.waitroom.arrivals; imported here because it builds on this module)."""
    if settings.WAITROOM_ARRIVALS_LOG:
        from .arrivals import ingest

        ingest(at)


def free_codes(queue: Queue, count: int) -> list[str]:
    """``count`` codes no ticket of the queue has, in one query each round (the queue's row is
    locked: no other ticket of it is being made meanwhile)."""
    codes: list[str] = []
    while len(codes) < count:
        wanted = {
            "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
            for _j in range(count - len(codes))
        } - set(codes)
        taken = Ticket.objects.filter(queue=queue, code__in=list(wanted)).values_list(
            "code", flat=True
        )
        codes.extend(wanted - set(taken))
    return codes


def live_ticket_of(holder: User, queue: Queue) -> Ticket | None:
    live = [TicketState.WAITING, TicketState.ADMITTED]
    return Ticket.objects.filter(queue=queue, holder=holder, state__in=live).first()


# The opening of an event ------------------------------------------------------------------


def _shuffle_if_due(queue: Queue, at: datetime) -> None:
    """At the opening, everyone who arrived before it is put in a random order (the system's
    cryptographic generator: nobody can predict or replay it); newcomers rank after them.
    Call with the queue's row locked."""
    if queue.is_general or queue.shuffled_at is not None:
        return
    if queue.opens_at is not None and at < queue.opens_at:
        return
    early = list(Ticket.objects.filter(queue=queue, rank__isnull=True).order_by("sequence"))
    secrets.SystemRandom().shuffle(early)
    for rank, ticket in enumerate(early, start=queue.last_rank + 1):
        ticket.rank = rank
    Ticket.objects.bulk_update(early, ["rank"], batch_size=1000)
    queue.last_rank += len(early)
    queue.shuffled_at = at
    queue.admitted_until = at
    queue.save(update_fields=["last_rank", "shuffled_at", "admitted_until"])


# Letting people in ------------------------------------------------------------------------


def admit_due(queue: Queue, at: datetime | None = None) -> int:
    """Expire tickets nobody checks, then let the next people in, in rank order, at the rate
    the platform can take (motcua.waitroom.capacity). Returns how many were let in."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = Queue.objects.select_for_update().get(pk=queue.pk)
        _expire(locked, at)
        _shuffle_if_due(locked, at)
        if locked.is_event and locked.shuffled_at is None:
            return 0  # not open yet
        since = locked.admitted_until or at
        elapsed = min(max(0.0, (at - since).total_seconds()), float(capacity.WINDOW))
        credit = locked.admit_credit + elapsed * capacity.admissions_per_second(at.timestamp())
        count = math.floor(credit)
        admitted = 0
        if count > 0:
            waiting = Ticket.objects.filter(
                queue=locked, state=TicketState.WAITING, rank__isnull=False
            ).order_by("rank")
            ids = list(waiting.values_list("pk", flat=True)[:count])
            admitted = Ticket.objects.filter(pk__in=ids).update(
                state=TicketState.ADMITTED, admitted_at=at
            )
        # Credit does not pile up while nobody waits: an empty room lets nobody in later twice.
        locked.admit_credit = credit - count if admitted == count else 0.0
        locked.admitted_until = at
        locked.save(update_fields=["admit_credit", "admitted_until"])
    # The room's own flow, apart from the rest; held: its rate, not the line, was the limit.
    capacity.let_in(admitted, at.timestamp(), held=admitted == count)
    if locked.is_general and admitted == 0 and not _anyone_waiting(locked):
        cache.delete(FORMING_KEY)
    return admitted


def _expire(queue: Queue, at: datetime) -> None:
    Ticket.objects.filter(
        queue=queue, state=TicketState.WAITING, checked_at__lt=at - expiry()
    ).update(state=TicketState.EXPIRED)
    Ticket.objects.filter(
        queue=queue, state=TicketState.ADMITTED, admitted_at__lt=at - pass_validity()
    ).update(state=TicketState.EXPIRED)


def _anyone_waiting(queue: Queue) -> bool:
    return Ticket.objects.filter(queue=queue, state=TicketState.WAITING).exists()


def admit_once_a_second(queue: Queue, at: datetime) -> bool:
    """Many people check at once; one of them (on any node) runs the admission each second.
    True when this call ran it."""
    if cache.add(f"{capacity.PREFIX}:tick:{queue.pk}:{int(at.timestamp())}", 1, 5):
        if queue.is_general:
            _arrivals_first(at)
        admit_due(queue, at)
        return True
    return False


# Checking a ticket ------------------------------------------------------------------------


# Up to this many ahead (by rank), the page says exactly how many are still waiting; beyond it,
# "about N": the distance in rank to the first one waiting, which counts too the few whose
# ticket expired in between. Counting thousands at every check of every person is what made
# the check grow with the line (docs/overload.md, "The waiting room").
EXACT_UP_TO = 200


@dataclass(frozen=True)
class Place:
    ticket: Ticket
    position: int  # people before this one still waiting (0 when admitted)
    wait_minutes: int  # estimated, rounded up
    opens_at: datetime | None  # an event not yet open
    approximate: bool = False  # ``position`` is an upper bound (a long line)


def check_ticket(ticket: Ticket, at: datetime | None = None) -> Place:
    """The holder is still there: keep the ticket alive, run the admission if it is this
    second's turn, and say where the ticket stands. One or two small index reads, whatever the
    length of the line; a write at most every 15 s."""
    at = at or timezone.now()
    queue = ticket.queue
    if ticket.state == TicketState.WAITING:
        if at - ticket.checked_at > timedelta(seconds=15):  # no write per check per second
            Ticket.objects.filter(pk=ticket.pk, state=TicketState.WAITING).update(checked_at=at)
        if admit_once_a_second(queue, at):  # this check let people in: this one, maybe
            ticket.refresh_from_db(fields=["state", "rank", "admitted_at", "checked_at"])
    if ticket.state != TicketState.WAITING:
        return Place(ticket, 0, 0, None)
    if ticket.rank is None:
        return Place(ticket, 0, 0, queue.opens_at)
    ahead, approximate = _ahead(queue.pk, ticket.rank)
    per_minute = max(capacity.expected_rate() * 60, 1e-6)
    return Place(ticket, ahead, max(1, math.ceil((ahead + 1) / per_minute)), None, approximate)


def _ahead(queue_id: int, rank: int) -> tuple[int, bool]:
    """People waiting with a lower rank: exact up to EXACT_UP_TO, else an upper bound. The
    first rank still waiting is one probe of the line's index; admission goes in rank order,
    so between it and ``rank`` everyone is waiting but those whose ticket expired."""
    waiting = Ticket.objects.filter(queue_id=queue_id, state=TicketState.WAITING)
    first = waiting.filter(rank__isnull=False).order_by("rank").values_list("rank", flat=True)
    lowest = first.first()
    distance = max(0, rank - (rank if lowest is None else lowest))
    if distance <= EXACT_UP_TO:
        return waiting.filter(rank__lt=rank).count() if distance else 0, False
    return distance, True


def enter(ticket: Ticket, at: datetime | None = None) -> bool:
    """The admitted holder goes in: the ticket is used (the pass is theirs). False when the
    ticket is not admitted (or its pass time ran out)."""
    at = at or timezone.now()
    fresh = Ticket.objects.filter(pk=ticket.pk, admitted_at__gte=at - pass_validity())
    if fresh.filter(state=TicketState.USED).exists():
        return True  # the same holder again (a refresh) within the pass's time
    return bool(fresh.filter(state=TicketState.ADMITTED).update(state=TicketState.USED))
