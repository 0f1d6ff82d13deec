"""A unit's monthly report, read from the daily summary only (never from the dossiers).

A closed month's figures change only when the summary is written for a day already past (a
backdated move, ``rebuild_summary``), so its report is kept in the cache under a generation
that every such write renews (``summary.py``); the catalogue's generation names the
procedures. The current month is counted afresh on every read, with its carried-over figure
(the sum of every earlier day, which grows with the unit's history) taken from the cache.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar, cast

from django.core.cache import cache
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from motcua.catalog.models import ProcedureVersion
from motcua.core.page_cache import generation
from motcua.identity.models import AdministrativeUnit, Agency

from .access import officer_scope
from .models import DailySummary
from .summary import COUNTERS, SUMMARY_GENERATION

FLOWS = tuple(name for name in COUNTERS if name != "in_process_delta")
CACHE_SECONDS = 24 * 3600
T = TypeVar("T")


@dataclass
class ReportRow:
    code: str = ""
    name: str = ""
    carried_over: int = 0  # in process at the start of the month
    counts: dict[str, int] = field(default_factory=dict)
    in_process: int = 0  # at the end of the month

    def __getattr__(self, name: str) -> int:
        if name in FLOWS:
            return self.counts.get(name, 0)
        raise AttributeError(name)

    # The properties read ``counts`` directly: a unit's report can have thousands of rows.
    @property
    def received(self) -> int:
        counts = self.counts
        return counts.get("received_online", 0) + counts.get("received_direct", 0)

    @property
    def resolved(self) -> int:
        counts = self.counts
        return (
            counts.get("resolved_early", 0)
            + counts.get("resolved_on_time", 0)
            + counts.get("resolved_late", 0)
        )

    @property
    def on_time_rate(self) -> Decimal | None:
        """Resolved early or on time, in % of resolved (Decision 766, indicator 2.1)."""
        resolved = self.resolved
        if not resolved:
            return None
        in_time = self.counts.get("resolved_early", 0) + self.counts.get("resolved_on_time", 0)
        rate = Decimal(100 * in_time) / resolved
        return rate.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def _rate(self, part: str, whole: int) -> Decimal | None:
        if not whole:
            return None
        rate = Decimal(100 * self.counts.get(part, 0)) / whole
        return min(rate, Decimal(100)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def e_result_rate(self) -> Decimal | None:
        """Electronic results issued, in % of resolved (Decision 766, criterion 4.1)."""
        return self._rate("e_results", self.resolved)

    @property
    def digitised_rate(self) -> Decimal | None:
        """Received dossiers with a component digitised at the desk, in % of received (4.2)."""
        return self._rate("digitised", self.received)

    @property
    def reused_rate(self) -> Decimal | None:
        """Received dossiers reusing a paper from the data store, in % of received (4.3)."""
        return self._rate("reused", self.received)

    def add(self, other: ReportRow) -> None:
        self.carried_over += other.carried_over
        self.in_process += other.in_process
        for name in FLOWS:
            self.counts[name] = self.counts.get(name, 0) + other.counts.get(name, 0)


@dataclass(frozen=True)
class MonthlyReport:
    agency: Agency
    month: date  # the first day
    rows: list[ReportRow]
    total: ReportRow


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def month_rows(agency: Agency, month: date) -> QuerySet[DailySummary, dict[str, Any]]:
    days = DailySummary.objects.filter(agency=agency, day__gte=month, day__lt=next_month(month))
    return days.values("procedure_id").annotate(**{n: Sum(n) for n in COUNTERS}).order_by()


def carried_rows(agency: Agency, month: date) -> QuerySet[DailySummary, dict[str, Any]]:
    earlier = DailySummary.objects.filter(agency=agency, day__lt=month)
    return earlier.values("procedure_id").annotate(carried=Sum("in_process_delta")).order_by()


def monthly_report(agency: Agency, month: date) -> MonthlyReport:
    month = month.replace(day=1)
    if is_closed(month):
        rows, total = kept(agency, month, "rows", lambda: _with_total(_counted(agency, month)))
    elif month == timezone.localdate().replace(day=1):
        carried = _remembered(("carried", agency.pk, month), lambda: _carried(agency, month))
        rows, total = _with_total(_counted(agency, month, carried))
    else:  # a month to come: what is in process now is all there is
        rows, total = _with_total(_counted(agency, month))
    return MonthlyReport(agency=agency, month=month, rows=rows, total=total)


def is_closed(month: date) -> bool:
    return month < timezone.localdate().replace(day=1)


def kept(agency: Agency, month: date, what: str, compute: Callable[[], T]) -> T:
    """``compute()``, kept in the cache when ``month`` is closed (see the module's note): a
    unit's report, or a form of it (the API keeps its JSON)."""
    if not is_closed(month):
        return compute()
    return _remembered((what, agency.pk, month), compute)


def _with_total(rows: list[ReportRow]) -> tuple[list[ReportRow], ReportRow]:
    total = ReportRow()
    for row in rows:
        total.add(row)
    return rows, total


def _remembered(what: tuple[Any, ...], compute: Callable[[], T]) -> T:
    versions = f"{generation(SUMMARY_GENERATION)}:{generation()}"
    key = "motcua:report:{}:{}:{}:{}".format(versions, *what)
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, CACHE_SECONDS)
    return cast(T, found)


def _carried(agency: Agency, month: date) -> dict[int, int]:
    """In process at the start of ``month``, per procedure: the sum of every earlier day."""
    return {
        found["procedure_id"]: found["carried"]
        for found in carried_rows(agency, month)
        if found["carried"]
    }


def _counted(agency: Agency, month: date, carried: dict[int, int] | None = None) -> list[ReportRow]:
    if carried is None:
        carried = _carried(agency, month)
    rows = {procedure: ReportRow(carried_over=count) for procedure, count in carried.items()}
    for found in month_rows(agency, month):
        row = rows.setdefault(found["procedure_id"], ReportRow())
        row.counts = {name: found[name] or 0 for name in FLOWS}
        row.in_process = found["in_process_delta"] or 0
    for row in rows.values():
        row.in_process += row.carried_over
    _name(rows)
    return sorted(rows.values(), key=lambda r: r.code)


def _name(rows: dict[int, ReportRow]) -> None:
    versions = (
        ProcedureVersion.objects.filter(procedure_id__in=rows)
        .order_by("procedure_id", "-effective_from")
        .values_list("procedure_id", "procedure__code", "name")
    )
    for procedure_id, code, name in versions:
        if not rows[procedure_id].code:  # the latest version names it
            rows[procedure_id].code, rows[procedure_id].name = code, name


def may_see_report(user: Any, agency: Agency) -> bool:
    """The unit's own officers, and officers of a unit above it: its parent agencies, or the
    people's committee of an administrative unit that contains its area."""
    scope = officer_scope(user)
    if scope.is_system_admin:
        return True
    mine = scope.agency_ids
    if not mine:
        return False
    above: set[int] = set()
    current: Agency | None = agency
    while current is not None and current.pk not in above:
        if current.pk in mine:  # the unit's own officers stop here, before reading a parent
            return True
        above.add(current.pk)
        current = current.parent
    units = set()
    unit: AdministrativeUnit | None = agency.unit
    while unit is not None and unit.pk not in units:
        units.add(unit.pk)
        unit = unit.parent
    committees = Q(unit__in=units, kind=Agency.Kind.PEOPLES_COMMITTEE)
    return Agency.objects.filter(committees, pk__in=mine).exists()


def parse_month(text: str) -> date | None:
    """A month written "YYYY-MM" (the API) or "MM/YYYY" (Vietnamese), else None."""
    text = text.strip()
    year, _sep, month = text.partition("-")
    if not _sep:
        month, _sep, year = text.partition("/")
    if not (_sep and year.isdigit() and month.isdigit() and len(year) == 4):
        return None
    if not 1 <= int(month) <= 12 or int(year) < 1900:
        return None
    return date(int(year), int(month), 1)
