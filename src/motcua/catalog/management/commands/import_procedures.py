from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.catalog.loader import CatalogueFileError, load_file
from motcua.catalog.services import import_catalogue


class Command(BaseCommand):
    help = "Load a catalogue of procedures from a YAML or JSON file (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        try:
            report = import_catalogue(load_file(file))
        except CatalogueFileError as error:
            for problem in error.problems:
                self.stderr.write(f"{file}: {problem}")
            raise CommandError(
                f"{file}: {len(error.problems)} problem(s); nothing was imported."
            ) from error
        self.stdout.write(
            f"{file}: {len(report.created)} created, {len(report.replaced)} replaced, "
            f"{len(report.unchanged)} unchanged, {report.fields} fields."
        )
