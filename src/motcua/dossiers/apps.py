from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "motcua.dossiers"
    verbose_name = _("Hồ sơ")

    def ready(self) -> None:
        # Imported once the models are: the services register themselves in the action table
        # (rules.performs), the follow-ups of moves and the periodic jobs are registered.
        from . import access, followups, jobs, services  # noqa: F401

        access.connect()
        followups.register()
        jobs.register()
