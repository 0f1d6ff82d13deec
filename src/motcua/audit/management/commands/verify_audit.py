"""`motcua verify_audit`: walk the audit chain and its signed heads; exit 1 when anything was
changed, inserted or deleted, or a signature fails (docs/audit.md)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand

from motcua.audit.verify import verify


class Command(BaseCommand):
    help = "Check the audit log's hash chain and signed heads; exit 1 when it was tampered with."

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify()
        for problem in report.problems:
            self.stderr.write(str(problem))
        if report.intact:
            self.stdout.write(
                f"Audit log intact: {report.entries} entries, "
                f"{report.signed_heads} signed heads checked."
            )
            return
        self.stderr.write(f"Audit log NOT intact: {len(report.problems)} problems found.")
        sys.exit(1)
