from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.dossiers.summary import rebuild


class Command(BaseCommand):
    help = (
        "Recompute the daily summary per unit and procedure from the dossiers and their "
        "events (after a repair, or for data loaded without the services)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", help="First local day to recompute (YYYY-MM-DD)")

    def handle(self, *args: Any, since: str | None, **options: Any) -> None:
        try:
            first = date.fromisoformat(since) if since else None
        except ValueError as error:
            raise CommandError(f"--since: {since!r} is not a date (YYYY-MM-DD).") from error
        rows = rebuild(first)
        self.stdout.write(f"{rows} summary rows written.")
