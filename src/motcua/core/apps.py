from datetime import timedelta

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "motcua.core"
    label = "core"
    verbose_name = _("Lịch làm việc và tin nhắn gửi đi")

    def ready(self) -> None:
        from .channels import register_builtin_channels
        from .jobs import register_job
        from .outbox import deliver_outbox_job
        from .services import forget_old_idempotency_keys

        register_builtin_channels()
        register_job(
            "deliver_outbox",
            deliver_outbox_job,
            every=timedelta(seconds=settings.OUTBOX_SWEEP_SECONDS),
        )
        register_job(
            "forget_old_idempotency_keys", forget_old_idempotency_keys, every=timedelta(hours=1)
        )
