"""``motcua serve``: the production WSGI server (docs/production.md, docs/adr/0009)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core.deployment import BIND_VARIABLE, start_refusal

SERVERS = ("granian", "gunicorn")
DEFAULT_SERVER = "granian"
APPLICATION = "motcua.wsgi:application"


def parse_bind(bind: str) -> tuple[str, int]:
    """``HOST:PORT`` (IPv6 hosts in brackets) into its parts; CommandError when malformed."""
    host, sep, port = bind.rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise CommandError(f"--bind must be HOST:PORT, e.g. 127.0.0.1:8000, not {bind!r}.")
    return host, int(port)


def server_command(server: str, *, host: str, port: int, workers: int, threads: int) -> list[str]:
    """The command line starting ``server`` with ``workers`` processes of ``threads`` threads.

    Both servers bound the requests a process handles at once to its threads: beyond them a
    request waits in the process's queue, never in an extra thread.
    """
    python = sys.executable
    if server == "granian":
        return [
            python, "-m", "granian", "--interface", "wsgi", "--no-ws",
            "--host", host, "--port", str(port),
            "--workers", str(workers), "--blocking-threads", str(threads),
            "--respawn-failed-workers", "--no-access-log",
            APPLICATION,
        ]  # fmt: skip
    if server == "gunicorn":
        address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        return [
            python, "-m", "gunicorn", "--worker-class", "gthread",
            "--workers", str(workers), "--threads", str(threads),
            "--bind", address, "--timeout", "60", "--graceful-timeout", "20",
            APPLICATION,
        ]  # fmt: skip
    raise CommandError(f"--server must be one of {', '.join(SERVERS)}, not {server!r}.")


def default_threads() -> int:
    """A few threads above the requests admitted at once (docs/overload.md): the extra ones
    answer the 503 of admission control in a millisecond."""
    inflight = settings.MAX_INFLIGHT or settings.DB_POOL_MAX or 8
    return inflight + 4


def static_manifest() -> Path:
    return Path(settings.STATIC_ROOT) / "staticfiles.json"


class Command(BaseCommand):
    help = "Serve Một Cửa with a production WSGI server (granian by default, or gunicorn)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000", help="HOST:PORT to listen on")
        parser.add_argument(
            "--workers", type=int, default=os.cpu_count() or 1, help="Processes (default: CPUs)"
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=None,
            help="Threads per process (default: MOTCUA_MAX_INFLIGHT + 4, so that the requests "
            "beyond the admitted ones are answered 503 at once instead of queueing)",
        )
        parser.add_argument("--server", choices=SERVERS, default=DEFAULT_SERVER)

    def handle(
        self,
        *args: Any,
        bind: str,
        workers: int,
        threads: int | None,
        server: str,
        **options: Any,
    ) -> None:
        host, port = parse_bind(bind)
        refusal = start_refusal(host, settings)
        if refusal:
            raise CommandError(refusal)
        threads = threads or default_threads()
        if workers < 1 or threads < 1:
            raise CommandError("--workers and --threads must be at least 1.")
        if settings.IS_PRODUCTION and not static_manifest().is_file():
            raise CommandError(
                f"Static files are not collected in {settings.STATIC_ROOT}: run "
                "`motcua collectstatic --noinput` first (after each upgrade too)."
            )
        command = server_command(server, host=host, port=port, workers=workers, threads=threads)
        database = settings.DATABASES["default"]
        pool = database.get("OPTIONS", {}).get("pool")
        self.stdout.write(
            f"Serving {APPLICATION} with {server} on http://{bind}/: {workers} processes × "
            f"{threads} threads; database {database['ENGINE'].rsplit('.', 1)[-1]}"
            + (f" (pool of {pool['max_size']} per process)" if pool else "")
            + f"; cache {'Redis' if settings.REDIS_URL else 'in-process'}.\n$ {' '.join(command)}"
        )
        self.stdout.flush()
        # The WSGI application checks the address again (motcua.wsgi): gunicorn or granian
        # started by hand must not skip the rule above.
        os.environ[BIND_VARIABLE] = host
        # The server replaces this process, so a supervisor's signals reach it directly.
        os.execv(command[0], command)
