from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.identity.models import User
from motcua.identity.second_factor import confirmed_totp_devices, current_totp_code


class Command(BaseCommand):
    help = (
        "Print the current TOTP code of a user's confirmed device (demo and testing only; "
        "refused in production). A code is accepted once: wait 30 seconds before reusing it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        if settings.IS_PRODUCTION:
            raise CommandError(_("Lệnh này không chạy khi MOTCUA_ENV=production."))
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("Không có tài khoản %(username)s.") % {"username": username})
        device = confirmed_totp_devices(user).first()
        if device is None:
            raise CommandError(
                _("Tài khoản %(username)s chưa có ứng dụng xác thực đã xác nhận.")
                % {"username": username}
            )
        self.stdout.write(current_totp_code(device))
