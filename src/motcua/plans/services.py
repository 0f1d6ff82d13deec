"""Every change of a plan is one of these services: each asks the rule table (rules.py), then
changes the rows in one transaction. A refused change raises PlanError with a message for the
person and, when it comes from one field, that field's name. The audit log records the rows'
before and after on its own (motcua.audit.recording); a task's history is its TaskUpdate rows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.dossiers.files import NewUpload, StoredUploads, UploadError, checked_content, safe_name
from motcua.identity.models import Agency, User

from . import rules
from .models import Plan, Target, Task, TaskEvidence, TaskStatus, TaskUpdate

MAX_EVIDENCE_PER_TASK = 20


class PlanError(ValueError):
    """A change refused; ``message`` is for the person, ``field`` names the form field."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _guard(user: User, action: str, item: Plan | Target | Task) -> None:
    reason = rules.why_not(user, action, item)
    if reason is not None:
        raise PlanError(reason)


def _check_period(starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on:
        raise PlanError(_("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."), "ends_on")


@dataclass(frozen=True)
class PlanFields:
    name: str
    reference: str
    starts_on: date
    ends_on: date
    owner: Agency
    description: str = ""


def create_plan(*, fields: PlanFields, by: User) -> Plan:
    reason = rules.may_create(by, fields.owner)
    if reason is not None:
        raise PlanError(reason, "owner")
    _check_period(fields.starts_on, fields.ends_on)
    return Plan.objects.create(**vars(fields), created_by=by)


def update_plan(*, plan: Plan, fields: PlanFields, by: User) -> Plan:
    _guard(by, "edit_plan", plan)
    if fields.owner.pk != plan.owner_id:
        reason = rules.may_create(by, fields.owner)
        if reason is not None:
            raise PlanError(reason, "owner")
    _check_period(fields.starts_on, fields.ends_on)
    with transaction.atomic():
        for name, value in vars(fields).items():
            setattr(plan, name, value)
        plan.updated_at = timezone.now()
        plan.save()
    return plan


@dataclass(frozen=True)
class TargetFields:
    name: str
    indicator: str
    value: Decimal
    deadline: date
    agencies: Sequence[Agency] = ()
    comparison: str = "at_least"
    unit_of_measure: str = ""


def _check_target(plan: Plan, fields: TargetFields) -> None:
    if fields.indicator:
        if not Decimal(0) <= fields.value <= Decimal(100):
            raise PlanError(_("Chỉ tiêu theo chỉ số là tỷ lệ phần trăm, từ 0 đến 100."), "value")
    elif not fields.unit_of_measure.strip():
        raise PlanError(_("Chỉ tiêu tự đo cần đơn vị tính."), "unit_of_measure")
    if not plan.starts_on <= fields.deadline:
        raise PlanError(_("Thời hạn phải sau ngày bắt đầu của kế hoạch."), "deadline")


def _next_position(rows: Any) -> int:
    return int(rows.aggregate(top=Max("position"))["top"] or 0) + 1


def add_target(*, plan: Plan, fields: TargetFields, by: User) -> Target:
    _guard(by, "add_target", plan)
    _check_target(plan, fields)
    with transaction.atomic():
        values = {k: v for k, v in vars(fields).items() if k != "agencies"}
        target = Target.objects.create(plan=plan, position=_next_position(plan.targets), **values)
        target.agencies.set(fields.agencies)
    return target


def update_target(*, target: Target, fields: TargetFields, by: User) -> Target:
    _guard(by, "edit_target", target)
    _check_target(target.plan, fields)
    with transaction.atomic():
        for name, value in vars(fields).items():
            if name != "agencies":
                setattr(target, name, value)
        if target.indicator:
            target.current_value = target.current_value_by = target.current_value_at = None
        target.save()
        target.agencies.set(fields.agencies)
    return target


def enter_value(*, target: Target, value: Decimal, by: User, at: datetime | None = None) -> Target:
    """The current value of a free measure, with who entered it and when."""
    _guard(by, "enter_value", target)
    target.current_value, target.current_value_by = value, by
    target.current_value_at = at or timezone.now()
    target.save(update_fields=["current_value", "current_value_by", "current_value_at"])
    return target


@dataclass(frozen=True)
class TaskFields:
    name: str
    owner: Agency
    due_on: date


def add_task(*, plan: Plan, fields: TaskFields, by: User) -> Task:
    _guard(by, "add_task", plan)
    with transaction.atomic():
        task = Task.objects.create(
            plan=plan, position=_next_position(plan.tasks), updated_by=by, **vars(fields)
        )
        TaskUpdate.objects.create(
            task=task, actor=by, to_status=task.status, details={"created": True}
        )
    return task


def edit_task(*, task: Task, fields: TaskFields, by: User) -> Task:
    """The plan's leaders change what a task is, who does it and by when."""
    _guard(by, "edit_task", task)
    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task.pk)
        changed = {
            name: str(getattr(task, name)) for name, value in vars(fields).items()
            if getattr(task, name) != value
        }  # fmt: skip
        if not changed:
            return task
        for name, value in vars(fields).items():
            setattr(task, name, value)
        task.updated_by, task.updated_at = by, timezone.now()
        task.save()
        TaskUpdate.objects.create(
            task=task, actor=by, from_status=task.status, to_status=task.status,
            details={"changed": sorted(changed)},
        )  # fmt: skip
    return task


def update_task(
    *,
    task: Task,
    status: str,
    note: str,
    uploads: Sequence[NewUpload],
    by: User,
    at: datetime | None = None,
) -> Task:
    """The owner unit reports on its task: a status, a note added to the task's notes, and
    evidence files checked as dossier uploads are; a refused file leaves nothing behind."""
    _guard(by, "update_task", task)
    if status not in TaskStatus.values:
        raise PlanError(_("Trạng thái không hợp lệ."), "status")
    note = note.strip()
    if status == task.status and not note and not uploads:
        raise PlanError(_("Chưa có thay đổi nào: hãy đổi trạng thái, ghi chú hoặc gửi tệp."))
    now = at or timezone.now()
    with StoredUploads() as stored, transaction.atomic():
        task = Task.objects.select_for_update().select_related("plan").get(pk=task.pk)
        names = _attach(task, uploads, stored, by=by, at=now)
        before = task.status
        task.status = status
        if status == TaskStatus.DONE and before != TaskStatus.DONE:
            task.completed_at = now
        elif status != TaskStatus.DONE:
            task.completed_at = None
        if note:
            stamp = f"{timezone.localtime(now):%d/%m/%Y} — {by}: "
            task.notes = f"{task.notes}\n{stamp}{note}".strip()
        task.updated_by, task.updated_at = by, now
        task.save()
        TaskUpdate.objects.create(
            task=task, at=now, actor=by, from_status=before, to_status=status, note=note,
            details={"files": names} if names else {},
        )  # fmt: skip
    return task


def _attach(
    task: Task, uploads: Sequence[NewUpload], stored: StoredUploads, *, by: User, at: datetime
) -> list[str]:
    if task.evidence.count() + len(uploads) > MAX_EVIDENCE_PER_TASK:
        raise PlanError(
            _("Mỗi nhiệm vụ có tối đa %(n)s tệp minh chứng.") % {"n": MAX_EVIDENCE_PER_TASK},
            "files",
        )
    names = []
    for upload in uploads:
        try:
            content, content_type, suffix = checked_content(upload.stream, upload.name)
        except UploadError as error:
            raise PlanError(error.message, upload.key or "files") from error
        record = TaskEvidence(
            task=task, original_name=safe_name(upload.name), content_type=content_type,
            size=len(content), sha256=hashlib.sha256(content).hexdigest(), uploaded_by=by,
            uploaded_at=at,
        )  # fmt: skip
        record.file.save(f"minh-chung{suffix}", ContentFile(content), save=False)
        stored.other_files.append(record.file)
        record.save()
        names.append(record.original_name)
    return names
