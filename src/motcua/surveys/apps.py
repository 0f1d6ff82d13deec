from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "motcua.surveys"
    verbose_name = _("Đánh giá mức độ hài lòng")

    def ready(self) -> None:
        from motcua.dossiers.notify import register_message_addition

        from .invitation import result_message_addition

        register_message_addition(result_message_addition)
