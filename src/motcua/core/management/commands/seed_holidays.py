from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from motcua.core.services import seed_holidays


class Command(BaseCommand):
    help = "Add Vietnam's days off and make-up working Saturdays (holidays.VN) to the calendar."

    def add_arguments(self, parser: CommandParser) -> None:
        this_year = timezone.localdate().year
        parser.add_argument("--from-year", type=int, default=this_year - 1)
        parser.add_argument("--to-year", type=int, default=this_year + 2)

    def handle(self, *args: Any, from_year: int, to_year: int, **options: Any) -> None:
        added = seed_holidays(years=range(from_year, to_year + 1))
        self.stdout.write(f"{added} calendar days added for {from_year}–{to_year}.")
