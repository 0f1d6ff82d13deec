from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from django.core.management.base import BaseCommand, CommandParser

from motcua.catalog.services import export_catalogue


class Command(BaseCommand):
    help = "Write the whole catalogue (every version) in the import format, YAML or JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, nargs="?", help="Output file; stdout if absent")
        parser.add_argument("--format", choices=["yaml", "json"], default=None)

    def handle(self, *args: Any, file: Path | None, format: str | None, **options: Any) -> None:
        data = export_catalogue()
        as_json = format == "json" or (format is None and file and file.suffix == ".json")
        if as_json:
            text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        else:
            text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
        if file is None:
            self.stdout.write(text, ending="")
            return
        file.write_text(text, encoding="utf-8")
        self.stderr.write(f"{file}: {len(data['procedures'])} procedure versions written.")
