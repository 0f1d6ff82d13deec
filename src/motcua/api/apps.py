from django.apps import AppConfig
from django.db.models.signals import post_save, pre_save


class ApiConfig(AppConfig):
    name = "motcua.api"
    label = "api"

    def ready(self) -> None:
        from motcua.identity.models import User

        from .auth import notice_account_change, revoke_tokens_on_account_change

        pre_save.connect(notice_account_change, sender=User, dispatch_uid="api-tokens-pre")
        post_save.connect(revoke_tokens_on_account_change, sender=User, dispatch_uid="api-tokens")
