"""A target tied to the Decision 766 index reads its figures from the index itself
(motcua.reporting), so that "on time" means here what it means on the ranking."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from motcua.identity.models import Agency
from motcua.reporting.explain import EXPLAINED
from motcua.reporting.index import UnitIndex, unit_index
from motcua.reporting.periods import Period, PeriodError


@dataclass(frozen=True)
class Reading:
    """One unit's figure for one indicator over a period (ratio in percent; None: no data)."""

    ratio: Decimal | None
    numerator: int | None
    denominator: int | None
    period_key: str
    # The index lists the dossiers behind this figure (counted, in the numerator, left out).
    explained: bool = False


class IndexReader:
    """Reads indicators from the index, scoring each unit once per period however many
    targets ask (a unit's index carries every indicator)."""

    def __init__(self) -> None:
        self._scored: dict[tuple[int, date, date], UnitIndex] = {}

    def __call__(self, agency: Agency, indicator: str, start: date, end: date) -> Reading:
        """The indicator's ratio for the unit (and the units under it) from ``start`` to
        ``end``; no data when the index in force has no such indicator or the dates make no
        period."""
        try:
            period = Period.dates(start, end)
        except PeriodError:
            return Reading(None, None, None, "")
        key = (agency.pk, start, end)
        if key not in self._scored:
            self._scored[key] = unit_index(agency, period)
        try:
            score = self._scored[key].indicator(indicator)
        except KeyError:
            return Reading(None, None, None, period.key)
        if score.ratio is None:
            return Reading(None, None, None, period.key)
        explained = score.measure is not None and score.measure.code in EXPLAINED
        return Reading(score.ratio, score.numerator, score.denominator, period.key, explained)
