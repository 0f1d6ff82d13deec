"""motcua import_statement FILE --bank BIN --account NUMBER: credit VietQR payments from a
bank statement (CSV) of that account; only payments of the agency collecting into it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.payments.statements import ACCOUNT, BIN, apply, read_csv


class Command(BaseCommand):
    help = (
        "Credit VietQR payments from a bank statement in CSV (columns: transaction, amount, "
        "description) of the account --account at the bank --bank (BIN); each line once, "
        "matched by payment reference and amount, for payments of the agency that owns the account."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--bank", required=True, help="the BIN of the account's bank")
        parser.add_argument("--account", required=True, help="the account's number")

    def handle(self, *args: Any, file: Path, bank: str, account: str, **options: Any) -> None:
        if not BIN.fullmatch(bank) or not ACCOUNT.fullmatch(account):
            raise CommandError("--bank is a 6-digit BIN, --account up to 19 letters or digits")
        try:
            content = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{file}: {error}") from error
        lines, problems = read_csv(content, bank=bank, account=account)
        if not lines and problems:
            raise CommandError(f"{file}: {'; '.join(problems)}")
        report = apply(lines)
        for outcome, count in sorted(report.outcomes.items()):
            self.stdout.write(f"{outcome}: {count}")
        for problem in problems:
            self.stderr.write(f"{file}: unreadable {problem}")
