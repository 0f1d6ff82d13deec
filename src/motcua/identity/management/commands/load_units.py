from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.identity.services import load_administrative_units


class Command(BaseCommand):
    help = "Load Vietnam's provinces and communes (post-2025 structure) from vietnam-provinces."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--province", help="Only this province code, e.g. 01 for Hà Nội")

    def handle(self, *args: Any, province: str | None, **options: Any) -> None:
        counts = load_administrative_units(only_province=province)
        self.stdout.write(f"{counts.provinces} provinces, {counts.communes} communes loaded.")
