from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpenDataConfig(AppConfig):
    name = "motcua.opendata"
    label = "opendata"
    verbose_name = _("Dữ liệu mở")
