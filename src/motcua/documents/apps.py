from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "motcua.documents"
    verbose_name = _("Văn bản điện tử")

    def ready(self) -> None:
        # Every decision of a dossier issues its signed result, in the decision's transaction.
        from motcua.dossiers.moves import follow_up
        from motcua.dossiers.workflow import Action

        from .services import issue_decided_result

        follow_up(issue_decided_result, actions=(Action.DECIDE,))
