"""The satisfaction evaluation: the applicant rates their own decided or returned dossier (and
changes it within 7 days); officers read the aggregates of a unit under the five-answer rule,
the same figures as the back office's page."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import BaseModel
from pydantic import Field as P

from motcua.dossiers.reports import may_see_report, parse_month
from motcua.identity.models import Agency, User
from motcua.surveys import selectors as figures
from motcua.surveys.models import INDICATORS, Evaluation, EvaluationChannel
from motcua.surveys.services import (
    CHANGE_WINDOW,
    COMMENT_LIMIT,
    Answer,
    EvaluationError,
    evaluate_dossier,
    refusal,
)

from .auth import bearer
from .dossier_views import is_staff_reader
from .dossiers import not_found, reachable
from .errors import ApiError
from .schemas import ErrorOut

router = Router(tags=["evaluations"])

OverallLevel = Literal["very_satisfied", "satisfied", "dissatisfied"]


class EvaluationIn(Schema):
    overall: OverallLevel = P(..., description="rất hài lòng / hài lòng / không hài lòng")
    attitude: int = P(..., ge=0, le=2, description="Staff attitude: 2 good, 1 fair, 0 poor")
    asked_for_more: bool = P(
        ..., description="Asked for any paper not in the published list of the procedure"
    )
    comment: str = P("", max_length=COMMENT_LIMIT)


class EvaluationOut(BaseModel):
    dossier: str
    can_evaluate: bool
    reason: str | None = P(None, description="Why it cannot be given or changed now")
    answered_at: datetime | None = None
    changeable_until: datetime | None = None
    overall: OverallLevel | None = None
    attitude: int | None = None
    asked_for_more: bool | None = None
    comment: str | None = None
    scores: dict[str, int | None] | None = P(None, description="The nine indicators, 0 to 2")


def _own(user: User, code: str) -> Any:
    dossier = reachable(user, code)
    if dossier.applicant_id != user.pk:  # an officer who may read it does not rate it
        raise not_found()
    return dossier


def _state(dossier: Any) -> dict[str, Any]:
    reason = refusal(dossier, EvaluationChannel.API)
    found = Evaluation.objects.filter(dossier=dossier).first()
    state: dict[str, Any] = {"dossier": dossier.code, "can_evaluate": reason is None}
    state["reason"] = reason
    if found is not None:
        state.update(
            answered_at=timezone.localtime(found.answered_at),
            changeable_until=timezone.localtime(found.answered_at + CHANGE_WINDOW),
            overall=found.overall,
            attitude=found.attitude,
            asked_for_more=found.publicity == 0,
            comment=found.comment,
            scores=found.scores(),
        )
    return state


@router.get(
    "/dossiers/{code}/evaluation",
    auth=bearer,
    response={200: EvaluationOut, 401: ErrorOut, 404: ErrorOut},
    summary="The evaluation of one's own dossier, and whether it can be given or changed now",
)
def read_evaluation(request: HttpRequest, code: str) -> dict[str, Any]:
    return _state(_own(request.user, code))  # type: ignore[arg-type]


@router.put(
    "/dossiers/{code}/evaluation",
    auth=bearer,
    response={200: EvaluationOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Evaluate one's own decided or returned dossier, or change it within 7 days",
)
def put_evaluation(request: HttpRequest, code: str, body: EvaluationIn) -> dict[str, Any]:
    dossier = _own(request.user, code)  # type: ignore[arg-type]
    answer = Answer(
        overall=body.overall,
        attitude=body.attitude,
        asked_for_more=body.asked_for_more,
        comment=body.comment,
    )
    try:
        evaluate_dossier(dossier=dossier, answer=answer, channel=EvaluationChannel.API)
    except EvaluationError as error:
        raise ApiError(error.message, 409 if error.field is None else 422) from None
    return _state(dossier)


class FiguresQuery(Schema):
    agency: str = P(..., max_length=20, description="Electronic ID of the unit")
    month: str = P(..., max_length=7, description="YYYY-MM")
    group: Literal["agency", "officer", "procedure"] = "agency"


class GroupOut(BaseModel):
    key: int | None
    label: str
    count: int | None = P(description="null below the five-answer threshold")
    enough: bool
    shares: dict[str, Decimal] | None = P(description="Percent per overall level")
    means: dict[str, Decimal | None] | None = P(description="Mean score per indicator")


class SatisfactionOut(BaseModel):
    dossiers: int
    late: int
    complained: int
    rate: Decimal | None = P(description="Decision 766 indicator 5.4, percent")
    meets_target: bool


class EvaluationFiguresOut(BaseModel):
    agency: str
    month: str
    minimum_answers: int
    indicators: dict[str, str]
    groups: list[GroupOut]
    satisfaction_5_4: SatisfactionOut


def _group(row: figures.Figures) -> dict[str, Any]:
    shown = row.enough
    return {
        "key": row.key,
        "label": row.label,
        "count": row.count if shown else None,
        "enough": shown,
        "shares": row.shares if shown else None,
        "means": row.means if shown else None,
    }


@router.get(
    "/evaluations/figures",
    auth=bearer,
    response={
        200: EvaluationFiguresOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
    },
    summary="A unit's evaluations in a month per unit, officer or procedure (5 answers at least)",
)
def read_figures(request: HttpRequest, params: Query[FiguresQuery]) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    if not is_staff_reader(user):
        raise ApiError(_("Chỉ cán bộ mới xem được số liệu đánh giá."), 403)
    month = parse_month(params.month)
    if month is None or "-" not in params.month:
        raise ApiError(_("Tháng cần viết theo dạng YYYY-MM, ví dụ 2026-11."), 400)
    agency = Agency.objects.filter(electronic_id=params.agency).first()
    if agency is None:
        raise ApiError(_("Không tìm thấy đơn vị có mã định danh này."), 404)
    if not may_see_report(user, agency):
        raise ApiError(_("Bạn không xem được số liệu đánh giá của đơn vị này."), 403)
    start = timezone.make_aware(datetime.combine(month, time.min))
    end = timezone.make_aware(
        datetime.combine((month.replace(day=28) + timedelta(days=4)).replace(day=1), time.min)
    )
    found = figures.evaluations_in([agency], start, end)
    satisfaction = figures.satisfaction_figures([agency], start, end)
    return {
        "agency": agency.electronic_id,
        "month": f"{month:%Y-%m}",
        "minimum_answers": figures.MIN_ANSWERS,
        "indicators": {name: str(label) for name, label in INDICATORS.items()},
        "groups": [_group(row) for row in figures.figures_by(found, params.group)],
        "satisfaction_5_4": {
            **satisfaction.__dict__,
            "meets_target": satisfaction.meets_target,
        },
    }
