"""Who is acting now: the request being served, or the management command being run.

Set by the audit middleware for each request and by the ``motcua`` entry point for each
command, read by the receivers that record changes. Plain ``contextvars``: nothing here
touches the database, so the entry point may import it before Django is set up.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

# Long-running services: their start is recorded, the rows their jobs touch are not (they
# are the system at work, not a person's change).
SERVICE_COMMANDS = frozenset(
    {"serve", "runserver", "worker", "beat", "run_jobs", "deliver_outbox", "shell", "dbshell"}
)
# Bulk loaders: one summary of rows per model instead of one entry per row, so that seeding
# the demo's thousands of rows stays as fast as without the log.
SUMMARY_COMMANDS = frozenset(
    {
        "demo",
        "migrate",
        "loaddata",
        "load_units",
        "seed_holidays",
        "import_procedures",
        "rebuild_summary",
        "init_signing",
        "import_statement",
    }
)
SECRET_WORDS = ("password", "secret", "token", "key", "pin", "passphrase", "otp")


@dataclass
class CommandRun:
    name: str
    arguments: list[str]
    # (app_label.model, action) -> rows, for the summary commands
    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    started: bool = False  # its start is in the log

    @property
    def actor(self) -> str:
        return f"command:{self.name}"

    @property
    def records_rows(self) -> bool:
        return self.name not in SERVICE_COMMANDS

    @property
    def summarises(self) -> bool:
        return self.name in SUMMARY_COMMANDS


current_request: ContextVar[Any] = ContextVar("audit_request", default=None)
current_command: ContextVar[CommandRun | None] = ContextVar("audit_command", default=None)


def masked_arguments(arguments: list[str]) -> list[str]:
    """Command-line arguments with the value of any secret-looking option hidden."""
    shown: list[str] = []
    hide_next = False
    for argument in arguments:
        name = argument.split("=", 1)[0].lower()
        if hide_next:
            shown.append("***")
            hide_next = False
        elif argument.startswith("-") and any(word in name for word in SECRET_WORDS):
            shown.append(f"{argument.split('=', 1)[0]}=***" if "=" in argument else argument)
            hide_next = "=" not in argument
        else:
            shown.append(argument)
    return shown


def command_from_argv(argv: list[str]) -> CommandRun | None:
    """The command ``motcua <name> args...`` runs; None for help and version requests."""
    if not argv or argv[0].startswith("-") or argv[0] in ("help", "version"):
        return None
    return CommandRun(name=argv[0], arguments=masked_arguments(argv[1:]))


@contextlib.contextmanager
def acting_request(request: Any) -> Iterator[None]:
    token = current_request.set(request)
    try:
        yield
    finally:
        current_request.reset(token)
