"""motcua import_statement FILE: credit VietQR payments from a bank statement (CSV)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.payments.statements import apply, read_csv


class Command(BaseCommand):
    help = (
        "Credit VietQR payments from a bank statement in CSV (columns: transaction, amount, "
        "description); each line once, matched by payment reference and amount."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        try:
            content = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{file}: {error}") from error
        lines, problems = read_csv(content)
        if not lines and problems:
            raise CommandError(f"{file}: {'; '.join(problems)}")
        report = apply(lines)
        for outcome, count in sorted(report.outcomes.items()):
            self.stdout.write(f"{outcome}: {count}")
        for problem in problems:
            self.stderr.write(f"{file}: unreadable {problem}")
