from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "motcua.reporting"
    verbose_name = _("Chỉ số chất lượng phục vụ, xếp hạng")

    def ready(self) -> None:
        from datetime import timedelta

        from motcua.core.jobs import register_job

        from . import hooks
        from .rankings import publish_due

        hooks.connect()
        register_job("publish_rankings", publish_due, every=timedelta(hours=1))
