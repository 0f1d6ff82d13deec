from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "motcua.identity"
    label = "identity"
    verbose_name = _("Đơn vị, cơ quan và người dùng")

    def ready(self) -> None:
        from .sessions import stamp_sign_in

        user_logged_in.connect(stamp_sign_in, dispatch_uid="identity-session-limits")
