from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from motcua.opendata.publish import publish_all


class Command(BaseCommand):
    help = (
        "Publish the open datasets (CSV, JSON, XLSX, datapackage.json) under /du-lieu-mo/: "
        "what the periodic job does. A dataset whose data did not change keeps its files."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for outcome in publish_all():
            state = "published" if outcome.changed else "unchanged"
            self.stdout.write(f"{outcome.slug}: {outcome.rows} rows, {state}.")
