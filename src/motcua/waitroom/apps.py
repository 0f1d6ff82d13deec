from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WaitroomConfig(AppConfig):
    name = "motcua.waitroom"
    verbose_name = _("Hàng chờ")

    def ready(self) -> None:
        from .rules import connect

        connect()
