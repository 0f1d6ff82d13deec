"""``motcua beat``: Celery beat, sending each registered periodic job at its interval."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Run Celery beat: one task per periodic job at the job's interval. Run exactly one."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loglevel", default="INFO")
        parser.add_argument(
            "--schedule",
            default=settings.CELERY_BEAT_SCHEDULE_FILENAME,
            help="File where beat remembers last runs",
        )

    def handle(self, *args: Any, loglevel: str, schedule: str, **options: Any) -> None:
        if not settings.CELERY_ENABLED:
            raise CommandError(
                "motcua beat needs MOTCUA_REDIS_URL. Without Redis, `motcua worker` (or "
                "`motcua run_jobs --loop`) runs the periodic jobs itself."
            )
        from motcua.celery import app, beat_schedule

        app.conf.beat_schedule = beat_schedule()
        for name, entry in app.conf.beat_schedule.items():
            self.stdout.write(f"Beat sends {name} every {entry['schedule']}.")
        self.stdout.flush()
        app.start(["beat", f"--loglevel={loglevel}", f"--schedule={schedule}"])
