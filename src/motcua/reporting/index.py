"""The Decision 766 service-quality index of a unit and period, and the ranking of units.

Every figure is read from the sums ``facts.py`` keeps (``IndexDay``, ``ProcedureMonth``), the
catalogue (jurisdiction) and the feedback figures, for all the units asked at once; a unit's
figure is the sum over it and every agency under it (``Agency.parent``), so a city is the sum
of its departments and wards. Points per indicator are ``min(1, ratio / threshold) × points``
with the groups, points and thresholds of the configuration version in force
(``config.py``). Indicators the platform holds no data for, or whose denominator is 0 in the
period, score nothing and are left out of the points available; the score out of 100 is
``points / points available × 100``, so units are compared on the same ground.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import Any, TypeVar, cast

from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.utils import timezone

from motcua.core.page_cache import generation
from motcua.feedback.selectors import Figures, figures_by_agency
from motcua.identity.models import Agency, UnitLevel

from .catalogue import Offer, offers
from .config import IndexVersion, IndicatorSpec, get_version, version_for
from .constants import INDEX_GENERATION
from .measures import MEASURES, Measure
from .models import DAY_COUNTERS, DossierFact, IndexDay, IndexMonth, ProcedureMonth
from .periods import Period

FLOWS = tuple(c for c in DAY_COUNTERS if not c.endswith("_delta"))
HUNDRED = Decimal(100)
TWO = Decimal("0.01")
MINUTES_PER_DAY = 8 * 60


def _round(value: Decimal) -> Decimal:
    return value.quantize(TWO, rounding=ROUND_HALF_UP)


@dataclass
class IndicatorScore:
    code: str
    name: str
    group: str
    points_max: Decimal
    threshold: Decimal
    measure: Measure | None
    numerator: int = 0
    denominator: int = 0
    value: Decimal | None = None  # a figure that is not a ratio (2.2: days)
    parts: dict[str, int] = field(default_factory=dict)  # what the numerator is made of

    @property
    def has_data(self) -> bool:
        return self.measure is not None and self.denominator > 0

    @property
    def scored(self) -> bool:
        return self.has_data and self.points_max > 0 and self.measure.unit == "%"  # type: ignore[union-attr]

    @cached_property
    def ratio(self) -> Decimal | None:
        if not self.has_data or self.measure is None or self.measure.unit != "%":
            return None
        return _round(HUNDRED * max(self.numerator, 0) / self.denominator)

    @cached_property
    def points(self) -> Decimal | None:
        ratio = self.ratio
        if ratio is None or not self.points_max:
            return None
        exact = HUNDRED * max(self.numerator, 0) / self.denominator
        return _round(min(Decimal(1), exact / self.threshold) * self.points_max)

    @property
    def lost(self) -> Decimal:
        points = self.points
        return self.points_max - points if points is not None else Decimal(0)

    @property
    def definition(self) -> str:
        if self.measure is None:
            return ""
        return f"{self.measure.formula} {self.measure.counted} {self.measure.excluded}"


@dataclass
class GroupScore:
    code: str
    name: str
    points_max: Decimal
    indicators: list[IndicatorScore]

    @cached_property
    def points(self) -> Decimal:
        return sum((i.points or Decimal(0) for i in self.indicators), Decimal(0))

    @cached_property
    def available(self) -> Decimal:
        return sum((i.points_max for i in self.indicators if i.scored), Decimal(0))


@dataclass
class UnitIndex:
    agency: Agency
    period: Period
    version: IndexVersion
    groups: list[GroupScore]
    received: int
    judged_on: date  # open dossiers are judged at the end of this day

    @cached_property
    def points(self) -> Decimal:
        return sum((g.points for g in self.groups), Decimal(0))

    @cached_property
    def available(self) -> Decimal:
        return sum((g.available for g in self.groups), Decimal(0))

    @cached_property
    def total(self) -> Decimal | None:
        """The score out of 100: points over the points available, × 100."""
        available = self.available
        if not available:
            return None
        return _round(self.points * HUNDRED / available)

    def indicator(self, code: str) -> IndicatorScore:
        for group in self.groups:
            for found in group.indicators:
                if found.code == code:
                    return found
        raise KeyError(code)

    def indicators(self) -> list[IndicatorScore]:
        return [i for g in self.groups for i in g.indicators]


# --- the tree of units ------------------------------------------------------------------------


def subtrees(roots: list[Agency]) -> dict[int, set[int]]:
    """Each root's agency id with the ids of every agency under it."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent in Agency.objects.values_list("pk", "parent_id"):
        children[parent].append(pk)
    found: dict[int, set[int]] = {}
    for root in roots:
        seen = {root.pk}
        todo = [root.pk]
        while todo:
            for child in children.get(todo.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    todo.append(child)
        found[root.pk] = seen
    return found


# --- raw figures ------------------------------------------------------------------------------


@dataclass
class Raw:
    """What one unit's score is computed from."""

    flows: Counter[str] = field(default_factory=Counter)
    open: int = 0
    late: int = 0
    offer: Offer = field(default_factory=Offer)
    used_online: set[int] = field(default_factory=set)
    paid_online: set[int] = field(default_factory=set)
    feedback: Figures = field(default_factory=Figures)


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def judged_on(period: Period) -> date:
    return min(period.end, timezone.localdate())


def raw_figures(units: dict[int, set[int]], period: Period) -> dict[int, Raw]:
    """The raw figures of each unit (unit id -> the agency ids it sums)."""
    everyone = set().union(*units.values()) if units else set()
    per_agency: dict[int, Raw] = defaultdict(Raw)
    judged = judged_on(period)
    if everyone and period.start <= judged:
        _read_sums(per_agency, everyone, period, judged)
    for agency_id, offer in offers(everyone, judged).items():
        per_agency[agency_id].offer = offer
    result = {}
    for unit, ids in units.items():
        if len(ids) == 1:  # a ward: its own figures, nothing to add up
            [only] = ids
            result[unit] = per_agency[only]
            continue
        raw = Raw()
        handled: set[int] = set()
        online: set[int] = set()
        fee: set[int] = set()
        feedback = Counter[str]()
        for agency_id in ids:
            found = per_agency.get(agency_id)
            if found is None:
                continue
            raw.flows.update(found.flows)
            raw.open += found.open
            raw.late += found.late
            handled |= found.offer.handled
            online |= found.offer.online
            fee |= found.offer.fee
            raw.used_online |= found.used_online
            raw.paid_online |= found.paid_online
            for name in ("total", "on_time", "late", "disliked", "repeated", "unsatisfied"):
                feedback[name] += getattr(found.feedback, name)
        raw.offer = Offer(frozenset(handled), frozenset(online), frozenset(fee))
        raw.feedback = Figures(**dict(feedback))  # type: ignore[arg-type]
        result[unit] = raw
    return result


def _summed(rows: Any, names: dict[str, Any]) -> Any:
    return rows.values("agency_id").annotate(**names).order_by()


def _read_sums(per_agency: dict[int, Raw], ids: set[int], period: Period, judged: date) -> None:
    """A period of whole months reads the month rows; what is in process at ``judged`` is the
    month rows before its month plus its month's days up to it."""
    days = IndexDay.objects.filter(agency_id__in=ids)
    months = IndexMonth.objects.filter(agency_id__in=ids)
    flows = {name: Sum(name) for name in FLOWS}
    if period.whole_months():
        found = _summed(months.filter(month__gte=period.start, month__lte=period.end), flows)
    else:
        found = _summed(days.filter(day__gte=period.start, day__lte=period.end), flows)
    for row in found:
        per_agency[row["agency_id"]].flows.update({n: row[n] or 0 for n in FLOWS})
    first = judged.replace(day=1)
    levels = {"open": Sum("open_delta"), "late": Sum("late_delta")}
    for rows in (
        _summed(months.filter(month__lt=first), levels),
        _summed(days.filter(day__gte=first, day__lte=judged), levels),
    ):
        for row in rows:
            raw = per_agency[row["agency_id"]]
            raw.open += row["open"] or 0
            raw.late += row["late"] or 0
    used: Any
    if period.whole_months():
        used = (
            ProcedureMonth.objects.filter(
                agency_id__in=ids, month__gte=period.start, month__lte=period.end
            )
            .values("agency_id", "procedure_id")
            .annotate(online=Sum("received_online"), paid=Sum("paid_online"))
            .order_by()
        )
    else:
        used = (
            DossierFact.objects.filter(
                agency_id__in=ids, received_on__gte=period.start, received_on__lte=period.end
            )
            .values("agency_id", "procedure_id")
            .annotate(
                online=Count("pk", filter=Q(online=True)),
                paid=Count("pk", filter=Q(paid_online=True)),
            )
            .order_by()
        )
    for row in used:
        raw = per_agency[row["agency_id"]]
        if row["online"]:
            raw.used_online.add(row["procedure_id"])
        if row["paid"]:
            raw.paid_online.add(row["procedure_id"])
    start, end = _aware(period.start), _aware(period.end + timedelta(days=1))
    for agency_id, found in figures_by_agency(ids, start, end).items():
        per_agency[agency_id].feedback = found


# --- scoring ----------------------------------------------------------------------------------


def _measure(spec: IndicatorSpec, raw: Raw) -> tuple[int, int, Decimal | None, dict[str, int]]:
    """(numerator, denominator, value, parts) of one indicator."""
    f = raw.flows
    name = spec.measure
    if name == "synced":
        return f["synced"], f["received"], None, {}
    if name == "on_time":
        open_in_time = raw.open - raw.late
        parts = {
            "ended_in_time": f["ended_in_time"],
            "ended_late": f["ended"] - f["ended_in_time"],
            "open_in_time": open_in_time,
            "open_late": raw.late,
        }
        return f["ended_in_time"] + open_in_time, f["ended"] + raw.open, None, parts
    if name == "average_time":
        decided = f["decided"]
        value = _round(Decimal(f["minutes"]) / MINUTES_PER_DAY / decided) if decided else None
        return f["minutes"], decided, value, {}
    if name == "procedures_online":
        return len(raw.offer.online), len(raw.offer.handled), None, {}
    if name == "services_used":
        used = len(raw.used_online & raw.offer.online)
        return used, len(raw.offer.online), None, {}
    if name == "submitted_online":
        return f["received_online"], f["received"], None, {}
    if name == "procedures_paid_online":
        return len(raw.paid_online & raw.offer.fee), len(raw.offer.fee), None, {}
    if name == "paid_online":
        return f["paid_online"], f["fee_bearing"], None, {}
    if name == "e_results":
        return f["e_results"], f["decided"], None, {}
    if name in ("digitised", "reused", "verified"):
        return f[name], f["received"], None, {}
    if name == "feedback_on_time":
        return raw.feedback.on_time, raw.feedback.total, None, {}
    if name == "feedback_satisfied":
        fb = raw.feedback
        return fb.total - fb.unsatisfied, fb.total, None, {"unsatisfied": fb.unsatisfied}
    if name == "satisfied":
        decided, late, complained = f["decided"], f["decided_late"], f["decided_complained"]
        parts = {"late": late, "complained": complained}
        return decided - late - complained, decided, None, parts
    return 0, 0, None, {}


def score(agency: Agency, period: Period, version: IndexVersion, raw: Raw) -> UnitIndex:
    groups = []
    for group in version.groups:
        indicators = []
        for spec in group.indicators:
            found = IndicatorScore(
                code=spec.code,
                name=spec.name,
                group=group.code,
                points_max=spec.points,
                threshold=spec.threshold,
                measure=MEASURES.get(spec.measure) if spec.measure else None,
            )
            if spec.measure:
                numerator, denominator, value, parts = _measure(spec, raw)
                found.numerator, found.denominator = numerator, denominator
                found.value, found.parts = value, parts
            indicators.append(found)
        groups.append(GroupScore(group.code, group.name, group.points, indicators))
    return UnitIndex(
        agency=agency,
        period=period,
        version=version,
        groups=groups,
        received=raw.flows["received"],
        judged_on=judged_on(period),
    )


def resolve_version(period: Period, code: str | None = None) -> IndexVersion:
    """The version named ``code``, else the one in force on the period's first day."""
    if code:
        found = get_version(code)
        if found is not None:
            return found
    return version_for(period.start)


def unit_index(agency: Agency, period: Period, version: IndexVersion | None = None) -> UnitIndex:
    version = version or resolve_version(period)
    raw = raw_figures(subtrees([agency]), period)[agency.pk]
    return score(agency, period, version, raw)


def unit_indexes(
    agencies: list[Agency], period: Period, version: IndexVersion | None = None
) -> dict[int, UnitIndex]:
    version = version or resolve_version(period)
    raws = raw_figures(subtrees(agencies), period)
    return {a.pk: score(a, period, version, raws[a.pk]) for a in agencies}


def trend(
    agency: Agency, period: Period, count: int = 12, version: IndexVersion | None = None
) -> list[UnitIndex]:
    """The unit's index over ``count`` periods of ``period``'s kind ending with it."""
    periods = [period]
    while len(periods) < count:
        periods.append(periods[-1].previous())
    units = subtrees([agency])  # the tree read once for every period
    return [
        score(agency, p, version or resolve_version(p), raw_figures(units, p)[agency.pk])
        for p in reversed(periods)
    ]


# --- ranking ----------------------------------------------------------------------------------

LEVELS = ("commune", "department", "district")


def level_members(parent: Agency, level: str) -> list[Agency]:
    """The units of ``level`` under ``parent``: the people's committees of its communes and
    wards (or districts), or the bodies at its own level directly under it (departments)."""
    below = subtrees([parent])[parent.pk] - {parent.pk}
    units = Agency.objects.filter(pk__in=below).only(
        "pk", "name", "electronic_id", "kind", "unit_id", "parent_id"
    )
    if level in ("commune", "district"):
        wanted = UnitLevel.COMMUNE if level == "commune" else UnitLevel.DISTRICT
        units = units.filter(kind=Agency.Kind.PEOPLES_COMMITTEE, unit__level=wanted)
    elif level == "department":
        units = units.filter(parent=parent, unit=parent.unit).exclude(
            kind=Agency.Kind.PEOPLES_COMMITTEE
        )
    else:
        return []
    return list(units.order_by("name"))


@dataclass
class RankRow:
    agency: Agency
    index: UnitIndex
    rank: int | None = None
    previous_rank: int | None = None

    @property
    def change(self) -> int | None:
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank  # > 0: moved up


@dataclass
class Ranking:
    parent: Agency
    level: str
    period: Period
    version: IndexVersion
    rows: list[RankRow]
    unranked: list[RankRow]

    @property
    def minimum(self) -> int:
        return self.version.minimum_dossiers


def _ranked(indexes: dict[int, UnitIndex], minimum: int) -> tuple[list[RankRow], list[RankRow]]:
    rows, unranked = [], []
    for found in indexes.values():
        row = RankRow(found.agency, found)
        if found.received < minimum or found.total is None:
            unranked.append(row)
        else:
            rows.append(row)
    rows.sort(key=lambda r: (-(r.index.total or 0), r.agency.name))
    rank, last = 0, None
    for position, row in enumerate(rows, start=1):
        if row.index.total != last:
            rank, last = position, row.index.total
        row.rank = rank  # equal scores share a rank
    unranked.sort(key=lambda r: r.agency.name)
    return rows, unranked


def ranking(
    parent: Agency,
    level: str,
    period: Period,
    version: IndexVersion | None = None,
    *,
    with_previous: bool = True,
) -> Ranking:
    version = version or resolve_version(period)
    return _ranking(parent, level, period, version, with_previous)


def _ranking(
    parent: Agency, level: str, period: Period, version: IndexVersion, with_previous: bool
) -> Ranking:
    members = level_members(parent, level)
    rows, unranked = _ranked(unit_indexes(members, period, version), version.minimum_dossiers)
    if with_previous and rows:
        earlier = period.previous()
        ranks = _kept(
            ("ranks", parent.pk, level, earlier.key),
            earlier,
            version,
            lambda: {
                r.agency.pk: r.rank
                for r in _ranked(unit_indexes(members, earlier, version), version.minimum_dossiers)[
                    0
                ]
            },
        )
        for row in rows:
            row.previous_rank = ranks.get(row.agency.pk)
    return Ranking(parent, level, period, version, rows, unranked)


KEEP_SECONDS = 24 * 3600
T = TypeVar("T")


def _kept(
    what: tuple[Any, ...], period: Period, version: IndexVersion, compute: Callable[[], T]
) -> T:
    """``compute()``, kept in the cache when ``period`` is closed, under the generation that
    every write to a past day renews (``facts.py``), the catalogue's generation, and the
    version's content (a province's file may change a version under the same code)."""
    if not period.is_over():
        return compute()
    digest = hashlib.sha256(repr(version).encode()).hexdigest()[:16]
    key = "motcua:index:{}:{}:{}:{}".format(
        generation(INDEX_GENERATION), generation(), digest, ":".join(map(str, what))
    )
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, KEEP_SECONDS)
    return cast(T, found)
