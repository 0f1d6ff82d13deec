"""Published rankings: a ranking of one level under a parent for a closed week, month or
quarter is frozen when published (national 766 rankings are published weekly), so a published
rank never changes afterwards. Figures recomputed later (a supplement that arrived, a late
national sync, a repair) show beside the frozen ones with what changed.

``publish_due`` (a periodic job) publishes the last closed week, month and quarter of every
ranking the configuration names (``MOTCUA_RANKINGS``, by default the communes and the
departments under each province's people's committee); publishing twice keeps the first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from motcua.identity.models import Agency, UnitLevel

from .config import IndexVersion
from .index import Ranking, RankRow, ranking, resolve_version
from .models import RankingSnapshot
from .periods import Period

PUBLISHED_KINDS = ("week", "month", "quarter")


def _number(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def frozen_row(row: RankRow, ranked: bool) -> dict[str, Any]:
    index = row.index
    return {
        "electronic_id": row.agency.electronic_id,
        "name": row.agency.name,
        "ranked": ranked,
        "rank": row.rank,
        "previous_rank": row.previous_rank,
        "total": _number(index.total),
        "points": _number(index.points),
        "available": _number(index.available),
        "received": index.received,
        "groups": {g.code: _number(g.points) for g in index.groups},
        "indicators": {
            # [numerator, denominator, ratio in % (2.2: days), points]
            i.code: [
                i.numerator,
                i.denominator,
                _number(i.ratio if i.value is None else i.value),
                _number(i.points),
            ]
            for i in index.indicators()
            if i.has_data
        },
    }


def frozen_rows(board: Ranking) -> list[dict[str, Any]]:
    return [frozen_row(r, True) for r in board.rows] + [
        frozen_row(r, False) for r in board.unranked
    ]


def published(
    parent: Agency, level: str, period: Period, version: IndexVersion | None = None
) -> RankingSnapshot | None:
    version = version or resolve_version(period)
    return RankingSnapshot.objects.filter(
        parent=parent, level=level, period_key=period.key, version=version.code
    ).first()


def publish(
    parent: Agency,
    level: str,
    period: Period,
    *,
    version: IndexVersion | None = None,
    by: Any = None,
    board: Ranking | None = None,
) -> RankingSnapshot:
    """Freeze the ranking of a closed period; an earlier publication is kept as it is."""
    if not period.is_over():
        raise ValueError("only a closed period can be published")
    version = version or resolve_version(period)
    earlier = published(parent, level, period, version)
    if earlier is not None:
        return earlier
    board = board or ranking(parent, level, period, version)
    try:
        with transaction.atomic():
            return RankingSnapshot.objects.create(
                parent=parent,
                level=level,
                period_kind=period.kind,
                period_key=period.key,
                version=version.code,
                published_by=by if getattr(by, "pk", None) else None,
                rows=frozen_rows(board),
                minimum_dossiers=version.minimum_dossiers,
            )
    except IntegrityError:  # published meanwhile by another process: that one stands
        found = published(parent, level, period, version)
        assert found is not None
        return found


@dataclass
class Recomputed:
    """A unit's figure computed now against its published one."""

    total: str | None
    changes: list[tuple[str, list[Any], list[Any]]]  # (indicator, published, now)


def recomputed(snapshot: RankingSnapshot, board: Ranking) -> dict[str, Recomputed]:
    """By electronic ID, the units whose figures differ now from the published ones."""
    now = {row["electronic_id"]: row for row in frozen_rows(board)}
    found = {}
    for row in snapshot.rows:
        current = now.get(row["electronic_id"])
        if current is None or (
            current["total"] == row["total"] and current["indicators"] == row["indicators"]
        ):
            continue
        changes = [
            (code, row["indicators"].get(code), current["indicators"].get(code))
            for code in sorted(set(row["indicators"]) | set(current["indicators"]))
            if row["indicators"].get(code) != current["indicators"].get(code)
        ]
        found[row["electronic_id"]] = Recomputed(current["total"], changes)
    return found


def configured() -> list[tuple[Agency, str]]:
    """The rankings published: ``MOTCUA_RANKINGS`` ("<electronic ID>:<level>", …) or, by
    default, the communes and the departments under every province's people's committee."""
    named = getattr(settings, "MOTCUA_RANKINGS", None)
    if named:
        found = []
        for item in named:
            eid, _sep, level = str(item).partition(":")
            agency = Agency.objects.filter(electronic_id=eid).first()
            if agency is not None and level:
                found.append((agency, level))
        return found
    provinces = Agency.objects.filter(
        kind=Agency.Kind.PEOPLES_COMMITTEE, unit__level=UnitLevel.PROVINCE
    ).order_by("electronic_id")
    return [(p, level) for p in provinces for level in ("commune", "department")]


def publish_due(now: datetime | None = None) -> int:
    """Publish the last closed week, month and quarter of every configured ranking."""
    today = timezone.localdate(now) if now else timezone.localdate()
    written = 0
    for parent, level in configured():
        for kind in PUBLISHED_KINDS:
            period = Period.of(kind, today).previous()
            if published(parent, level, period) is None:
                publish(parent, level, period)
                written += 1
    return written
