"""The audit log: append-only, hash-chained, apart from the dossier tables (docs/audit.md).

The tables are not managed by Django after their migration (``managed = False``): ``flush``
and the test runner's table emptying leave them alone, and the migration's triggers refuse
any UPDATE or DELETE of an entry, so no code path of the application can rewrite history.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Entry(models.Model):
    """One event. ``hash`` is SHA-256 over the canonical JSON of every other field, the
    previous entry's hash included (motcua.audit.chain)."""

    sequence = models.PositiveBigIntegerField(_("số thứ tự"), unique=True)
    recorded_at = models.DateTimeField(_("thời điểm"), db_index=True)
    event = models.CharField(_("sự kiện"), max_length=64, db_index=True)
    # No foreign key: the log outlives the accounts it names.
    actor_id = models.BigIntegerField(_("mã người dùng"), null=True, blank=True, db_index=True)
    actor = models.CharField(_("người thực hiện"), max_length=200, blank=True)
    address = models.CharField(_("địa chỉ IP"), max_length=64, blank=True)
    session = models.CharField(_("phiên (mã băm)"), max_length=64, blank=True)
    token_id = models.BigIntegerField(_("mã truy cập API"), null=True, blank=True)
    target = models.CharField(_("đối tượng"), max_length=255, blank=True)
    detail = models.JSONField(_("chi tiết"), default=dict, blank=True)
    previous_hash = models.CharField(_("mã băm mục trước"), max_length=64)
    hash = models.CharField(_("mã băm"), max_length=64)

    class Meta:
        managed = False
        db_table = "audit_entry"
        ordering = ["-sequence"]
        verbose_name = _("mục nhật ký kiểm toán")
        verbose_name_plural = _("nhật ký kiểm toán")

    def __str__(self) -> str:
        return f"#{self.sequence} {self.event}"


class WaitingEntry(models.Model):
    """An entry that records a read, kept without taking the chain's head, until the next
    holder of the head chains it (motcua.audit.chain.record_read): the fields of an entry
    before it has a place, a previous hash and its own. Inserted and deleted, never changed
    (a trigger refuses UPDATE)."""

    recorded_at = models.DateTimeField()
    event = models.CharField(max_length=64)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor = models.CharField(max_length=200, blank=True)
    address = models.CharField(max_length=64, blank=True)
    session = models.CharField(max_length=64, blank=True)
    token_id = models.BigIntegerField(null=True, blank=True)
    target = models.CharField(max_length=255, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        db_table = "audit_waiting"

    def __str__(self) -> str:
        return f"{self.event} {self.recorded_at:%Y-%m-%d %H:%M:%S}"


class ChainHead(models.Model):
    """The one row every append locks first: the chain's last sequence number and hash."""

    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    class Meta:
        managed = False
        db_table = "audit_head"

    def __str__(self) -> str:
        return f"#{self.sequence} {self.hash}"


class SignedHead(models.Model):
    """The chain's head as it was at ``signed_at``, signed with the system's key."""

    sequence = models.PositiveBigIntegerField(_("số thứ tự"))
    hash = models.CharField(_("mã băm"), max_length=64)
    signed_at = models.DateTimeField(_("ký lúc"))
    key_name = models.CharField(_("khóa ký"), max_length=100)
    certificate = models.TextField(_("chứng thư số (PEM)"))
    signature = models.TextField(_("chữ ký (base64)"))

    class Meta:
        managed = False
        db_table = "audit_signed_head"
        ordering = ["-signed_at"]
        verbose_name = _("đầu chuỗi đã ký")
        verbose_name_plural = _("đầu chuỗi đã ký")

    def __str__(self) -> str:
        return f"#{self.sequence} {self.signed_at:%Y-%m-%d}"
