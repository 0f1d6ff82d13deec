from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core.jobs import start_in_process_scheduler
from motcua.demo.services import (
    DEMO_PASSWORD,
    create_demo_accounts,
    load_demo_agencies,
    load_demo_catalogue,
)


class Command(BaseCommand):
    help = "Set up the Hà Nội demo (units, calendar, agencies, catalogue, accounts) and serve it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="Load the data and stop")
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    def handle(self, *args: Any, no_serve: bool, addrport: str, **options: Any) -> None:
        if settings.IS_PRODUCTION:
            raise CommandError("The demo never runs with MOTCUA_ENV=production.")
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_units", stdout=self.stdout)
        call_command("seed_holidays", stdout=self.stdout)
        self.stdout.write(f"{load_demo_agencies()} agencies with their one-stop desks.")
        report = load_demo_catalogue()
        self.stdout.write(
            f"Catalogue: {len(report.created)} created, {len(report.replaced)} replaced, "
            f"{len(report.unchanged)} unchanged."
        )
        self._print_accounts(create_demo_accounts(), addrport)
        if not no_serve:
            # Outbox delivery and the other periodic jobs run in this process. runserver runs
            # without its autoreloader, which would otherwise start a second scheduler in its
            # child process.
            start_in_process_scheduler()
            call_command("runserver", addrport, use_reloader=False)

    def _print_accounts(self, accounts: list[Any], host: str = "127.0.0.1:8000") -> None:
        write = self.stdout.write
        write(f"\nDemo accounts (password for all: {DEMO_PASSWORD})")
        for account in accounts:
            write(f"  {account.username:<22} {account.description}")
            if account.totp_key:
                write(
                    f"  {'':<22} TOTP secret {account.totp_key}"
                    f" — current code: motcua totp_code {account.username}"
                )
        relaxed = "" if settings.OFFICER_2FA_REQUIRED else " (second factor relaxed for this demo)"
        write(f"\nPortal:      http://{host}/")
        write(f"Officers:    http://{host}/can-bo/{relaxed}")
        write(f"Admin:       http://{host}/admin/")
        write(f"API docs:    http://{host}/api/v1/docs\n")
