from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpenDataConfig(AppConfig):
    name = "motcua.opendata"
    label = "opendata"
    verbose_name = _("Dữ liệu mở")

    def ready(self) -> None:
        from motcua.core.jobs import register_job

        from . import catalogue_source, entries
        from .publish import publish_all
        from .published import platform_entries

        entries.register("platform", platform_entries)
        catalogue_source.register()  # the open databases of the city's data catalogue
        # The data change by the month and the catalogue by the week: a few times a day is
        # enough, and unchanged data are not written again.
        register_job("publish_opendata", publish_all, every=timedelta(hours=6))
