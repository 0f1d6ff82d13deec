"""Recording a management command run from the ``motcua`` entry point.

Nothing is recorded where there is no log yet (``migrate`` on a new database, a command run
before the database exists): the start is tried once the command ends, when ``migrate`` made
the tables."""

from __future__ import annotations

import logging

from .context import CommandRun

logger = logging.getLogger(__name__)


def _record(action: str, command: CommandRun, status: int = 0) -> bool:
    import django
    from django.core.exceptions import ImproperlyConfigured
    from django.db import DatabaseError

    try:
        django.setup()
        from . import recording

        if action == "started":
            recording.command_started(command)
        else:
            recording.command_finished(command, status=status)
    except (DatabaseError, ImproperlyConfigured) as error:
        logger.debug("Audit log not available for command %s: %s", command.name, error)
        return False
    return True


def started(command: CommandRun) -> None:
    command.started = _record("started", command)


def finished(command: CommandRun, *, status: int) -> None:
    if not command.started and not _record("started", command):
        return
    _record("finished", command, status)
