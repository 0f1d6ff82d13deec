"""The live operational figures of the dashboards, read cheaply.

Each figure has one definition, owned by the domain that holds it (docs/dashboards.md):
- received today / this month, resolved on time, received online: the daily summary
  (``dossiers.summary``, the monthly report's counters), never the dossiers;
- in process now: the summary's ``in_process_delta`` summed over every day (accepted minus
  finished), the days before this month kept in the cache like the monthly report's;
- overdue now and due soon: ``dossiers.late.running_due_by``, the dossiers the periodic check
  marks (clock running, appointment past / within one working day), through its index;
- feedback backlog: ``feedback.selectors.backlog`` (open items, and those past their deadline).

A unit counts its own dossiers and those of every agency under it (``Agency.parent``).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from motcua.core.page_cache import generation
from motcua.dossiers.access import officer_scope
from motcua.dossiers.late import due_soon_limit, running_due_by
from motcua.dossiers.models import DailySummary
from motcua.dossiers.summary import SUMMARY_GENERATION
from motcua.feedback.rules import LEADERS
from motcua.feedback.selectors import backlog
from motcua.identity.models import Agency, UnitLevel

from .index import subtrees

CARRIED_SECONDS = 24 * 3600


@dataclass
class UnitFigures:
    agency: Agency | None
    received_today: int = 0
    received_month: int = 0
    received_online_month: int = 0
    resolved_month: int = 0
    in_time_month: int = 0  # resolved early or on time
    in_process: int = 0
    overdue: int = 0
    due_soon: int = 0
    feedback_open: int = 0
    feedback_overdue: int = 0
    score: Decimal | None = None  # the unit's index this month, when the view asks for it

    @property
    def on_time_rate(self) -> Decimal | None:
        """Resolved early or on time this month, in % of resolved (the monthly report's)."""
        return _percent(self.in_time_month, self.resolved_month)

    @property
    def online_rate(self) -> Decimal | None:
        """Received online this month, in % of received."""
        return _percent(self.received_online_month, self.received_month)

    def add(self, other: UnitFigures) -> None:
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))


COUNTS = (
    "received_today", "received_month", "received_online_month", "resolved_month",
    "in_time_month", "in_process", "overdue", "due_soon", "feedback_open", "feedback_overdue",
)  # fmt: skip


@dataclass(frozen=True)
class Operations:
    at: datetime
    total: UnitFigures  # every unit of the rows together
    rows: list[UnitFigures]  # one per unit asked for, each with the agencies under it


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100 * part) / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def city_agency() -> Agency | None:
    """The city's (province's) people's committee: the top of the agency tree."""
    top = Agency.objects.filter(
        kind=Agency.Kind.PEOPLES_COMMITTEE, parent__isnull=True, unit__level=UnitLevel.PROVINCE
    )
    return top.select_related("unit").order_by("electronic_id").first()


def operations(units: Iterable[Agency], *, now: datetime | None = None) -> Operations:
    """The live figures of each unit in ``units`` (with the agencies under it), and their
    total (an agency under two of them counted once)."""
    now = now or timezone.now()
    units = list(units)
    trees = subtrees(units)
    every = set().union(*trees.values()) if trees else set()
    per_agency = _per_agency(every, now)
    rows = [_summed(unit, trees[unit.pk], per_agency) for unit in units]
    return Operations(at=now, total=_summed(None, every, per_agency), rows=rows)


def _summed(unit: Agency | None, ids: set[int], per_agency: dict[int, UnitFigures]) -> UnitFigures:
    figures = UnitFigures(agency=unit)
    for pk in ids:
        if pk in per_agency:
            figures.add(per_agency[pk])
    return figures


def _per_agency(ids: set[int], now: datetime) -> dict[int, UnitFigures]:
    found: dict[int, UnitFigures] = defaultdict(lambda: UnitFigures(agency=None))
    if not ids:
        return found
    today = timezone.localdate(now)
    month = today.replace(day=1)
    for row in summary_rows(ids, today, month):
        figures = found[row["agency_id"]]
        figures.received_today = row["today"] or 0
        figures.received_month = row["month"] or 0
        figures.received_online_month = row["online"] or 0
        figures.resolved_month = row["resolved"] or 0
        figures.in_time_month = row["in_time"] or 0
        figures.in_process += row["delta"] or 0
    for pk, carried in _carried(ids, month).items():
        found[pk].in_process += carried
    for row in late_rows(now):
        if row["agency_id"] not in ids:
            continue
        found[row["agency_id"]].overdue = row["overdue"]
        found[row["agency_id"]].due_soon = row["soon"]
    for pk, (waiting, late_items) in backlog(ids, now=now).items():
        found[pk].feedback_open, found[pk].feedback_overdue = waiting, late_items
    return found


def late_rows(now: datetime) -> Any:
    """Overdue and due-soon dossiers per agency, through the index of the periodic marks: the
    whole (small) set of running dossiers due within a working day, grouped, then kept for
    ``ids``. Filtering on the agency in SQL would make the planner read every dossier of the
    units through ``dossier_agency_submitted`` instead."""
    limit = max(due_soon_limit(now), now)
    late = running_due_by(limit).values("agency_id").order_by()
    return late.annotate(
        overdue=Count("pk", filter=Q(due_at__lt=now)), soon=Count("pk", filter=Q(due_at__gte=now))
    )


def summary_rows(ids: set[int], today: date, month: date) -> Any:
    received = F("received_online") + F("received_direct")
    this_month = DailySummary.objects.filter(agency__in=ids, day__gte=month)
    return (
        this_month.values("agency_id")
        .annotate(
            today=Sum(received, filter=Q(day=today)),
            month=Sum(received, filter=Q(day__lte=today)),
            online=Sum("received_online", filter=Q(day__lte=today)),
            resolved=Sum(
                F("resolved_early") + F("resolved_on_time") + F("resolved_late"),
                filter=Q(day__lte=today),
            ),
            in_time=Sum(F("resolved_early") + F("resolved_on_time"), filter=Q(day__lte=today)),
            delta=Sum("in_process_delta"),
        )
        .order_by()
    )


def _carried(ids: set[int], month: date) -> dict[int, int]:
    """In process at the start of ``month`` per agency: the sum of every earlier day, kept
    until a past day is written again (the summary then renews its generation)."""
    agencies = hashlib.sha256(",".join(map(str, sorted(ids))).encode()).hexdigest()[:24]
    key = f"motcua:ops:carried:{generation(SUMMARY_GENERATION)}:{month}:{agencies}"
    found = cache.get(key)
    if found is None:
        earlier = DailySummary.objects.filter(agency__in=ids, day__lt=month)
        rows = earlier.values("agency_id").annotate(n=Sum("in_process_delta")).order_by()
        found = {row["agency_id"]: row["n"] for row in rows if row["n"]}
        cache.set(key, found, CARRIED_SECONDS)
    return dict(found)


@dataclass(frozen=True)
class MonthFigures:
    month: date  # the first day
    received: int
    received_online: int
    resolved: int
    in_time: int

    @property
    def on_time_rate(self) -> Decimal | None:
        return _percent(self.in_time, self.resolved)

    @property
    def online_rate(self) -> Decimal | None:
        return _percent(self.received_online, self.received)


def monthly_trend(
    unit: Agency, *, months: int = 12, today: date | None = None
) -> list[MonthFigures]:
    """The unit's (and those under it) received, online, resolved and on-time counts for each
    of the last ``months`` months, this one included: one grouped read of the summary."""
    today = today or timezone.localdate()
    firsts = [_month_back(today.replace(day=1), n) for n in reversed(range(months))]
    ids = subtrees([unit])[unit.pk]
    rows = (
        DailySummary.objects.filter(agency__in=ids, day__gte=firsts[0], day__lte=today)
        .annotate(month=TruncMonth("day"))
        .values("month")
        .annotate(
            received=Sum(F("received_online") + F("received_direct")),
            online=Sum("received_online"),
            resolved=Sum(F("resolved_early") + F("resolved_on_time") + F("resolved_late")),
            in_time=Sum(F("resolved_early") + F("resolved_on_time")),
        )
        .order_by()
    )
    found = {_as_date(row["month"]): row for row in rows}
    return [
        MonthFigures(
            month=first,
            received=found.get(first, {}).get("received") or 0,
            received_online=found.get(first, {}).get("online") or 0,
            resolved=found.get(first, {}).get("resolved") or 0,
            in_time=found.get(first, {}).get("in_time") or 0,
        )
        for first in firsts
    ]


def _month_back(first: date, count: int) -> date:
    index = first.year * 12 + first.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def led_units(user: Any) -> list[Agency]:
    """The units ``user`` leads (approver or unit administrator there)."""
    scope = officer_scope(user)
    ids = set().union(*(scope.by_role.get(role, frozenset()) for role in LEADERS))
    return list(Agency.objects.filter(pk__in=ids).select_related("unit").order_by("name"))
