from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.identity.models import Agency
from motcua.reporting.facts import rebuild


class Command(BaseCommand):
    help = (
        "Judge every dossier again for the Decision 766 index and rewrite its sums (after an "
        "upgrade that added the index, a repair, or data loaded without the services)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--agency", action="append", default=[], help="Electronic ID of one unit (repeatable)"
        )

    def handle(self, *args: Any, agency: list[str], **options: Any) -> None:
        ids = None
        if agency:
            found = dict(
                Agency.objects.filter(electronic_id__in=agency).values_list("electronic_id", "pk")
            )
            missing = sorted(set(agency) - set(found))
            if missing:
                raise CommandError(f"Unknown agency: {', '.join(missing)}")
            ids = list(found.values())
        judged = rebuild(ids)
        self.stdout.write(f"{judged} dossiers judged.")
