"""A target tied to the Decision 766 index reads its figures from the index itself
(motcua.reporting), so that "on time" means here what it means on the ranking."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from motcua.identity.models import Agency
from motcua.reporting.index import unit_index
from motcua.reporting.periods import Period, PeriodError


@dataclass(frozen=True)
class Reading:
    """One unit's figure for one indicator over a period (ratio in percent; None: no data)."""

    ratio: Decimal | None
    numerator: int | None
    denominator: int | None
    period_key: str


def index_reading(agency: Agency, indicator: str, start: date, end: date) -> Reading:
    """The indicator's ratio for the unit (and the units under it) from ``start`` to ``end``;
    no data when the index in force has no such indicator or the dates make no period."""
    try:
        period = Period.dates(start, end)
    except PeriodError:
        return Reading(None, None, None, "")
    try:
        score = unit_index(agency, period).indicator(indicator)
    except KeyError:
        return Reading(None, None, None, period.key)
    if score.ratio is None:
        return Reading(None, None, None, period.key)
    return Reading(score.ratio, score.numerator, score.denominator, period.key)
