from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.identity.models import Agency
from motcua.reporting.index import LEVELS
from motcua.reporting.periods import Period, PeriodError
from motcua.reporting.rankings import publish, publish_due


class Command(BaseCommand):
    help = (
        "Publish (freeze) rankings: without arguments the last closed week, month and quarter "
        "of every configured ranking (what the hourly job does); with --period, that closed "
        "period of --parent and --level. A published ranking is never changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", help="A closed period: 2026-11, 2026-Q4, 2026-W48…")
        parser.add_argument("--parent", help="Electronic ID of the parent unit")
        parser.add_argument("--level", choices=LEVELS, default="commune")

    def handle(self, *args: Any, period: str | None, parent: str | None, level: str,
               **options: Any) -> None:  # fmt: skip
        if period is None:
            self.stdout.write(f"{publish_due()} rankings published.")
            return
        try:
            chosen = Period.parse(period)
        except PeriodError as error:
            raise CommandError(error.message) from error
        if not chosen.is_over():
            raise CommandError(f"{chosen.key} is not over yet: only a closed period is published.")
        unit = Agency.objects.filter(electronic_id=parent or "").first()
        if unit is None:
            raise CommandError("--parent: give the electronic ID of an existing unit.")
        snapshot = publish(unit, level, chosen)
        self.stdout.write(
            f"{level} under {unit.electronic_id}, {chosen.key}: published "
            f"{snapshot.published_at:%d/%m/%Y %H:%M} ({len(snapshot.rows)} units)."
        )
