"""The daily summary per unit and procedure, kept as dossiers move, and its rebuild.

Each event adds to the counters of its local day, in the transaction of the move, with one
``INSERT … ON CONFLICT … DO UPDATE SET n = n + …`` (SQLite ≥ 3.24 and PostgreSQL), so
concurrent moves never lose an increment. ``rebuild`` recomputes the same counters from the
dossiers' dates and the event log; a test checks both agree.

Following Decision 766's rules: a dossier counts as received when it is accepted (by channel),
as resolved when it is decided (an approval or a refusal to grant, both end the processing),
early / on time / late by the decision time against the appointment, and late whatever the
times if more than one supplement was asked for.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import reduce
from operator import or_
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from motcua.core.bulk import insert_rows
from motcua.core.page_cache import bump
from motcua.identity.models import Agency

from .models import Channel, DailySummary, Dossier, DossierEvent
from .workflow import Action, Status

COUNTERS = (
    "received_online",
    "received_direct",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "supplement_requested",
    "refused",
    "withdrawn",
    "stopped",
    "returned",
    "became_overdue",
    "digitised",
    "reused",
    "e_results",
    "in_process_delta",
)
ROW_FIELDS = (
    "agency_id",
    "day",
    "procedure_id",
    *COUNTERS,
)  # a summary row, as the rebuild writes it
# Renewed whenever a day already past is written (a backdated move, a rebuild): the reports
# of closed months kept in the cache (reports.py) are then read afresh.
SUMMARY_GENERATION = "motcua:summary:generation"
RESOLVED = (Status.DECIDED, Status.RETURNED)
LEFT_UNRESOLVED: dict[int, str] = {Status.WITHDRAWN: "withdrawn", Status.STOPPED: "stopped"}
FLAG_COUNTERS = {
    "has_digitised": ("digitised", "accepted_at"),
    "has_reused": ("reused", "accepted_at"),
    "has_e_result": ("e_results", "decided_at"),
}


def resolution(decided_at: datetime, due_at: datetime | None, supplements: int) -> str:
    """The counter of a decision: resolved_early, resolved_on_time or resolved_late."""
    if supplements > 1 or (due_at is not None and decided_at > due_at):
        return "resolved_late"
    if due_at is not None and timezone.localdate(decided_at) < timezone.localdate(due_at):
        return "resolved_early"
    return "resolved_on_time"


def received_flags(dossier: Dossier) -> list[str]:
    """The digitisation counters a dossier adds on the day it is received."""
    return [
        name
        for flag, (name, moment) in FLAG_COUNTERS.items()
        if moment == "accepted_at" and getattr(dossier, flag)
    ]


def count_flag(dossier: Dossier, flag: str) -> None:
    """``flag`` has just been set on ``dossier``: count it on its day (receipt, decision) when
    that day has come; a dossier not yet received is counted by its acceptance instead."""
    counter, moment_field = FLAG_COUNTERS[flag]
    moment = getattr(dossier, moment_field)
    if moment is None:
        return
    _add(
        dossier.agency_id,
        timezone.localdate(moment),
        dossier.version.procedure_id,
        Counter({counter: 1}),
    )


def _received(channel: int) -> str:
    return "received_online" if channel == Channel.ONLINE else "received_direct"


@dataclass(frozen=True)
class Effect:
    day: date
    counter: str
    delta: int


def effects(dossier: Dossier, event: DossierEvent) -> list[Effect]:
    """What ``event`` adds to the summary, given the dossier as the move left it."""
    day = timezone.localdate(event.at)
    action = event.action
    if action == Action.ACCEPT:
        found = [Effect(day, _received(dossier.channel), 1), Effect(day, "in_process_delta", 1)]
        return found + [Effect(day, name, 1) for name in received_flags(dossier)]
    if action == Action.DECIDE:  # once decided, a dossier can only be returned
        counter = resolution(event.at, dossier.due_at, dossier.supplement_count)
        return [Effect(day, counter, 1), Effect(day, "in_process_delta", -1)]
    if action == Action.REQUEST_SUPPLEMENT:
        return [Effect(day, "supplement_requested", 1)]
    if action == Action.LATE_WARNING and event.details.get("mark") == "overdue":
        return [Effect(day, "became_overdue", 1)]
    if action == Action.RETURN_RESULT:
        return [Effect(day, "returned", 1)]
    if action in (Action.REFUSE, Action.AUTO_REFUSE, Action.WITHDRAW, Action.STOP):
        return _closing(day, int(event.to_status or 0), dossier.accepted_at is not None)
    return []


def _closing(day: date, status: int, was_accepted: bool) -> list[Effect]:
    found = [Effect(day, LEFT_UNRESOLVED.get(status, "refused"), 1)]
    return [*found, Effect(day, "in_process_delta", -1)] if was_accepted else found


def count_move(dossier: Dossier, event: DossierEvent) -> None:
    """Add ``event`` to the summary, inside the caller's transaction."""
    by_day: dict[date, Counter[str]] = {}
    for effect in effects(dossier, event):
        by_day.setdefault(effect.day, Counter())[effect.counter] += effect.delta
    procedure_id = dossier.version.procedure_id
    for day, counts in by_day.items():
        _add(dossier.agency_id, day, procedure_id, counts)


def _add(agency_id: int, day: date, procedure_id: int, counts: Counter[str]) -> None:
    changed = [name for name in COUNTERS if counts[name]]
    if not changed:
        return
    q = connection.ops.quote_name
    table = q(DailySummary._meta.db_table)
    columns = ", ".join(q(n) for n in ["agency_id", "day", "procedure_id", *COUNTERS])
    placeholders = ", ".join(["%s"] * (3 + len(COUNTERS)))
    updates = ", ".join(f"{q(n)} = {table}.{q(n)} + excluded.{q(n)}" for n in changed)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) "
            f'ON CONFLICT ("agency_id", "day", "procedure_id") DO UPDATE SET {updates}',
            [agency_id, day, procedure_id, *(counts[n] for n in COUNTERS)],
        )
    if day < timezone.localdate():
        _renew_on_commit()


def _renew_on_commit() -> None:
    transaction.on_commit(lambda: bump(SUMMARY_GENERATION))


# --- rebuild ---------------------------------------------------------------------------------

Key = tuple[date, int]  # (day, procedure id)


def rebuild(since: date | None = None) -> int:
    """Recompute the summary (from ``since`` on, else entirely), one unit at a time; returns
    the number of rows written."""
    written = 0
    for agency_id in Agency.objects.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            rows = DailySummary.objects.filter(agency_id=agency_id)
            (rows.filter(day__gte=since) if since else rows).delete()
            counts = _recount(agency_id, since)
            # COPY on PostgreSQL (motcua.core.bulk): bulk_create preparing each value was half
            # of a rebuild's time (22 minutes for the benchmark's 5 million dossiers).
            written += insert_rows(
                DailySummary,
                ROW_FIELDS,
                (
                    (agency_id, day, procedure, *(values[name] for name in COUNTERS))
                    for (day, procedure), values in counts.items()
                ),
            )
            _renew_on_commit()
    return written


def _recount(agency_id: int, since: date | None) -> dict[Key, Counter[str]]:
    start = timezone.make_aware(datetime.combine(since, time.min)) if since else None
    counts: dict[Key, Counter[str]] = {}
    for day, procedure, counter, delta in _facts(agency_id, start):
        if since is None or day >= since:
            counts.setdefault((day, procedure), Counter())[counter] += delta
    return {key: values for key, values in counts.items() if any(values.values())}


def _facts(agency_id: int, start: datetime | None) -> Iterator[tuple[date, int, str, int]]:
    """The counters' facts from the dossiers' dates and statuses, and from the event log."""
    accepted = _touched(
        Dossier.objects.filter(agency_id=agency_id, accepted_at__isnull=False),
        start,
        ("accepted_at", "decided_at", "closed_at"),
    ).values_list(
        "version__procedure_id", "channel", "status", "accepted_at", "decided_at", "due_at",
        "supplement_count", "closed_at", "returned_at", "has_digitised", "has_reused",
        "has_e_result",
    )  # fmt: skip
    for row in accepted.iterator(chunk_size=5000):
        procedure, channel, status, accepted_at, decided, due, supplements, closed, returned = row[:9]  # noqa: E501  # fmt: skip
        digitised, reused, e_result = row[9:]
        if start is None or accepted_at >= start:
            yield from _at(accepted_at, procedure, _received(channel), 1)
            yield from _at(accepted_at, procedure, "in_process_delta", 1)
            if digitised:
                yield from _at(accepted_at, procedure, "digitised", 1)
            if reused:
                yield from _at(accepted_at, procedure, "reused", 1)
        if e_result and decided is not None:
            yield from _at(decided, procedure, "e_results", 1)
        if status in RESOLVED and decided is not None:
            yield from _at(decided, procedure, resolution(decided, due, supplements), 1)
            yield from _at(decided, procedure, "in_process_delta", -1)
        if returned is not None:
            yield from _at(returned, procedure, "returned", 1)
        if closed is not None and status not in RESOLVED:
            yield from _at(closed, procedure, LEFT_UNRESOLVED.get(status, "refused"), 1)
            yield from _at(closed, procedure, "in_process_delta", -1)
    never_accepted = _touched(
        Dossier.objects.filter(
            agency_id=agency_id, accepted_at__isnull=True, closed_at__isnull=False
        ),
        start,
        ("closed_at",),
    ).values_list("version__procedure_id", "status", "closed_at")
    for procedure, status, closed in never_accepted.iterator(chunk_size=5000):
        yield from _at(closed, procedure, LEFT_UNRESOLVED.get(status, "refused"), 1)
    yield from _event_facts(agency_id, start)


def _touched(dossiers: Any, start: datetime | None, moments: tuple[str, ...]) -> Any:
    """The dossiers with one of ``moments`` from ``start`` on (all without a start)."""
    if start is None:
        return dossiers.order_by()
    return dossiers.filter(reduce(or_, (Q(**{f"{m}__gte": start}) for m in moments))).order_by()


def _event_facts(agency_id: int, start: datetime | None) -> Iterator[tuple[date, int, str, int]]:
    events = DossierEvent.objects.filter(
        dossier__agency_id=agency_id,
        action__in=[Action.REQUEST_SUPPLEMENT, Action.LATE_WARNING],
    )
    if start is not None:
        events = events.filter(at__gte=start)
    rows = events.order_by().values_list(
        "action", "at", "details", "dossier__version__procedure_id"
    )
    for action, at, details, procedure in rows.iterator(chunk_size=5000):
        if action == Action.REQUEST_SUPPLEMENT:
            yield from _at(at, procedure, "supplement_requested", 1)
        elif isinstance(details, dict) and details.get("mark") == "overdue":
            yield from _at(at, procedure, "became_overdue", 1)


def _at(moment: datetime, procedure: int, counter: str, delta: int) -> Iterator[Any]:
    yield timezone.localdate(moment), procedure, counter, delta
