from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "motcua.reporting"
    verbose_name = _("Chỉ số chất lượng phục vụ, xếp hạng")

    def ready(self) -> None:
        from . import hooks

        hooks.connect()
