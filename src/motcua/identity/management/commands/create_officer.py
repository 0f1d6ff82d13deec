from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.identity.accounts import AccountError
from motcua.identity.models import OfficerRole
from motcua.identity.officers import create_officer


class Command(BaseCommand):
    help = (
        "Open an officer's account with a temporary password, printed once; the officer "
        "sets their own at first sign-in (after enrolling their authenticator app)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="Full name, e.g. 'Nguyễn Thị Hồng'")
        parser.add_argument("--email", default="", help="Work email (reset codes go there)")
        parser.add_argument("--role", required=True, choices=OfficerRole.Role.values)
        parser.add_argument("--agency", default="", help="Agency electronic ID, e.g. 000.00.01.H26")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            officer = create_officer(
                username=options["username"], full_name=options["name"], email=options["email"],
                role=options["role"], agency_code=options["agency"],
            )  # fmt: skip
        except AccountError as error:
            raise CommandError(str(error.message)) from error
        self.stdout.write(
            f"{officer.user.username}: temporary password {officer.temporary_password}"
        )
        self.stdout.write("It must be changed at the first sign-in.")
