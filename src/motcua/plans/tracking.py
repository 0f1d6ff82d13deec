"""A target tied to the Decision 766 index reads its figures from the index itself
(motcua.reporting), so that "on time" means here what it means on the ranking."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from motcua.identity.models import Agency
from motcua.reporting.index import unit_index  # type: ignore[import-untyped,import-not-found,unused-ignore]
from motcua.reporting.periods import Period  # type: ignore[import-untyped,import-not-found,unused-ignore]


@dataclass(frozen=True)
class Reading:
    """One unit's figure for one indicator over a period (ratio in percent; None: no data)."""

    ratio: Decimal | None
    numerator: int | None
    denominator: int | None
    period_key: str


def index_reading(agency: Agency, indicator: str, start: date, end: date) -> Reading:
    period = Period(kind="dates", start=start, end=end)
    score = unit_index(agency, period).indicator(indicator)
    return Reading(score.ratio, score.numerator, score.denominator, period.key)
