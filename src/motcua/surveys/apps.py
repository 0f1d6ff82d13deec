from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "motcua.surveys"
    verbose_name = _("Đánh giá mức độ hài lòng")
