from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is kept: a copy of the database cannot be
    used to call the API as someone else."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("người dùng"),
    )
    digest = models.CharField(_("mã băm SHA-256"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("cấp lúc"), default=timezone.now)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")
        indexes = [models.Index(fields=["user", "expires_at"], name="api_token_user_expiry")]

    def __str__(self) -> str:
        return f"{self.user} {self.digest[:8]}"
