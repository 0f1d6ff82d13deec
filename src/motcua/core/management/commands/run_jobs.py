from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.core.jobs import close_connections, registered_jobs, run_due_jobs


class Command(BaseCommand):
    help = "Run the periodic jobs (outbox delivery …): once, e.g. from cron, or in a loop."

    def add_arguments(self, parser: CommandParser) -> None:
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--once", action="store_true", help="Run the due jobs once, e.g. from cron (default)"
        )
        mode.add_argument("--loop", action="store_true", help="Run the due jobs until stopped")
        parser.add_argument("--interval", type=float, default=30, help="Seconds between rounds")

    def handle(self, *args: Any, once: bool, loop: bool, interval: float, **options: Any) -> None:
        if not loop:
            ran = run_due_jobs()
            self.stdout.write(f"Ran {len(ran)} jobs: {', '.join(ran) or '—'}.")
            return
        names = ", ".join(job.name for job in registered_jobs())
        self.stdout.write(f"Running {names} every {interval:g} s; Ctrl-C stops.")
        try:
            while True:
                run_due_jobs()
                close_connections()
                time.sleep(interval)
        except KeyboardInterrupt:
            return
