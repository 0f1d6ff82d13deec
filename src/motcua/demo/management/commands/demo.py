from __future__ import annotations

from itertools import groupby
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core.deployment import start_refusal
from motcua.core.jobs import start_in_process_scheduler
from motcua.demo.data_catalogue import seed_demo_data_catalogue
from motcua.demo.dossiers import DEFAULT_COUNT, SeedReport, seed_demo_dossiers
from motcua.demo.feedback import DEMO_OPEN311_KEY, seed_demo_feedback
from motcua.demo.history import MONTHS, HistoryReport, history_dossiers, seed_history
from motcua.demo.plans import seed_demo_plans
from motcua.demo.services import (
    DEMO_PASSWORD,
    DemoAccount,
    create_demo_accounts,
    load_demo_agencies,
    load_demo_catalogue,
)
from motcua.dossiers.models import Dossier
from motcua.dossiers.workflow import Status
from motcua.opendata.publish import publish_all
from motcua.reporting.rankings import publish_due
from motcua.surveys.demo import seed_evaluations


class Command(BaseCommand):
    help = (
        "Set up the Hà Nội demo (units, calendar, agencies, catalogue, accounts, dossiers) "
        "and serve it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="Load the data and stop")
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        parser.add_argument(
            "--dossiers",
            type=int,
            default=DEFAULT_COUNT,
            help="How many dossiers to create besides the demo citizens' own (first run only)",
        )
        parser.add_argument(
            "--no-history",
            action="store_true",
            help="Without the six months of finished dossiers of every ward and department "
            "behind the public ranking",
        )

    def handle(
        self,
        *args: Any,
        no_serve: bool,
        addrport: str,
        dossiers: int,
        no_history: bool = False,
        **options: Any,
    ) -> None:
        if settings.IS_PRODUCTION:
            raise CommandError("The demo never runs with MOTCUA_ENV=production.")
        if dossiers < 0:
            raise CommandError("--dossiers cannot be negative.")
        # runserver would refuse a public address too, but only after the data is loaded.
        host = addrport.rpartition(":")[0] if ":" in addrport else "127.0.0.1"
        if not no_serve and (refusal := start_refusal(host, settings)):
            raise CommandError(refusal)
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_units", stdout=self.stdout)
        call_command("seed_holidays", stdout=self.stdout)
        self.stdout.write(f"{load_demo_agencies()} agencies with their one-stop desks.")
        report = load_demo_catalogue()
        self.stdout.write(
            f"Catalogue: {len(report.created)} created, {len(report.replaced)} replaced, "
            f"{len(report.unchanged)} unchanged."
        )
        accounts = create_demo_accounts()
        # Development keys for every agency, a CA and a timestamp authority under var/signing:
        # the demo's results and slips are signed like real ones (docs/documents.md).
        call_command("init_signing", stdout=self.stdout)
        self._print_dossiers(seed_demo_dossiers(count=dossiers))
        if not no_history:
            # After the demo's own dossiers: their seeding adds nothing once any dossier exists.
            self._print_history(seed_history())
        added = seed_demo_feedback()
        self.stdout.write(
            f"Feedback: {added} items added (portal, hotline, Open311); Open311 api_key "
            f"for the demo app: {DEMO_OPEN311_KEY}"
        )
        # After the feedback: a dissatisfied evaluation opens a feedback item of its own.
        # The history's thousands of dossiers are left unrated (services, one by one: minutes).
        rated = seed_evaluations(among=Dossier.objects.exclude(pk__in=history_dossiers()))
        self.stdout.write(f"Evaluations: {rated.rated} dossiers rated ({rated.changed} changed).")
        self.stdout.write(f"Plans: {seed_demo_plans()} added (targets and tasks of Hoàn Kiếm).")
        self.stdout.write(
            f"Data catalogue: {seed_demo_data_catalogue()} databases added (version 1, approved "
            "six months ago; one proposal waiting for review)."
        )
        # Last: the open data are the figures of everything seeded above, the rankings of the
        # last closed week, month and quarter frozen first (what the hourly job would do a
        # moment later) so that the rankings dataset has them; the jobs keep both fresh.
        self.stdout.write(f"Rankings: {publish_due()} published.")
        published = publish_all()
        rows = ", ".join(f"{o.slug} {o.rows}" for o in published)
        self.stdout.write(
            f"Open data: {len(published)} datasets under /du-lieu-mo/ (rows: {rows})."
        )
        self._print_accounts(accounts, addrport)
        if not no_serve:
            # Outbox delivery and the other periodic jobs run in this process. runserver runs
            # without its autoreloader, which would otherwise start a second scheduler in its
            # child process.
            start_in_process_scheduler()
            call_command("runserver", addrport, use_reloader=False)

    def _print_dossiers(self, report: SeedReport) -> None:
        if report.skipped:
            self.stdout.write("Dossiers: already there, none added.")
            return
        statuses = ", ".join(
            f"{code} {Status(code).label}: {n}" for code, n in sorted(report.by_status.items())
        )
        messages = ", ".join(f"{n} {state}" for state, n in sorted(report.outbox.items()))
        self.stdout.write(
            f"Dossiers: {report.created} created in {report.seconds:.0f} s ({statuses}).\n"
            f"Outbox: {messages} (demo notifications to made-up addresses)."
        )

    def _print_history(self, report: HistoryReport) -> None:
        if report.skipped:
            self.stdout.write("History: already there, none added.")
            return
        self.stdout.write(
            f"History: {report.dossiers} finished dossiers over the last {MONTHS} months for "
            f"{report.agencies} wards and departments ({report.events} events, "
            f"{report.payments} payments), index and summary rebuilt, in {report.seconds:.0f} s."
        )

    def _print_accounts(self, accounts: list[DemoAccount], host: str = "127.0.0.1:8000") -> None:
        write = self.stdout.write
        write(f"\nDemo accounts (password for all: {DEMO_PASSWORD})")
        for unit, members in groupby(accounts, key=lambda a: a.unit):
            write(f"\n  {unit}")
            for account in members:
                write(f"    {account.username:<26} {account.description}")
                if account.totp_key:
                    write(f"    {'':<26} TOTP secret {account.totp_key}")
        write("\n  Current TOTP code of an officer: motcua totp_code USERNAME")
        relaxed = "" if settings.OFFICER_2FA_REQUIRED else " (second factor relaxed for this demo)"
        write("\nWhat to try")
        write(f"  Submit a 3-in-1 birth registration:  http://{host}/thu-tuc/2.000986/nop/")
        write(f"  Your dossiers (sign in as congdan):  http://{host}/ho-so/")
        write(f"  Look a dossier up by code and phone: http://{host}/tra-cuu/")
        write(f"  Officers' inbox:                     http://{host}/can-bo/ho-so/{relaxed}")
        write(f"  Plans, targets and tasks:            http://{host}/can-bo/ke-hoach/")
        write(f"  The city's data catalogue:           http://{host}/danh-muc-csdl/")
        write(f"  Review it (chuyenvien.sokhcn):       http://{host}/can-bo/danh-muc-csdl/")
        write(f"  Open data (CSV, JSON, XLSX):         http://{host}/du-lieu-mo/")
        write(f"  Admin:                               http://{host}/admin/")
        write(f"  API docs:                            http://{host}/api/v1/docs\n")
