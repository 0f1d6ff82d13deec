from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class PortalConfig(AppConfig):
    name = "motcua.portal"
    label = "portal"

    def ready(self) -> None:
        # The public pages cached for visitors show these; a change renders them afresh.
        from motcua.catalog import models as catalog
        from motcua.core.models import Holiday
        from motcua.core.page_cache import bump_on_commit
        from motcua.identity.models import AdministrativeUnit, Agency, OneStopDesk

        shown = [
            catalog.Field, catalog.Procedure, catalog.ProcedureVersion, catalog.ProcedureVariant,
            catalog.DocumentRequirement, catalog.Fee, catalog.ProcedureStep,
            AdministrativeUnit, Agency, OneStopDesk, Holiday,
        ]  # fmt: skip
        for model in shown:
            post_save.connect(bump_on_commit, sender=model, dispatch_uid=f"pages-{model}")
            post_delete.connect(bump_on_commit, sender=model, dispatch_uid=f"pages-{model}-del")
