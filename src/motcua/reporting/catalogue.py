"""Which procedures a unit handles on a day (its jurisdiction, for 3.1, 3.2 and 3.5): the
versions in force that name it, and at the levels where a version names no agency, every
agency of the listed kinds at that level — the rule of ``dossiers.steps.handling_agencies``,
read the other way round for every unit at once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from motcua.catalog.models import Fee, OnlineLevel, ProcedureVersion
from motcua.core.page_cache import generation
from motcua.identity.models import Agency

ONLINE = (OnlineLevel.FULL, OnlineLevel.PARTIAL)


@dataclass(frozen=True)
class Offer:
    """Procedure ids: all handled, those offered online, those with a fee."""

    handled: frozenset[int] = frozenset()
    online: frozenset[int] = frozenset()
    fee: frozenset[int] = frozenset()


@dataclass
class _Map:
    named: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    # (level, kind or "" for any kind) -> procedures handled there by every such agency
    wide: dict[tuple[str, str], set[int]] = field(default_factory=lambda: defaultdict(set))
    online: set[int] = field(default_factory=set)
    fee: set[int] = field(default_factory=set)
    shared: dict[tuple[str, str], Offer] = field(default_factory=dict)  # filled as read


@lru_cache(maxsize=8)
def _map(day: date, catalogue: str) -> _Map:
    versions = ProcedureVersion.objects.in_force(day)
    found = _Map()
    named_rows = versions.values_list("pk", "agencies__pk", "agencies__unit__level")
    named: dict[int, dict[int, str]] = defaultdict(dict)
    for version_id, agency_id, level in named_rows:
        if agency_id is not None:
            named[version_id][agency_id] = level
    fees = set(
        Fee.objects.filter(version__in=versions, amount__gt=0).values_list("version_id", flat=True)
    )
    rows = versions.values_list("pk", "procedure_id", "online_level", "levels", "agency_kinds")
    for version_id, procedure, online_level, levels, kinds in rows:
        if online_level in ONLINE:
            found.online.add(procedure)
        if version_id in fees:
            found.fee.add(procedure)
        for agency_id in named.get(version_id, {}):
            found.named[agency_id].add(procedure)
        named_levels = set(named.get(version_id, {}).values())
        for level in (lv for lv in levels.split(",") if lv and lv not in named_levels):
            for kind in kinds or [""]:
                found.wide[(level, kind)].add(procedure)
    return found


def offers(agency_ids: Iterable[int], day: date) -> dict[int, Offer]:
    """What each of the agencies offers on ``day``. Agencies named by no procedure share one
    Offer per (level, kind): a ranking of 126 wards copies no set of procedures."""
    catalogue = _map(day, generation())
    result = {}
    rows = Agency.objects.filter(pk__in=list(agency_ids)).values_list("pk", "kind", "unit__level")
    for pk, kind, level in rows:
        shared = _shared(catalogue, level or "", kind)
        named = catalogue.named.get(pk)
        if not named or named <= shared.handled:
            result[pk] = shared
            continue
        handled = shared.handled | named
        result[pk] = Offer(
            handled=handled,
            online=frozenset(handled & catalogue.online),
            fee=frozenset(handled & catalogue.fee),
        )
    return result


def _shared(catalogue: _Map, level: str, kind: str) -> Offer:
    key = (level, kind)
    found = catalogue.shared.get(key)
    if found is None:
        handled = frozenset(
            catalogue.wide.get((level, kind), set()) | catalogue.wide.get((level, ""), set())
        )
        found = Offer(
            handled=handled,
            online=frozenset(handled & catalogue.online),
            fee=frozenset(handled & catalogue.fee),
        )
        catalogue.shared[key] = found
    return found
