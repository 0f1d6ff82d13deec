"""What the dashboards take from the Decision 766 index (``index.py``): the key indicators of
a unit this month, its score over the last months, the ends of the wards' ranking, and the
order of a leader's units (worst first). Every figure is the index's own; nothing here
computes a score."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from motcua.identity.models import Agency

from .index import IndicatorScore, RankRow, UnitIndex, ranking, trend, unit_indexes
from .operations import UnitFigures
from .periods import Period
from .rankings import published

# On time (2.1), submitted online (3.3), e-results (4.1), satisfaction (5.4): the operations
# centre's headline indicators; a version without one of them simply shows fewer.
KEY_INDICATORS = ("2.1", "3.3", "4.1", "5.4")
RANKING_ENDS = 5


def key_indicators(index: UnitIndex) -> list[IndicatorScore]:
    found = {i.code: i for i in index.indicators()}
    return [found[code] for code in KEY_INDICATORS if code in found]


def this_month(today: date | None = None) -> Period:
    return Period.month_of(today or timezone.localdate())


def score_trend(agency: Agency, *, months: int = 12, today: date | None = None) -> list[UnitIndex]:
    """The unit's index for each of the last ``months`` months, this one included."""
    return trend(agency, this_month(today), months)


@dataclass(frozen=True)
class EndRow:
    rank: int | None
    name: str
    total: Decimal | None
    previous_rank: int | None

    @property
    def change(self) -> int | None:
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank  # > 0: moved up


@dataclass(frozen=True)
class RankingEnds:
    period: Period
    published_at: datetime | None  # None: not published yet, computed from today's figures
    top: list[EndRow]
    bottom: list[EndRow]  # the lowest first


def ranking_ends(city: Agency, *, today: date | None = None) -> RankingEnds:
    """The first and the last five wards and communes of the city for last month: as
    published when it was (a published rank never changes), else as computed now."""
    period = this_month(today).previous()
    snapshot = published(city, "commune", period)
    if snapshot is not None:
        rows = [_frozen(row) for row in snapshot.rows if row.get("ranked")]
    else:
        rows = [_live(row) for row in ranking(city, "commune", period).rows]
    top = rows[:RANKING_ENDS]
    bottom = list(reversed(rows[RANKING_ENDS:]))[:RANKING_ENDS]
    return RankingEnds(period, snapshot.published_at if snapshot else None, top, bottom)


def _frozen(row: dict[str, Any]) -> EndRow:
    total = row.get("total")
    return EndRow(
        row.get("rank"), row["name"], None if total is None else Decimal(total),
        row.get("previous_rank"),
    )  # fmt: skip


def _live(row: RankRow) -> EndRow:
    return EndRow(row.rank, row.agency.name, row.index.total, row.previous_rank)


def scores(agencies: list[Agency], *, today: date | None = None) -> dict[int, Decimal | None]:
    """Each unit's score this month (None without data)."""
    indexes = unit_indexes(agencies, this_month(today))
    return {pk: found.total for pk, found in indexes.items()}


def worst_first(
    rows: list[UnitFigures], totals: dict[int, Decimal | None] | None = None
) -> list[UnitFigures]:
    """Most overdue now first, then the lowest score this month (a unit without a score after
    those with one), then the most due soon; each row gets its score from ``totals``."""
    for row in rows:
        row.score = (totals or {}).get(row.agency.pk) if row.agency else None

    def badness(row: UnitFigures) -> tuple[int, Decimal, int]:
        return (-row.overdue, Decimal(101) if row.score is None else row.score, -row.due_soon)

    return sorted(rows, key=badness)
