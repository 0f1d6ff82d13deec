"""Payments of a dossier's fees and charges, and every event that touched one.

A payment is credited once: its status moves from pending to paid under a row lock, and a
provider's transaction number can be recorded against one payment only. Every callback, return,
query, statement line and cash entry is kept as an event, accepted or refused, with its reason.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier
from motcua.identity.models import Agency


class Provider(models.TextChoices):
    DEMO = "demo", _("Thanh toán thử nghiệm")
    VIETQR = "vietqr", _("Chuyển khoản VietQR")
    VNPAY = "vnpay", _("VNPay")
    NATIONAL = "national", _("Nền tảng thanh toán trên Cổng DVC quốc gia")
    CASH = "cash", _("Tiền mặt tại Bộ phận một cửa")


class Payment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ thanh toán")
        PAID = "paid", _("Đã thanh toán")
        FAILED = "failed", _("Không thành công")
        CANCELLED = "cancelled", _("Đã hủy")

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="payments", verbose_name=_("hồ sơ")
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị thu")
    )
    provider = models.CharField(_("hình thức"), max_length=10, choices=Provider.choices)
    # Our order reference (vnp_TxnRef, MaThamChieu, the QR's bill number): unique for ever.
    reference = models.CharField(_("mã giao dịch"), max_length=40, unique=True)
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    provider_transaction = models.CharField(
        _("mã giao dịch của ngân hàng"), max_length=60, blank=True
    )
    receipt_number = models.CharField(_("số biên lai"), max_length=30, blank=True)
    # The signed electronic receipt, issued the first time it is asked for (receipts.py).
    receipt = models.OneToOneField(
        "documents.IssuedDocument", null=True, blank=True, on_delete=models.PROTECT,
        related_name="payment",
    )  # fmt: skip
    created_at = models.DateTimeField(default=timezone.now)
    paid_at = models.DateTimeField(_("thanh toán lúc"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_index=False,
    )  # fmt: skip

    class Meta:
        verbose_name = _("khoản thanh toán")
        verbose_name_plural = _("khoản thanh toán")
        indexes = [
            models.Index(fields=["dossier", "-created_at"], name="payment_dossier"),
            models.Index(fields=["agency", "provider", "created_at"], name="payment_reconcile"),
            models.Index(
                fields=["status", "created_at"],
                name="payment_pending",
                condition=Q(status="pending"),
            ),
        ]
        constraints = [
            # One bank transaction credits one payment, whatever arrives twice.
            models.UniqueConstraint(
                fields=["provider", "provider_transaction"],
                condition=~Q(provider_transaction=""),
                name="payment_provider_transaction_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.amount} đ, {self.status})"


class PaymentEvent(models.Model):
    """Whatever reached us about a payment (or claimed to): kept, accepted or not."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Tạo yêu cầu thanh toán")
        CALLBACK = "callback", _("Thông báo của cổng thanh toán")
        RETURN = "return", _("Người nộp quay lại từ cổng thanh toán")
        QUERY = "query", _("Đối soát chủ động")
        STATEMENT = "statement", _("Sao kê ngân hàng")
        CASH = "cash", _("Thu tiền mặt")

    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    provider = models.CharField(max_length=10, choices=Provider.choices)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    # "accepted", or why not: "bad_signature", "unknown_order", "wrong_amount", "duplicate"...
    outcome = models.CharField(max_length=30)
    payload = models.JSONField(default=dict, blank=True)
    remote_address = models.CharField(max_length=45, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("sự kiện thanh toán")
        verbose_name_plural = _("sự kiện thanh toán")

    def __str__(self) -> str:
        return f"{self.provider} {self.kind} {self.outcome}"


class ReceiptSequence(models.Model):
    """The running number of an agency's electronic receipts (biên lai) in a year."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="receipt_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.year}: {self.last}"
