from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DataCatalogueConfig(AppConfig):
    name = "motcua.datacatalog"
    label = "datacatalog"
    verbose_name = _("Danh mục cơ sở dữ liệu")

    def ready(self) -> None:
        from motcua.core.jobs import register_job

        from .reminders import remind_due_review

        # Hourly: the reminder goes out within the hour the review falls due, once.
        register_job("remind_data_catalogue_review", remind_due_review, every=timedelta(hours=1))
