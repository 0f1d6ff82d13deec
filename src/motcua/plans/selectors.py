"""Reads of plans shared by the back office and the API: which plans a person sees, and a
plan's progress — targets against their values, tasks against their due dates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from motcua.identity.models import Agency

from . import rules, tracking
from .models import CLOSED_STATUSES, Plan, Target, Task, TaskStatus
from .tracking import Reading


def visible_plans(user: Any) -> QuerySet[Plan]:
    """The plans ``user`` reads (rules.reach): the owner, a target's unit or a task's owner is
    one of their agencies or under one of them."""
    plans = Plan.objects.select_related("owner").order_by("-starts_on", "name")
    reached = rules.reach(user)
    if reached is None:
        return plans
    touching = Q(owner__in=reached) | Q(targets__agencies__in=reached) | Q(tasks__owner__in=reached)
    ids = Plan.objects.filter(touching).values("pk")
    return plans.filter(pk__in=ids)


def plans_listed(user: Any, today: date) -> QuerySet[Plan]:
    """The plans ``user`` reads, each with its tasks counted: all, done, overdue."""
    open_late = Q(tasks__due_on__lt=today) & ~Q(tasks__status__in=CLOSED_STATUSES)
    return visible_plans(user).annotate(
        task_count=Count("tasks", filter=~Q(tasks__status=TaskStatus.CANCELLED)),
        done_count=Count("tasks", filter=Q(tasks__status=TaskStatus.DONE)),
        overdue_count=Count("tasks", filter=open_late),
    )


def plan_for(user: Any, pk: int) -> Plan | None:
    """The plan with its targets (and their units) and tasks, when ``user`` reads it."""
    plan = (
        visible_plans(user)
        .prefetch_related(
            Prefetch("targets", Target.objects.prefetch_related("agencies")),
            Prefetch("tasks", Task.objects.select_related("owner").prefetch_related("evidence")),
        )
        .filter(pk=pk)
        .first()
    )
    return plan


class TargetState:
    MET = "met"
    NOT_MET = "not_met"
    NO_DATA = "no_data"
    OVERDUE = "overdue"


STATE_LABELS = {
    TargetState.MET: _("Đạt"),
    TargetState.NOT_MET: _("Chưa đạt"),
    TargetState.NO_DATA: _("Chưa có số liệu"),
    TargetState.OVERDUE: _("Quá hạn"),
}


@dataclass(frozen=True)
class UnitValue:
    agency: Agency
    reading: Reading | None  # None: the period has not begun
    met: bool | None  # None: no data

    @property
    def ratio(self) -> Decimal | None:
        return self.reading.ratio if self.reading else None


@dataclass(frozen=True)
class TargetProgress:
    target: Target
    state: str
    units: list[UnitValue] = field(default_factory=list)  # index targets only

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def met(self) -> bool:
        return self.state == TargetState.MET


@dataclass(frozen=True)
class TaskProgress:
    task: Task
    overdue: bool


@dataclass(frozen=True)
class PlanProgress:
    plan: Plan
    today: date
    targets: list[TargetProgress]
    tasks: list[TaskProgress]

    @property
    def targets_met(self) -> int:
        return sum(1 for t in self.targets if t.met)

    @property
    def tasks_counted(self) -> list[TaskProgress]:
        """Cancelled tasks are not counted in the plan's progress."""
        return [t for t in self.tasks if t.task.status != TaskStatus.CANCELLED]

    @property
    def tasks_done(self) -> int:
        return sum(1 for t in self.tasks if t.task.status == TaskStatus.DONE)

    @property
    def tasks_overdue(self) -> int:
        return sum(1 for t in self.tasks if t.overdue)


Reader = Callable[[Agency, str, date, date], Reading]


def target_units(target: Target) -> list[Agency]:
    """The units a target applies to; its plan's owner when none is named."""
    return list(target.agencies.all()) or [target.plan.owner]


def target_progress(target: Target, today: date, read: Reader) -> TargetProgress:
    """Met when every unit it applies to meets the value (a free measure: its entered value);
    no data when no unit has any; overdue when the deadline passed without being met."""
    units: list[UnitValue] = []
    if target.tracks_index:
        end = min(today, target.deadline)
        for agency in target_units(target):
            reading = read(agency, target.indicator, target.plan.starts_on, end) if (
                end >= target.plan.starts_on) else None  # fmt: skip
            ratio = reading.ratio if reading else None
            units.append(
                UnitValue(agency, reading, None if ratio is None else target.reached(ratio))
            )
        known = [u.met for u in units if u.met is not None]
    else:
        value = target.current_value
        known = [] if value is None else [target.reached(value)]
    if known and len(known) == len(units or known) and all(known):
        state = TargetState.MET
    elif target.deadline < today:
        state = TargetState.OVERDUE
    else:
        state = TargetState.NOT_MET if known else TargetState.NO_DATA
    return TargetProgress(target, state, units)


def plan_progress(plan: Plan, today: date, read: Reader | None = None) -> PlanProgress:
    """Each figure is read once per unit, indicator and period, however many targets share it."""
    reader = read or tracking.IndexReader()
    seen: dict[tuple[int, str, date, date], Reading] = {}

    def cached(agency: Agency, indicator: str, start: date, end: date) -> Reading:
        key = (agency.pk, indicator, start, end)
        if key not in seen:
            seen[key] = reader(agency, indicator, start, end)
        return seen[key]

    targets = [target_progress(t, today, cached) for t in plan.targets.all()]
    tasks = [TaskProgress(t, t.is_overdue(today)) for t in plan.tasks.all()]
    return PlanProgress(plan, today, targets, tasks)
