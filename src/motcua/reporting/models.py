"""What the index keeps: one judged fact per dossier, and the per-unit, per-day sums of those
facts that every score reads (``facts.py`` keeps both in the transaction of each change);
published rankings, frozen."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Procedure
from motcua.dossiers.models import Dossier
from motcua.identity.models import Agency


class Verdict(models.TextChoices):
    IN_TIME = "in_time", _("Đúng hạn, trước hạn")
    LATE = "late", _("Trễ hạn")
    OPEN = "open", _("Đang giải quyết")
    EXCLUDED = "excluded", _("Không tính")


class DossierFact(models.Model):
    """A dossier as the index judges it (Decision 766): when it was received, when it stopped
    being in process, whether that end was in time, and the yes/no facts of the other
    indicators. ``rule`` names the rule that judged it (``measures.RULES``)."""

    dossier = models.OneToOneField(
        Dossier, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+", db_index=False)
    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    submitted_on = models.DateField()
    received_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)  # no longer in process from this day
    late_from = models.DateField(null=True, blank=True)  # judged late at any end from this day
    verdict = models.CharField(max_length=10, choices=Verdict.choices)
    rule = models.CharField(max_length=24)
    decided = models.BooleanField(default=False)  # the end is a decision (4.1, 2.2, 5.4)
    minutes = models.PositiveIntegerField(null=True, blank=True)  # working minutes (2.2)
    online = models.BooleanField(default=False)
    synced = models.BooleanField(default=False)
    verified = models.BooleanField(default=False)
    digitised = models.BooleanField(default=False)
    reused = models.BooleanField(default=False)
    e_result = models.BooleanField(default=False)
    fee_bearing = models.BooleanField(default=False)
    paid_online = models.BooleanField(default=False)
    complained = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("hồ sơ trong chỉ số")
        verbose_name_plural = _("hồ sơ trong chỉ số")
        indexes = [
            models.Index(fields=["agency", "received_on"], name="fact_received"),
            models.Index(fields=["agency", "closed_on"], name="fact_closed"),
            models.Index(fields=["agency", "submitted_on"], name="fact_submitted"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.verdict} ({self.rule})"


# The sums kept per unit and day; each is what ``facts.contributions`` adds.
DAY_COUNTERS = (
    # by the day of receipt
    "received",
    "received_online",
    "synced",
    "verified",
    "digitised",
    "reused",
    "fee_bearing",
    "paid_online",
    # by the day the dossier stopped being in process (counted ends only)
    "ended",
    "ended_in_time",
    "decided",
    "decided_late",
    "decided_complained",
    "e_results",
    "minutes",
    # deltas: summed up to a day, what is in process (and late) at its end
    "open_delta",
    "late_delta",
)


class Counters(models.Model):
    """The sums of ``DAY_COUNTERS`` (see ``facts.Sums``)."""

    received = models.IntegerField(default=0)
    received_online = models.IntegerField(default=0)
    synced = models.IntegerField(default=0)
    verified = models.IntegerField(default=0)
    digitised = models.IntegerField(default=0)
    reused = models.IntegerField(default=0)
    fee_bearing = models.IntegerField(default=0)
    paid_online = models.IntegerField(default=0)
    ended = models.IntegerField(default=0)
    ended_in_time = models.IntegerField(default=0)
    decided = models.IntegerField(default=0)
    decided_late = models.IntegerField(default=0)
    decided_complained = models.IntegerField(default=0)
    e_results = models.IntegerField(default=0)
    minutes = models.BigIntegerField(default=0)
    open_delta = models.IntegerField(default=0)
    late_delta = models.IntegerField(default=0)

    class Meta:
        abstract = True


class IndexDay(Counters):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "day"], name="index_day_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day}"


class IndexMonth(Counters):
    """The same sums per month: a year or a quarter reads twelve or three rows per unit."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+", db_index=False)
    month = models.DateField()  # the first day

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "month"], name="index_month_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.month:%Y-%m}"


class ProcedureMonth(models.Model):
    """Per unit, procedure and month: dossiers received online and paid online (3.2, 3.5)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+", db_index=False)
    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    month = models.DateField()  # the first day
    received_online = models.IntegerField(default=0)
    paid_online = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "month", "procedure"], name="procedure_month_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.procedure_id} {self.month:%Y-%m}"


class RankingSnapshot(models.Model):
    """A ranking as published: its rows never change afterwards (``rankings.publish``)."""

    parent = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("cấp xếp hạng"), max_length=20)
    period_kind = models.CharField(max_length=10)
    period_key = models.CharField(_("kỳ"), max_length=30)
    version = models.CharField(_("phiên bản bộ chỉ số"), max_length=40)
    published_at = models.DateTimeField(_("công bố lúc"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    rows = models.JSONField(default=list)  # ranked then unranked, as ``rankings.frozen_rows``
    minimum_dossiers = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("bảng xếp hạng đã công bố")
        verbose_name_plural = _("bảng xếp hạng đã công bố")
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "level", "period_key", "version"], name="snapshot_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level} {self.period_key} ({self.version})"
