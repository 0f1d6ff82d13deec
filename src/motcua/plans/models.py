"""Plans with targets and tasks (kế hoạch, chỉ tiêu, nhiệm vụ): a leader's plan sets targets on
the Decision 766 index or on a free measure, and tasks that officers of the owner units carry
out and report on with evidence files. Progress is computed (selectors.py), never stored."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.identity.models import Agency


class Plan(models.Model):
    name = models.CharField(_("tên kế hoạch"), max_length=300)
    reference = models.CharField(
        _("số, ký hiệu văn bản"),
        max_length=200,
        blank=True,
        help_text=_("Ví dụ: Kế hoạch số 12/KH-UBND ngày 15/01/2026."),
    )
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"))
    owner = models.ForeignKey(
        Agency, verbose_name=_("cơ quan chủ trì"), on_delete=models.PROTECT, related_name="plans"
    )
    description = models.TextField(_("mô tả"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    updated_at = models.DateTimeField(_("cập nhật lúc"), default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("kế hoạch")
        verbose_name_plural = _("kế hoạch")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="plans_plan_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Comparison(models.TextChoices):
    AT_LEAST = "at_least", _("tối thiểu (≥)")
    AT_MOST = "at_most", _("tối đa (≤)")


class Target(models.Model):
    """A numbered target: an indicator of the index (its ratio, in percent, tracks itself for
    every unit the target applies to) or a free measure whose value is entered by hand."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    position = models.PositiveSmallIntegerField(_("số thứ tự"))
    name = models.CharField(_("tên chỉ tiêu"), max_length=300)
    indicator = models.CharField(
        _("chỉ số Quyết định 766"),
        max_length=10,
        blank=True,
        help_text=_("Ví dụ 2.1; để trống với chỉ tiêu tự đo."),
    )
    unit_of_measure = models.CharField(_("đơn vị tính"), max_length=40, blank=True)
    comparison = models.CharField(
        _("so sánh"), max_length=10, choices=Comparison.choices, default=Comparison.AT_LEAST
    )
    value = models.DecimalField(_("giá trị chỉ tiêu"), max_digits=12, decimal_places=2)
    deadline = models.DateField(_("thời hạn"))
    agencies = models.ManyToManyField(
        Agency,
        verbose_name=_("áp dụng cho đơn vị"),
        related_name="plan_targets",
        blank=True,
        help_text=_("Để trống: áp dụng cho cơ quan chủ trì."),
    )
    current_value = models.DecimalField(
        _("giá trị hiện tại"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    current_value_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhập"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    current_value_at = models.DateTimeField(_("nhập lúc"), null=True, blank=True)

    class Meta:
        ordering = ["plan", "position", "id"]
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"

    @property
    def tracks_index(self) -> bool:
        return bool(self.indicator)

    def reached(self, value: Decimal) -> bool:
        if self.comparison == Comparison.AT_MOST:
            return value <= self.value
        return value >= self.value


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Chưa bắt đầu")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    DONE = "done", _("Hoàn thành")
    PAUSED = "paused", _("Tạm dừng")
    CANCELLED = "cancelled", _("Hủy")


CLOSED_STATUSES = (TaskStatus.DONE, TaskStatus.CANCELLED)


class Task(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    position = models.PositiveSmallIntegerField(_("số thứ tự"))
    name = models.CharField(_("tên nhiệm vụ"), max_length=300)
    owner = models.ForeignKey(
        Agency, verbose_name=_("đơn vị thực hiện"), on_delete=models.PROTECT, related_name="tasks"
    )
    due_on = models.DateField(_("hạn hoàn thành"))
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    notes = models.TextField(_("ghi chú"), blank=True)
    completed_at = models.DateTimeField(_("hoàn thành lúc"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người cập nhật"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), default=timezone.now)

    class Meta:
        ordering = ["plan", "position", "id"]
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        indexes = [models.Index(fields=["owner", "status"])]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    def is_overdue(self, today: date) -> bool:
        """Past its due date and neither done nor cancelled."""
        return self.due_on < today and not self.is_closed


def _evidence_path(instance: TaskEvidence, filename: str) -> str:
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    today = timezone.localdate()
    return f"plans/{today:%Y/%m}/{uuid.uuid4().hex}{suffix if suffix.isascii() else ''}"


class TaskEvidence(models.Model):
    """A file proving a task's progress, checked as dossier uploads are (dossiers.files)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=_evidence_path)
    original_name = models.CharField(_("tên tệp"), max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("tài liệu minh chứng")
        verbose_name_plural = _("tài liệu minh chứng")

    def __str__(self) -> str:
        return self.original_name


class TaskUpdate(models.Model):
    """One change of a task, kept for its history: who, when, the status before and after,
    the note given, and what else changed (``details``). Never edited."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="updates")
    at = models.DateTimeField(_("lúc"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người cập nhật"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    from_status = models.CharField(max_length=12, choices=TaskStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=TaskStatus.choices)
    note = models.TextField(_("ghi chú"), blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("diễn biến nhiệm vụ")
        verbose_name_plural = _("diễn biến nhiệm vụ")

    def __str__(self) -> str:
        return f"{self.task_id} {self.to_status} {self.at:%Y-%m-%d %H:%M}"
