from __future__ import annotations

from django.db import models
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
