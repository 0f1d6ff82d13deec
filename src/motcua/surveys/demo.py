"""Demo evaluations: the demo's decided and returned dossiers rated with a realistic spread
(mostly satisfied, late dossiers less so, a few "không hài lòng" that open feedback items),
through the same service as every door. The demo command calls ``seed_evaluations()`` after
``seed_demo_dossiers()``; running it again rates only dossiers not rated yet."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from motcua.dossiers.models import Dossier
from motcua.dossiers.workflow import Action

from .models import EvaluationChannel, Overall
from .scoring import total_time
from .services import EVALUABLE, Answer, EvaluationError, evaluate_dossier

SEED = 15
COMMENTS = {
    Overall.VERY_SATISFIED: [
        "Cán bộ hướng dẫn tận tình, trả kết quả sớm hơn hẹn.",
        "Thủ tục nhanh gọn, không phải đi lại nhiều.",
        "",
        "",
    ],
    Overall.SATISFIED: ["Đúng hẹn.", "Phải chờ lấy số hơi lâu.", "", "", ""],
    Overall.DISSATISFIED: [
        "Trả kết quả chậm so với ngày hẹn, không được báo trước.",
        "Phải bổ sung giấy tờ nhiều lần.",
        "Cán bộ trả lời điện thoại thiếu nhiệt tình.",
    ],
}


@dataclass
class EvaluationSeedReport:
    rated: int = 0
    changed: int = 0
    by_overall: Counter[str] = field(default_factory=Counter)


def _overall(rng: random.Random, late: bool) -> str:
    weights = (25, 40, 35) if late else (58, 36, 6)
    return rng.choices(list(Overall.values), weights=weights)[0]


def _answer(rng: random.Random, overall: str) -> Answer:
    unhappy = overall == Overall.DISSATISFIED
    attitude = rng.choice([0, 1, 1, 2]) if unhappy else rng.choice([2] * 9 + [1])
    return Answer(
        overall=overall,
        attitude=attitude,
        asked_for_more=rng.random() < (0.3 if unhappy else 0.02),
        comment=rng.choice(COMMENTS[Overall(overall)]),
    )


def _channel(rng: random.Random, dossier: Dossier, returned_here: bool) -> str:
    if returned_here and rng.random() < 0.5:
        return EvaluationChannel.DESK
    if dossier.applicant_id is not None and rng.random() < 0.6:
        return EvaluationChannel.PORTAL
    return EvaluationChannel.QR


def seed_evaluations(
    *,
    seed: int = SEED,
    share: float = 0.7,
    now: datetime | None = None,
    among: QuerySet[Dossier] | None = None,
) -> EvaluationSeedReport:
    """Rate about ``share`` of the decided and returned dossiers not rated yet (of ``among``
    only, when given). Whether a dossier is rated, and how, depends on the dossier alone: a
    second run rates nothing more (only dossiers decided since)."""
    now = now or timezone.now()
    report = EvaluationSeedReport()
    dossiers = (
        (Dossier.objects.all() if among is None else among)
        .filter(status__in=[int(s) for s in EVALUABLE], evaluation__isnull=True)
        .select_related("version")
        .order_by("pk")
    )
    for dossier in dossiers:
        rng = random.Random(f"{seed}:{dossier.code}")
        if rng.random() >= share:
            continue
        events = list(dossier.events.order_by("at", "pk"))
        ended = dossier.returned_at or dossier.decided_at or now
        at = min(now, ended + timedelta(hours=rng.uniform(0.05, 60)))
        overall = _overall(rng, late=total_time(dossier, events) == 0)
        returned_here = any(e.action == Action.RETURN_RESULT for e in events)
        channel = _channel(rng, dossier, returned_here)
        try:
            evaluate_dossier(dossier=dossier, answer=_answer(rng, overall), channel=channel, at=at)
        except EvaluationError:
            continue
        report.rated += 1
        report.by_overall[overall] += 1
        if rng.random() < 0.05 and at + timedelta(days=1) < now:
            # A few change their mind the next day, from the QR code on their receipt.
            evaluate_dossier(
                dossier=dossier,
                answer=_answer(rng, Overall.SATISFIED),
                channel=EvaluationChannel.QR,
                at=at + timedelta(days=1),
            )
            report.changed += 1
    return report
