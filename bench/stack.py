"""The processes a benchmark run starts and always stops: PostgreSQL, Redis, the app in
production mode and its Celery worker. Ports are free ones picked by binding to port 0."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


class StackError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pg_bin() -> Path:
    root = Path("/usr/lib/postgresql")
    versions = sorted(
        (p for p in root.glob("*/bin") if (p / "initdb").exists()), key=lambda p: int(p.parent.name)
    )
    if not versions:
        raise StackError("PostgreSQL server binaries not found: apt-get install postgresql")
    return versions[-1]


def missing_tools() -> list[str]:
    """Debian packages the suite needs that are not installed."""
    wanted = {"wrk": "wrk", "redis-server": "redis-server", "pgbench": "postgresql-contrib"}
    missing = [pkg for cmd, pkg in wanted.items() if shutil.which(cmd) is None]
    try:
        pg_bin()
    except StackError:
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


def _chown_postgres(path: Path) -> None:
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        for p in [path, *path.rglob("*")]:
            os.chown(p, user.pw_uid, user.pw_gid)


def wait_for(check: object, what: str, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():  # type: ignore[operator]
                return
        except (OSError, ValueError):
            pass
        time.sleep(0.2)
    raise StackError(f"{what} did not come up in {seconds:.0f} s")


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


class Stack:
    """Started processes, stopped in reverse order by ``close`` (also on Ctrl-C)."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.stops: list[tuple[str, object]] = []

    def __enter__(self) -> Stack:
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        while self.stops:
            _name, stop = self.stops.pop()
            with contextlib.suppress(Exception):
                stop()  # type: ignore[operator]

    # --- PostgreSQL ------------------------------------------------------------------------

    def postgres(self, datadir: Path, settings: dict[str, str]) -> int:
        """Start PostgreSQL on ``datadir`` (initdb first if empty); returns its port."""
        bindir = pg_bin()
        fresh = not (datadir / "PG_VERSION").exists()
        if fresh:
            datadir.mkdir(parents=True, exist_ok=True)
            _chown_postgres(datadir)
            subprocess.run(
                _as_postgres(
                    [
                        str(bindir / "initdb"),
                        "-D",
                        str(datadir),
                        "-A",
                        "trust",
                        "-U",
                        "postgres",
                        "-E",
                        "UTF8",
                    ]
                ),
                check=True,
                stdout=subprocess.DEVNULL,
            )
        port = free_port()
        options = " ".join(
            f"-c {k}={v}"
            for k, v in {
                "listen_addresses": "127.0.0.1",
                "unix_socket_directories": "/tmp",
                **settings,
            }.items()
        )
        log = datadir / "server.log"
        subprocess.run(
            _as_postgres(
                [
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(datadir),
                    "-w",
                    "-l",
                    str(log),
                    "-o",
                    f"'-p {port} {options}'",
                    "start",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        self.stops.append(("postgres", lambda: self.stop_postgres(datadir)))
        if fresh:
            subprocess.run(
                _as_postgres(
                    [str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "motcua"]
                ),
                check=True,
            )
        return port

    @staticmethod
    def stop_postgres(datadir: Path) -> None:
        subprocess.run(
            _as_postgres(
                [str(pg_bin() / "pg_ctl"), "-D", str(datadir), "-m", "fast", "-w", "stop"]
            ),
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    # --- other processes --------------------------------------------------------------------

    def process(
        self,
        name: str,
        command: list[str],
        env: dict[str, str] | None = None,
        port: int | None = None,
        health: str | None = None,
    ) -> subprocess.Popen[bytes]:
        log = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115 (closed on stop)
        proc = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

        def stop() -> None:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
            log.close()

        self.stops.append((name, stop))
        if port is not None:

            def up() -> bool:
                if proc.poll() is not None:
                    raise StackError(f"{name} exited; see {self.workdir / (name + '.log')}")
                if health is None:
                    return port_open(port)
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{health}", timeout=2) as r:
                    return bool(r.status == 200)

            wait_for(up, name, 90)
        return proc

    def redis(self) -> int:
        port = free_port()
        self.process(
            "redis",
            [
                "redis-server",
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            port=port,
        )
        return port


def has_command(name: str, env: dict[str, str]) -> bool:
    """Whether this version of the project has the management command ``name``."""
    probe = subprocess.run(
        [str(BIN / "motcua"), "help", name], env=env, cwd=ROOT, capture_output=True
    )
    return probe.returncode == 0


def serve_command(port: int, workers: int, threads: int, env: dict[str, str]) -> list[str]:
    """``motcua serve`` when the project has it; granian with the same shape otherwise."""
    if has_command("serve", env):
        return [
            str(BIN / "motcua"),
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
        ]
    return [
        str(BIN / "granian"),
        "--interface",
        "wsgi",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--blocking-threads",
        str(threads),
        "motcua.wsgi:application",
    ]
