from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "motcua.audit"
    verbose_name = _("Nhật ký kiểm toán")

    def ready(self) -> None:
        from motcua.core.jobs import register_job

        from . import chain, heads, recording

        recording.connect()
        # Idempotent: a head already signed today is not signed again.
        register_job("sign_audit_head", heads.sign_daily, every=timedelta(hours=1))
        # The reads' entries waiting to be chained (chain.record_read), when nothing else is
        # appended meanwhile.
        register_job(
            "link_audit_reads", chain.link_waiting, every=timedelta(seconds=chain.LINK_SECONDS)
        )
