from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Holiday(models.Model):
    """One date whose working status differs from the Monday-to-Friday rule.

    Seeded from ``holidays.VN`` and edited by admins: a day off on a weekday, or a make-up
    working Saturday announced for civil servants. Rows an admin touched are never overwritten
    by a later seeding.
    """

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Ngày nghỉ")
        WORKING_DAY = "working_day", _("Ngày làm việc bù")

    class Source(models.TextChoices):
        PACKAGE = "package", _("Tự động từ lịch nghỉ lễ quốc gia")
        ADMIN = "admin", _("Quản trị viên")

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices, default=Kind.DAY_OFF)
    name = models.CharField(_("tên"), max_length=200)
    source = models.CharField(
        _("nguồn"), max_length=16, choices=Source.choices, default=Source.ADMIN
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("ngày nghỉ, ngày làm bù")
        verbose_name_plural = _("ngày nghỉ, ngày làm bù")

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"


RECIPIENT_MAX_LENGTH = 254  # the longest email address SMTP allows
KEY_MAX_LENGTH = 200


class OutboxMessage(models.Model):
    """One message to another system, written in the same transaction as the change it reports.

    The row is the promise: whatever happens to the process after the commit, the delivery loop
    finds it and retries until the channel accepts it (see docs/outbox.md).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ gửi")
        SENT = "sent", _("Đã gửi")
        HELD = "held", _("Tạm giữ (kênh chưa cấu hình)")

    channel = models.CharField(_("kênh"), max_length=32)
    recipient = models.CharField(_("người nhận"), max_length=RECIPIENT_MAX_LENGTH, blank=True)
    payload = models.JSONField(_("nội dung"), default=dict)
    key = models.CharField(
        _("khoá chống trùng"),
        max_length=KEY_MAX_LENGTH,
        blank=True,
        default="",
        help_text=_("Gửi lại với cùng khoá sẽ không tạo thêm tin nhắn."),
    )
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("số lần đã thử"), default=0)
    next_attempt_at = models.DateTimeField(_("thử lại lúc"), default=timezone.now)
    # A worker that is sending the message owns it until then; after that (it crashed), the
    # message is due again. Sending happens outside any transaction, so this is the lock.
    claimed_until = models.DateTimeField(_("đang gửi đến"), null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("tin nhắn gửi đi")
        verbose_name_plural = _("tin nhắn gửi đi")
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=~models.Q(key=""), name="core_outbox_unique_key"
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="core_outbox_due")]

    def __str__(self) -> str:
        return f"{self.channel} → {self.recipient or '—'} ({self.get_status_display()})"


class IdempotentRequest(models.Model):
    """A client's ``Idempotency-Key`` on a state-changing API request: a fingerprint of the
    request it came with and the answer it got, so a retry is answered the same without
    doing the work again, and the same key on another request is refused."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64)  # SHA-256 of method, path and body
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="core_idempotent_request_unique")
        ]

    def __str__(self) -> str:
        return self.key
