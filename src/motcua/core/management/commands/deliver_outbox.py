from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.core.jobs import close_connections
from motcua.core.models import OutboxMessage
from motcua.core.outbox import OutboxError, deliver_due, release_held


class Command(BaseCommand):
    help = "Send the outbox messages that are due (email, SMS, national portal); failures retry."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--release-held",
            action="store_true",
            help="First move held messages of channels that are now configured back to pending",
        )
        parser.add_argument("--loop", action="store_true", help="Keep delivering until stopped")
        parser.add_argument("--interval", type=float, default=30, help="Seconds between rounds")
        parser.add_argument("--limit", type=int, default=100, help="Messages per round at most")

    def handle(
        self,
        *args: Any,
        release_held: bool,
        loop: bool,
        interval: float,
        limit: int,
        **options: Any,
    ) -> None:
        if release_held:
            self._release_held()
        try:
            while True:
                report = deliver_due(limit=limit)
                busy = report.sent + report.failed + report.held
                if busy or not loop:
                    self.stdout.write(
                        f"{report.sent} sent, {report.failed} failed (will retry), "
                        f"{report.held} held."
                    )
                if not loop:
                    return
                close_connections()
                if busy < limit:
                    time.sleep(interval)
        except KeyboardInterrupt:
            return

    def _release_held(self) -> None:
        held = OutboxMessage.objects.filter(status=OutboxMessage.Status.HELD)
        for channel in sorted(set(held.values_list("channel", flat=True))):
            try:
                count = release_held(channel)
            except OutboxError as error:
                self.stderr.write(f"{channel}: {error}")
            else:
                self.stdout.write(f"{channel}: {count} held messages released.")
