from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "motcua.backoffice"
    label = "backoffice"

    def ready(self) -> None:
        from django.contrib import admin

        from .admin_site import secure_admin_site

        secure_admin_site(admin.site)
