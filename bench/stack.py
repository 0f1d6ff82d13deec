"""The processes a benchmark run starts and always stops: PostgreSQL, Redis, the app in
production mode and its Celery worker and beat.

Redis and the app's processes are started with the project's own helpers
(``tests/production/stack.py``); PostgreSQL is started here because the benchmark keeps its
cluster between runs (the generated data) and tunes it for honest figures (fsync on).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.production import stack as helpers
from tests.production.stack import ARRIVALS_LOG, PG_BIN, Process, free_port

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

__all__ = [
    "ARRIVALS_LOG",
    "BIN",
    "PG_BIN",
    "ROOT",
    "Stack",
    "StackError",
    "free_port",
    "missing_tools",
]


class StackError(RuntimeError):
    pass


NGINX = Path("/usr/sbin/nginx")  # where Debian puts it, outside a non-root user's PATH


def missing_tools() -> list[str]:
    """Debian packages the suite needs that are not installed (every scenario goes through
    nginx, as in production: without it the run would stop at the first scenario)."""
    wanted = {"wrk": "wrk", "redis-server": "redis-server", "pgbench": "postgresql-contrib"}
    missing = [pkg for cmd, pkg in wanted.items() if shutil.which(cmd) is None]
    if shutil.which("nginx") is None and not NGINX.exists():
        missing.append("nginx-light")
    if not helpers.have_postgres():
        missing.append("postgresql")
    return missing


def _as_postgres(command: list[str]) -> list[str]:
    """Run as the ``postgres`` user when we are root (PostgreSQL refuses to run as root)."""
    if os.geteuid() != 0:
        return command
    return ["su", "postgres", "-c", " ".join(command)]


def postgres_can_reach(path: Path) -> bool:
    """Whether PostgreSQL (run as ``postgres`` when we are root) can enter ``path``."""
    if os.geteuid() != 0:
        return True
    return subprocess.run(_as_postgres(["test", "-x", str(path)]), check=False).returncode == 0


class Stack:
    """Started processes, stopped in reverse order by ``close`` (also on Ctrl-C and SIGTERM)."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.stops: list[Callable[[], None]] = []

    def __enter__(self) -> Stack:
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        while self.stops:
            stop = self.stops.pop()
            with contextlib.suppress(Exception):
                stop()

    def keep(self, process: Process) -> Process:
        self.stops.append(process.stop)
        return process

    # --- PostgreSQL ------------------------------------------------------------------------

    def postgres(self, datadir: Path, settings: dict[str, str]) -> int:
        """Start PostgreSQL on ``datadir`` (initdb first if empty); returns its port."""
        fresh = not (datadir / "PG_VERSION").exists()
        if fresh:
            datadir.mkdir(parents=True, exist_ok=True)
            if os.geteuid() == 0:
                shutil.chown(datadir, "postgres")
            initdb = [str(PG_BIN / "initdb"), "-D", str(datadir), "-A", "trust", "-U", "postgres",
                      "-E", "UTF8", "--locale=C.UTF-8"]  # fmt: skip
            subprocess.run(_as_postgres(initdb), check=True, stdout=subprocess.DEVNULL)
        port = free_port()
        options = " ".join(
            f"-c {k}={v}"
            for k, v in {
                "listen_addresses": "127.0.0.1",
                "unix_socket_directories": "/tmp",
                **settings,
            }.items()
        )
        start = [str(PG_BIN / "pg_ctl"), "-D", str(datadir), "-w", "-t", "120", "-l",
                 str(datadir / "server.log"), "-o", f"'-p {port} {options}'", "start"]  # fmt: skip
        subprocess.run(_as_postgres(start), check=True, stdout=subprocess.DEVNULL)
        stop = [str(PG_BIN / "pg_ctl"), "-D", str(datadir), "-m", "fast", "-w", "stop"]
        self.stops.append(
            lambda: subprocess.run(_as_postgres(stop), check=False, capture_output=True)
        )
        if fresh:
            createdb = [str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port), "motcua"]
            subprocess.run(_as_postgres(createdb), check=True)
        return port

    def replica(self, primary_port: int, settings: dict[str, str]) -> int:
        """A streaming replica of the cluster on ``primary_port`` (``pg_basebackup -R``, in a
        directory of its own, removed at the end), with the same settings; returns its port."""
        options = " ".join(f"-c {k}={v}" for k, v in settings.items())
        replica = helpers.start_replica(primary_port, options=options)
        self.stops.append(replica.destroy)
        return replica.port

    # --- Redis and the app ------------------------------------------------------------------

    def redis(self) -> int:
        return self.keep(helpers.start_redis(self.workdir)).port

    def serve(self, name: str, env: dict[str, str], workers: int, threads: int) -> str:
        """``motcua serve`` in production mode; returns its base URL."""
        shape = ("--workers", str(workers), "--threads", str(threads))
        return self.keep(helpers.start_serve(self.workdir, env=env, name=name, extra=shape)).url

    def nginx(self, name: str, nodes: list[str], in_flight: int) -> str:
        """deploy/nginx.conf in front of ``nodes`` (base URLs), as in production; its URL."""
        ports = [int(url.rsplit(":", 1)[1]) for url in nodes]
        proxy = helpers.start_nginx(self.workdir / name, nodes=ports, in_flight=in_flight)
        return self.keep(proxy).url

    def jobs(self, name: str, env: dict[str, str]) -> None:
        """The Celery worker and beat: outbox delivery and periodic jobs off the request path."""
        self.keep(helpers.start_worker(self.workdir, env=env, name=f"{name}-worker"))
        self.keep(helpers.start_beat(self.workdir, env=env, name=f"{name}-beat"))
