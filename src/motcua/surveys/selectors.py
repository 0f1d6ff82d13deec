"""What is read from the evaluations: aggregates per unit, officer, procedure and period under
the anonymity rule, and Decision 766 indicator 5.4.

The anonymity rule: a figure about one officer or one unit is shown to officers only when it
rests on at least ``MIN_ANSWERS`` answers, and comments are shown without the dossier code or
the applicant's name, in an order that says nothing about when they were given.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from motcua.catalog.models import ProcedureVersion
from motcua.dossiers.models import Dossier
from motcua.dossiers.summary import resolution
from motcua.feedback.models import FeedbackItem
from motcua.identity.models import Agency, User

from .models import INDICATORS, ConcernedOfficer, Evaluation, Overall
from .services import EVALUABLE

MIN_ANSWERS = 5
# Decision 766, 5.4: full points at 90% or more.
TARGET_5_4 = Decimal(90)
GROUPS = ("agency", "officer", "procedure")
_CODE = re.compile(r"\b[0-9A-Z]{3}(?:\.[0-9A-Z]{2}){2}\.[0-9A-Z]{3}-\d{6}-\d{4}\b")
_HUNDRED = Decimal(100)


def _percent(part: int, whole: int) -> Decimal:
    return (Decimal(part) * _HUNDRED / whole).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class Figures:
    """Count, share of each overall level and mean of each indicator, for one group."""

    key: Any
    label: str
    count: int = 0
    shares: dict[str, Decimal] = field(default_factory=dict)
    means: dict[str, Decimal | None] = field(default_factory=dict)

    @property
    def enough(self) -> bool:
        return self.count >= MIN_ANSWERS

    @property
    def satisfied_share(self) -> Decimal | None:
        """Rất hài lòng + hài lòng: the share the city's >80% target is about."""
        if not self.count:
            return None
        return self.shares[Overall.VERY_SATISFIED] + self.shares[Overall.SATISFIED]


def evaluations_in(
    agencies: Iterable[Agency | int], start: datetime, end: datetime
) -> QuerySet[Evaluation]:
    """The evaluations of ``agencies`` first given in [start, end)."""
    ids = [a if isinstance(a, int) else a.pk for a in agencies]
    return Evaluation.objects.filter(agency_id__in=ids, answered_at__gte=start, answered_at__lt=end)


_FIELDS = ("pk", "agency_id", "procedure_id", "overall", *INDICATORS)


def _summarise(key: Any, label: str, rows: list[dict[str, Any]]) -> Figures:
    count = len(rows)
    figures = Figures(key=key, label=label, count=count)
    for level in Overall.values:
        figures.shares[level] = _percent(sum(r["overall"] == level for r in rows), count or 1)
    for name in INDICATORS:
        scored = [r[name] for r in rows if r[name] is not None]
        figures.means[name] = (
            (Decimal(sum(scored)) / len(scored)).quantize(Decimal("0.01"), ROUND_HALF_UP)
            if scored
            else None
        )
    return figures


def overall_figures(evaluations: QuerySet[Evaluation], label: str = "") -> Figures:
    return _summarise(None, label, list(evaluations.values(*_FIELDS)))


def figures_by(evaluations: QuerySet[Evaluation], group: str) -> list[Figures]:
    """One row per unit, officer or procedure, by name; two queries whatever the size."""
    rows = {r["pk"]: r for r in evaluations.values(*_FIELDS)}
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if group == "officer":
        pairs = (
            ConcernedOfficer.objects.filter(evaluation_id__in=list(rows))
            .values_list("officer_id", "evaluation_id")
            .distinct()
        )
        for officer_id, evaluation_id in pairs:
            grouped[officer_id].append(rows[evaluation_id])
    else:
        for row in rows.values():
            grouped[row[f"{group}_id"]].append(row)
    labels = _labels(group, list(grouped))
    found = [_summarise(key, labels.get(key, ""), grouped[key]) for key in grouped]
    return sorted(found, key=lambda f: f.label)


def _labels(group: str, keys: list[int]) -> dict[int, str]:
    if group == "agency":
        return dict(Agency.objects.filter(pk__in=keys).values_list("pk", "name"))
    if group == "procedure":  # the latest version names it
        versions = (
            ProcedureVersion.objects.filter(procedure_id__in=keys)
            .order_by("procedure_id", "effective_from")
            .values_list("procedure_id", "procedure__code", "name")
        )
        return {pk: f"{code} {name}" for pk, code, name in versions}
    return {u.pk: u.full_name or u.username for u in User.objects.filter(pk__in=keys)}


def anonymous_comments(evaluations: QuerySet[Evaluation]) -> list[str]:
    """The comments, only when at least ``MIN_ANSWERS`` answers stand behind them, without the
    dossier code or the applicant's name, sorted alphabetically (not by time)."""
    if evaluations.count() < MIN_ANSWERS:
        return []
    found = []
    for comment, name in evaluations.exclude(comment="").values_list(
        "comment", "dossier__applicant_name"
    ):
        text = _CODE.sub("…", comment)
        if name:
            text = re.sub(re.escape(name), "…", text, flags=re.IGNORECASE)
        found.append(text)
    return sorted(found)


# Decision 766, indicator 5.4 -----------------------------------------------------------------


@dataclass(frozen=True)
class SatisfactionFigure:
    """5.4 = 100% − (share handled late + share with a complaint or a "không hài lòng")."""

    dossiers: int
    late: int
    complained: int  # a feedback item about the dossier, or a "không hài lòng"
    rate: Decimal | None  # percent; None when no dossier was decided in the period

    @property
    def meets_target(self) -> bool:
        return self.rate is not None and self.rate >= TARGET_5_4


def satisfaction_figures(
    agencies: Iterable[Agency | int], start: datetime, end: datetime
) -> SatisfactionFigure:
    """Over the dossiers of ``agencies`` decided in [start, end) (decided or returned since)."""
    ids = [a if isinstance(a, int) else a.pk for a in agencies]
    complaint = FeedbackItem.objects.counted().filter(dossier=OuterRef("pk"))
    dislike = Evaluation.objects.filter(dossier=OuterRef("pk"), overall=Overall.DISSATISFIED)
    rows = (
        Dossier.objects.filter(
            agency_id__in=ids,
            status__in=[int(s) for s in EVALUABLE],
            decided_at__gte=start,
            decided_at__lt=end,
        )
        .annotate(complaint=Exists(complaint), dislike=Exists(dislike))
        .values_list("decided_at", "due_at", "supplement_count", "complaint", "dislike")
    )
    total = late = complained = 0
    for decided_at, due_at, supplements, has_complaint, has_dislike in rows:
        total += 1
        late += resolution(decided_at, due_at, supplements) == "resolved_late"  # type: ignore[arg-type]
        complained += bool(has_complaint or has_dislike)
    if not total:
        return SatisfactionFigure(0, 0, 0, None)
    rate = max(Decimal(0), _HUNDRED - _percent(late, total) - _percent(complained, total))
    return SatisfactionFigure(total, late, complained, rate)
