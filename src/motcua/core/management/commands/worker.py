"""``motcua worker``: the Celery worker (outbox, periodic jobs); the job loop without Redis."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Run a Celery worker for the outbox and the periodic jobs (needs MOTCUA_REDIS_URL; "
        "without it, run the periodic jobs in this process like `motcua run_jobs --loop`)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--concurrency", type=int, help="Worker processes (default: CPUs)")
        parser.add_argument("--queues", help="Comma-separated queues to consume (default: all)")
        parser.add_argument("--loglevel", default="INFO")
        parser.add_argument(
            "celery_args", nargs="*", help="More options for `celery worker`, after --"
        )

    def handle(
        self,
        *args: Any,
        concurrency: int | None,
        queues: str | None,
        loglevel: str,
        celery_args: list[str],
        **options: Any,
    ) -> None:
        if not settings.CELERY_ENABLED:
            self.stdout.write("MOTCUA_REDIS_URL is not set: running the periodic jobs here.")
            call_command("run_jobs", loop=True, interval=10, stdout=self.stdout)
            return
        from motcua.celery import app

        argv = ["worker", f"--loglevel={loglevel}", *celery_args]
        if concurrency:
            argv.append(f"--concurrency={concurrency}")
        if queues:
            argv.append(f"--queues={queues}")
        self.stdout.write(f"Starting the Celery worker: celery {' '.join(argv)}")
        self.stdout.flush()
        app.worker_main(argv)
