"""The ``motcua`` console script: Django's management commands under one name.

Each command run is recorded in the audit log (docs/audit.md): its name and arguments when it
starts, its exit status (and, for bulk loaders, its rows per model) when it ends, and in
between the rows it changes, with ``command:<name>`` as the actor.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    from django.core.management import execute_from_command_line

    from motcua.audit.context import command_from_argv, current_command

    command = command_from_argv(sys.argv[1:])
    if command is None:
        execute_from_command_line(["motcua", *sys.argv[1:]])
        return
    current_command.set(command)
    from motcua.audit.commands import finished, started

    status = 1
    started(command)
    try:
        execute_from_command_line(["motcua", *sys.argv[1:]])
        status = 0
    except SystemExit as exit:
        status = exit.code if isinstance(exit.code, int) else (0 if exit.code is None else 1)
        raise
    finally:
        finished(command, status=status)


if __name__ == "__main__":
    main()
