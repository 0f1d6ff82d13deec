from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DataCatalogueConfig(AppConfig):
    name = "motcua.datacatalog"
    label = "datacatalog"
    verbose_name = _("Danh mục cơ sở dữ liệu")
