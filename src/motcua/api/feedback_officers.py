"""Feedback for the agencies' officers: the inbox with its due-soon and overdue marks, one typed
endpoint per action (``POST /feedback/{code}/actions/{action}``) and the Decision 766 figures.

As for dossiers: an item the officer may not see is a 404 whatever the action; an action they
are not one who may take is a 403; one the item's state refuses now is a 409 with the reason
(``feedback.rules``, asked before the body is read)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router
from pydantic import BaseModel

from motcua.feedback import rules, services
from motcua.feedback.models import FeedbackItem
from motcua.feedback.selectors import (
    Figures,
    figures,
    handled_agencies,
    inbox,
    soon_limit,
    visible_items,
)
from motcua.identity.models import Agency, User

from . import feedback_schemas as s
from .actions import add_action_endpoints
from .auth import bearer
from .dossier_views import agency_ref, is_staff_reader
from .errors import ApiError
from .feedback import not_found, refused
from .feedback_views import SHOWN_RELATED, item_out, summary_out
from .paging import page_of
from .schemas import ErrorOut

router = Router(tags=["feedback (officers)"])
INBOX_COUNT_CAP = 10_000


def _officer(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not is_staff_reader(user):
        raise ApiError(_("Chỉ cán bộ mới làm được việc này."), 403)
    return user


@router.get(
    "/inbox",
    auth=bearer,
    response={200: s.FeedbackPage, 401: ErrorOut, 403: ErrorOut},
    summary="The agency's feedback, with due-soon and overdue marks",
)
def get_inbox(request: HttpRequest, params: Query[s.FeedbackInboxQuery]) -> dict[str, Any]:
    user = _officer(request)
    page = page_of(
        inbox(user, tab=params.tab),
        page=params.page,
        page_size=params.page_size,
        count_cap=INBOX_COUNT_CAP,
    )
    now = timezone.now()
    limit = soon_limit(now)
    return {**page, "items": [summary_out(i, now=now, limit=limit) for i in page["items"]]}


# --- figures -----------------------------------------------------------------------------------


def _agencies(user: User, electronic_id: str) -> list[Agency] | None:
    """The agencies counted: the officer's (None: all, for a system administrator), or the one
    asked for among them."""
    handled = handled_agencies(user)
    if electronic_id.strip():
        agency = Agency.objects.filter(electronic_id=electronic_id.strip()).first()
        if agency is None or (handled is not None and agency.pk not in handled):
            raise ApiError(_("Bạn không xem được số liệu phản ánh của cơ quan này."), 403)
        return [agency]
    if handled is None:
        return None
    if not handled:
        raise ApiError(_("Bạn không xử lý phản ánh của cơ quan nào."), 403)
    return list(Agency.objects.filter(pk__in=handled).order_by("electronic_id"))


def _criterion(numerator: int, denominator: int, rate: Any) -> dict[str, Any]:
    return {
        "numerator": numerator,
        "denominator": denominator,
        "rate": float(rate) if rate is not None else None,
    }


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _figures_out(counted: Figures, start: date, end: date, agencies: list[Agency] | None) -> Any:
    return {
        "start": start,
        "end": end,
        "agencies": [agency_ref(a) for a in agencies or []],
        "total": counted.total,
        "on_time": counted.on_time,
        "late": counted.late,
        "disliked": counted.disliked,
        "repeated": counted.repeated,
        "unsatisfied": counted.unsatisfied,
        "on_time_rate": _criterion(counted.on_time, counted.total, counted.on_time_rate),
        "satisfaction_rate": _criterion(
            counted.total - counted.unsatisfied, counted.total, counted.satisfaction_rate
        ),
        "by_channel": counted.by_channel,
    }


@router.get(
    "/figures",
    auth=bearer,
    response={200: s.FeedbackFiguresOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Decision 766 figures 5.2 and 5.3 and counts per channel, for one's agencies",
)
def get_figures(request: HttpRequest, params: Query[s.FeedbackFiguresQuery]) -> Any:
    user = _officer(request)
    today = timezone.localdate()
    start, end = params.start or today.replace(day=1), params.end or today
    if end < start:
        raise ApiError(_("Ngày kết thúc phải sau ngày bắt đầu."), 422)
    agencies = _agencies(user, params.agency)
    counted = figures(agencies, _midnight(start), _midnight(end + timedelta(days=1)))
    return _figures_out(counted, start, end, agencies)


# --- actions -----------------------------------------------------------------------------------

Perform = Callable[[FeedbackItem, User, Any], FeedbackItem]


def _agency(electronic_id: str) -> Agency:
    agency = Agency.objects.filter(electronic_id=electronic_id.strip()).first()
    if agency is None:
        raise ApiError(_("Không có cơ quan mã %(code)s.") % {"code": electronic_id}, 422)
    return agency


def _merge(item: FeedbackItem, officer: User, body: s.MergeIn) -> FeedbackItem:
    original = visible_items(officer).filter(code=body.original.strip()).first()
    if original is None:
        raise ApiError(_("Không tìm thấy phản ánh gốc %(code)s.") % {"code": body.original}, 422)
    return services.merge(item=item, original=original, officer=officer)


@dataclass(frozen=True)
class Spec:
    schema: type[BaseModel]
    perform: Perform
    summary: str


SPECS: dict[str, Spec] = {
    "classify": Spec(
        s.ClassifyIn,
        lambda i, o, b: services.classify(item=i, officer=o, classification=b.classification),
        "Classify: regulation or procedure, an officer's conduct, or other (766, 5.1)",
    ),
    "transfer": Spec(
        s.FeedbackTransferIn,
        lambda i, o, b: services.transfer(
            item=i, officer=o, agency=_agency(b.to_agency), note=b.note
        ),
        "Send to the agency responsible (the deadlines keep running)",
    ),
    "refuse": Spec(
        s.FeedbackRefuseIn,
        lambda i, o, b: services.refuse(item=i, officer=o, reason=b.reason),
        "Refuse to receive it, with the reason (within 2 working days)",
    ),
    "request_info": Spec(
        s.RequestInfoIn,
        lambda i, o, b: services.request_info(item=i, officer=o, request=b.request),
        "Ask the sender for more information (within 5 working days)",
    ),
    "answer": Spec(
        s.FeedbackAnswerIn,
        lambda i, o, b: services.answer(item=i, officer=o, text=b.text),
        "Answer (within 15 working days)",
    ),
    "publish": Spec(
        s.PublishIn,
        lambda i, o, b: services.publish(
            item=i,
            officer=o,
            public_title=b.public_title,
            public_question=b.public_question,
            public_answer=b.public_answer,
        ),
        "Publish the answer without personal data (within 2 working days of it)",
    ),
    "merge": Spec(s.MergeIn, _merge, "Merge a duplicate into its original"),
    "decide_reopen": Spec(
        s.DecideReopenIn,
        lambda i, o, b: services.decide_reopen(item=i, leader=o, reopen=b.reopen, note=b.note),
        "Decide a reopen request (a leader of the agency)",
    ),
}

RESPONSES = {
    200: s.FeedbackOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut,
}  # fmt: skip


def take(request: HttpRequest, code: str, action: str, spec: Spec, payload: Any) -> Any:
    user: User = request.user  # type: ignore[assignment]
    item = visible_items(user).filter(code=code).first()
    if item is None:
        raise not_found()
    # Refused before the body is read: a person who may not act learns nothing from it.
    reason = rules.why_not(user, action, item)
    if reason is not None:
        raise ApiError(reason, 403 if rules.forbidden(user, action, item) else 409)
    try:
        done = spec.perform(item, user, payload)
    except services.FeedbackError as error:
        raise refused(error) from error
    # The item as the officer now reads it (after a transfer, no longer theirs to act on).
    return item_out(user, FeedbackItem.objects.select_related(*SHOWN_RELATED).get(pk=done.pk))


add_action_endpoints(
    router,
    path="/{code}/actions",
    specs=SPECS,
    take=take,
    responses=RESPONSES,
    name="feedback_action",
    operation="feedback_action",
)
