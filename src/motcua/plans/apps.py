from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "motcua.plans"
    verbose_name = _("Kế hoạch, chỉ tiêu, nhiệm vụ")
