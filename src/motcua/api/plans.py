"""GET /api/v1/plans and /api/v1/plans/{id}: the plans the token's officer reads, and one plan
with its targets' progress per unit and its tasks' overdue flags — the figures of the back
office's progress page (motcua.plans.selectors)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router
from pydantic import BaseModel

from motcua.identity.models import Agency, User
from motcua.plans import selectors
from motcua.plans.indicators import indicator_name
from motcua.plans.models import Plan, TaskStatus
from motcua.plans.selectors import PlanProgress, TargetProgress

from .auth import bearer
from .dossier_views import is_staff_reader
from .errors import ApiError
from .schemas import ErrorOut

router = Router(tags=["plans"])


class PlanAgencyOut(BaseModel):
    electronic_id: str
    name: str


class PlanOut(BaseModel):
    id: int
    name: str
    reference: str
    starts_on: date
    ends_on: date
    owner: PlanAgencyOut


class UnitValueOut(BaseModel):
    agency: PlanAgencyOut
    ratio: Decimal | None  # percent; null: no data
    numerator: int | None
    denominator: int | None
    met: bool | None
    period: str | None  # the index period key the figure covers


class TargetOut(BaseModel):
    position: int
    name: str
    indicator: str  # "" for a free measure
    indicator_name: str
    comparison: str  # at_least | at_most
    value: Decimal
    unit_of_measure: str
    deadline: date
    state: str  # met | not_met | no_data | overdue
    state_label: str
    units: list[UnitValueOut]
    current_value: Decimal | None  # a free measure's entered value
    current_value_at: datetime | None


class TaskOut(BaseModel):
    id: int
    position: int
    name: str
    owner: PlanAgencyOut
    due_on: date
    status: str
    status_label: str
    overdue: bool
    completed_at: datetime | None
    evidence_count: int


class ProgressOut(BaseModel):
    as_of: date
    targets_met: int
    targets_total: int
    tasks_done: int
    tasks_total: int  # cancelled tasks are not counted
    tasks_overdue: int


class PlanDetailOut(PlanOut):
    description: str
    progress: ProgressOut
    targets: list[TargetOut]
    tasks: list[TaskOut]


def _officer(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not is_staff_reader(user):
        raise ApiError(_("Chỉ cán bộ mới xem được kế hoạch."), 403)
    return user


def _agency(agency: Agency) -> dict[str, str]:
    return {"electronic_id": agency.electronic_id, "name": agency.name}


def _plan(plan: Plan) -> dict[str, Any]:
    return {"id": plan.pk, "name": plan.name, "reference": plan.reference,
            "starts_on": plan.starts_on, "ends_on": plan.ends_on,
            "owner": _agency(plan.owner)}  # fmt: skip


def _target(item: TargetProgress) -> dict[str, Any]:
    t = item.target
    units = [
        {"agency": _agency(u.agency), "ratio": u.ratio, "met": u.met,
         "numerator": u.reading.numerator if u.reading else None,
         "denominator": u.reading.denominator if u.reading else None,
         "period": u.reading.period_key if u.reading else None}
        for u in item.units
    ]  # fmt: skip
    return {
        "position": t.position, "name": t.name, "indicator": t.indicator,
        "indicator_name": indicator_name(t.indicator) if t.indicator else "",
        "comparison": t.comparison, "value": t.value, "unit_of_measure": t.unit_of_measure,
        "deadline": t.deadline, "state": item.state, "state_label": item.label, "units": units,
        "current_value": t.current_value, "current_value_at": t.current_value_at,
    }  # fmt: skip


def _detail(progress: PlanProgress) -> dict[str, Any]:
    plan = progress.plan
    tasks = [
        {"id": t.task.pk, "position": t.task.position, "name": t.task.name,
         "owner": _agency(t.task.owner), "due_on": t.task.due_on, "status": t.task.status,
         "status_label": str(TaskStatus(t.task.status).label), "overdue": t.overdue,
         "completed_at": t.task.completed_at, "evidence_count": len(t.task.evidence.all())}
        for t in progress.tasks
    ]  # fmt: skip
    return {
        **_plan(plan), "description": plan.description,
        "progress": {
            "as_of": progress.today, "targets_met": progress.targets_met,
            "targets_total": len(progress.targets), "tasks_done": progress.tasks_done,
            "tasks_total": len(progress.tasks_counted), "tasks_overdue": progress.tasks_overdue,
        },
        "targets": [_target(t) for t in progress.targets], "tasks": tasks,
    }  # fmt: skip


@router.get(
    "/plans",
    auth=bearer,
    response={200: list[PlanOut], 401: ErrorOut, 403: ErrorOut},
    summary="The plans the token's officer reads",
)
def list_plans(request: HttpRequest) -> list[dict[str, Any]]:
    return [_plan(plan) for plan in selectors.visible_plans(_officer(request))]


@router.get(
    "/plans/{plan_id}",
    auth=bearer,
    response={200: PlanDetailOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="One plan: targets with their progress per unit, tasks with the overdue flag",
)
def get_plan(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    plan = selectors.plan_for(_officer(request), plan_id) if 0 < plan_id < 2**63 else None
    if plan is None:
        raise ApiError(_("Không tìm thấy kế hoạch."), 404)
    return _detail(selectors.plan_progress(plan, timezone.localdate()))
