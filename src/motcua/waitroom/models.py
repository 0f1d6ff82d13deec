"""The waiting room (docs/overload.md, "The waiting room"; ADR 0019): queues and the tickets
held in them, on the server, so that a place survives a lost cookie or a change of device."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Procedure

GENERAL_SLUG = "chung"


class Queue(models.Model):
    """The portal's general queue (one row, ``slug="chung"``), or one an administrator opens in
    advance for a known event: procedures, the opening time, the deadline."""

    slug = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    procedures = models.ManyToManyField(
        Procedure, blank=True, related_name="queues", verbose_name=_("thủ tục")
    )
    opens_at = models.DateTimeField(_("mở lúc"), null=True, blank=True)
    deadline = models.DateTimeField(_("hạn chót"), null=True, blank=True)
    # Set when the arrivals before the opening were shuffled; newcomers rank after them.
    shuffled_at = models.DateTimeField(_("xáo trộn lúc"), null=True, blank=True, editable=False)
    # Counters, incremented under select_for_update of this row: no lost or repeated number.
    last_sequence = models.PositiveIntegerField(default=0, editable=False)
    last_rank = models.PositiveIntegerField(default=0, editable=False)
    # Fractional admissions carried from one second to the next.
    admit_credit = models.FloatField(default=0, editable=False)
    admitted_until = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        ordering = ["-opens_at", "name"]
        verbose_name = _("hàng chờ")
        verbose_name_plural = _("hàng chờ")

    def __str__(self) -> str:
        return self.name

    @property
    def is_general(self) -> bool:
        return self.slug == GENERAL_SLUG

    @property
    def is_event(self) -> bool:
        return not self.is_general


class TicketState(models.TextChoices):
    WAITING = "waiting", _("Đang chờ")
    ADMITTED = "admitted", _("Đến lượt")
    USED = "used", _("Đã vào")
    EXPIRED = "expired", _("Hết hiệu lực")


class Ticket(models.Model):
    """One person's place. ``secret`` is the capability in the URL and the pass; ``code`` is
    short enough to write down and resume from another device (with the contact)."""

    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="tickets")
    secret = models.CharField(max_length=43, unique=True, editable=False)
    code = models.CharField(_("mã lượt"), max_length=8)
    # Arrival order (1, 2, 3… per queue) and admission order: the same for a general queue;
    # for an event, arrivals before the opening get their rank at the opening, shuffled.
    sequence = models.PositiveIntegerField(_("thứ tự đến"))
    rank = models.PositiveIntegerField(_("thứ tự vào"), null=True, blank=True)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="queue_tickets",
        verbose_name=_("người giữ lượt"),
    )
    contact = models.CharField(_("liên hệ"), max_length=200, blank=True)
    procedure = models.ForeignKey(
        Procedure, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("thủ tục")
    )
    next_path = models.CharField(max_length=500, blank=True)
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=TicketState.choices, default=TicketState.WAITING
    )
    # Taken before the queue's deadline: a submission after it is still on time.
    before_deadline = models.BooleanField(_("lấy lượt trước hạn chót"), default=False)
    taken_at = models.DateTimeField(_("lấy lượt lúc"))
    checked_at = models.DateTimeField(_("kiểm tra lần cuối"))
    admitted_at = models.DateTimeField(_("đến lượt lúc"), null=True, blank=True)

    class Meta:
        ordering = ["queue", "rank", "sequence"]
        verbose_name = _("lượt chờ")
        verbose_name_plural = _("lượt chờ")
        constraints = [
            models.UniqueConstraint(fields=["queue", "sequence"], name="waitroom_sequence_once"),
            models.UniqueConstraint(fields=["queue", "rank"], name="waitroom_rank_once"),
            models.UniqueConstraint(fields=["queue", "code"], name="waitroom_code_once"),
        ]
        indexes = [
            # Position (waiting with a lower rank) and the next ones to admit: one range scan.
            models.Index(fields=["queue", "state", "rank"], name="waitroom_ticket_line"),
            models.Index(fields=["holder", "state"], name="waitroom_ticket_holder"),
        ]

    def __str__(self) -> str:
        return f"{self.queue.slug} {self.code}"

    @property
    def is_live(self) -> bool:
        return self.state in (TicketState.WAITING, TicketState.ADMITTED)
