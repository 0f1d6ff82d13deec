"""Start the production pieces as real processes on free ports, for tests and benchmarks.

Each helper starts one server (Redis, PostgreSQL, nginx, ``motcua serve|worker|beat``), waits
until it is ready and returns a handle whose ``stop()`` ends it. Ports are chosen free at start
(bind to port 0) so that parallel runs never collide; everything lives under the caller's
directory. Nothing here depends on pytest.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

# The newest PostgreSQL installed, as CI picks it.
PG_BIN = max(
    Path("/usr/lib/postgresql").glob("*/bin"),
    key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    default=Path("/usr/lib/postgresql/15/bin"),
)
MOTCUA = [sys.executable, "-m", "motcua"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(ready: Callable[[], bool], *, timeout: float = 30, what: str = "it") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.1)
    raise TimeoutError(f"{what} was not ready within {timeout} s")


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def have(binary: str) -> bool:
    return shutil.which(binary) is not None or Path(binary).is_file()


@dataclass
class Process:
    """A started server: its process, its port and the file its output goes to."""

    name: str
    popen: subprocess.Popen[bytes]
    port: int
    log: Path
    stop_signal: int = signal.SIGTERM

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def alive(self) -> bool:
        return self.popen.poll() is None

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def kill(self) -> None:
        """SIGKILL the whole process group, as a crash would."""
        self._signal_group(signal.SIGKILL)
        self.popen.wait(10)

    def stop(self, timeout: float = 15) -> None:
        if not self.alive():
            return
        self._signal_group(self.stop_signal)
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def _signal_group(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signum)


def start(
    name: str,
    command: list[str],
    *,
    port: int,
    workdir: Path,
    env: Mapping[str, str] | None = None,
    ready: Callable[[], bool] | None = None,
    timeout: float = 60,
    stop_signal: int = signal.SIGTERM,
) -> Process:
    """Start ``command`` in its own process group, its output in ``workdir/<name>.log``."""
    workdir.mkdir(parents=True, exist_ok=True)
    log = workdir / f"{name}.log"
    with log.open("ab") as out:
        popen = subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            cwd=workdir,
            start_new_session=True,
        )
    process = Process(name, popen, port, log, stop_signal)
    check = ready or (lambda: port_open(port))

    def ready_or_dead() -> bool:
        if not process.alive():
            raise RuntimeError(f"{name} exited with {popen.returncode}:\n{process.output()}")
        return check()

    try:
        wait_until(ready_or_dead, timeout=timeout, what=name)
    except BaseException:
        process.stop()
        raise
    return process


# Redis -------------------------------------------------------------------------------------


def start_redis(workdir: Path) -> Process:
    port = free_port()
    command = [
        "redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
        "--appendonly", "no", "--dir", str(workdir),
    ]  # fmt: skip
    return start("redis", command, port=port, workdir=workdir)


def redis_url(redis: Process, db: int = 0) -> str:
    return f"redis://127.0.0.1:{redis.port}/{db}"


# PostgreSQL --------------------------------------------------------------------------------


@dataclass
class Postgres:
    """A PostgreSQL cluster of its own, run as the ``postgres`` user like CI does."""

    datadir: Path
    port: int
    log: Path
    running: bool = field(default=False)
    options: str = ""

    def url(self, database: str = "motcua") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _pg_ctl(self, *args: str) -> None:
        command = [str(PG_BIN / "pg_ctl"), "-D", str(self.datadir), *args]
        _as_postgres(command)

    def start(self) -> None:
        options = f"-c port={self.port} -c listen_addresses=127.0.0.1 -c fsync=off "
        options += "-c unix_socket_directories='' -c max_connections=200 " + self.options
        self._pg_ctl("-l", str(self.log), "-o", options, "-w", "-t", "60", "start")
        self.running = True

    def stop(self, mode: str = "fast") -> None:
        if self.running:
            self._pg_ctl("-m", mode, "-w", "stop")
            self.running = False

    def destroy(self) -> None:
        try:
            self.stop("immediate")
        finally:
            shutil.rmtree(self.datadir.parent, ignore_errors=True)

    def create_database(self, name: str = "motcua") -> str:
        _as_postgres([
            str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
            name,
        ])  # fmt: skip
        return self.url(name)


def _as_postgres(command: list[str]) -> None:
    if os.geteuid() == 0:
        command = ["su", "postgres", "-c", " ".join(_quote(part) for part in command)]
    subprocess.run(command, check=True, capture_output=True, timeout=120)


def _quote(part: str) -> str:
    return "'" + part.replace("'", "'\\''") + "'"


def _postgres_home(home: Path | None, prefix: str) -> Path:
    """A directory the ``postgres`` user may enter (pytest's temporary ones are private)."""
    if home is None:
        home = Path(tempfile.mkdtemp(prefix=prefix))
    home.mkdir(parents=True, exist_ok=True)
    home.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(home, "postgres")
    return home


def start_postgres(home: Path | None = None) -> Postgres:
    """initdb a new cluster in ``home`` and start it on a free port.

    By default ``home`` is a new directory of its own: the ``postgres`` user may not enter the
    caller's (pytest's temporary directories are private). ``destroy()`` stops the cluster and
    removes ``home``.
    """
    home = _postgres_home(home, "motcua-pg-")
    datadir = home / "data"
    _as_postgres([
        str(PG_BIN / "initdb"), "-D", str(datadir), "-U", "postgres", "--auth=trust",
        "-E", "UTF8", "--locale=C.UTF-8",
    ])  # fmt: skip
    cluster = Postgres(datadir, free_port(), home / "postgres.log")
    cluster.start()
    return cluster


def have_postgres() -> bool:
    return (PG_BIN / "initdb").is_file()


def start_replica(primary_port: int, home: Path | None = None, *, options: str = "") -> Postgres:
    """A streaming replica of the cluster on ``primary_port``: ``pg_basebackup -R`` (which
    writes the standby's connection settings), started on a free port of its own. ``options``
    are more ``-c name=value`` for the replica's server."""
    home = _postgres_home(home, "motcua-replica-")
    datadir = home / "data"
    _as_postgres([
        str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary_port),
        "-U", "postgres", "-D", str(datadir), "-R", "-X", "stream", "-c", "fast",
    ])  # fmt: skip
    replica = Postgres(datadir, free_port(), home / "postgres.log", options=options)
    replica.start()
    return replica


# Một Cửa ----------------------------------------------------------------------------------


def motcua(*args: str, env: Mapping[str, str], timeout: float = 300) -> str:
    """Run one ``motcua`` command to its end; returns its output, raises when it fails."""
    done = subprocess.run(
        [*MOTCUA, *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode:
        raise RuntimeError(f"motcua {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def start_serve(
    workdir: Path, *, env: Mapping[str, str], name: str = "web", extra: tuple[str, ...] = ()
) -> Process:
    """``motcua serve`` on a free port, ready once its /healthz answers 200."""
    port = free_port()
    command = [*MOTCUA, "serve", "--bind", f"127.0.0.1:{port}", *extra]
    return start(
        name,
        command,
        port=port,
        workdir=workdir,
        env=env,
        ready=lambda: healthy(f"http://127.0.0.1:{port}"),
        stop_signal=signal.SIGINT,
    )


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=5) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def start_worker(workdir: Path, *, env: Mapping[str, str], name: str = "worker") -> Process:
    command = [*MOTCUA, "worker", "--concurrency", "1"]
    log = workdir / f"{name}.log"
    return start(
        name, command, port=0, workdir=workdir, env=env, ready=lambda: "ready." in _text(log)
    )


def start_beat(workdir: Path, *, env: Mapping[str, str], name: str = "beat") -> Process:
    command = [*MOTCUA, "beat", "--schedule", str(workdir / "celerybeat-schedule")]
    log = workdir / f"{name}.log"
    return start(
        name,
        command,
        port=0,
        workdir=workdir,
        env=env,
        ready=lambda: "beat: Starting" in _text(log),
    )


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


# nginx -------------------------------------------------------------------------------------

NGINX_SITE = Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf"


NGINX_CAP = "    limit_conn motcua_nodes 40;"
NGINX_TLS = "    listen 443 ssl http2;"
NGINX_CERTIFICATES = {
    "/etc/ssl/motcua/fullchain.pem": "certificate.pem",
    "/etc/ssl/motcua/privkey.pem": "key.pem",
}
NGINX_ACME = "/var/www/acme"
# Logs the site names itself: written in the run's directory.
NGINX_LOGS = ("motcua-arrivals.log", "access.log")
ARRIVALS_LOG = "motcua-arrivals.log"


def self_signed_certificate(workdir: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost (the CA of the clients too)."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    names = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = workdir / "certificate.pem", workdir / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def nginx_config(
    workdir: Path,
    *,
    port: int,
    nodes: list[int],
    in_flight: int = 48,
    tls: bool = False,
    http_port: int | None = None,
) -> str:
    """deploy/nginx.conf with this run's ports and cap on requests in flight to the nodes
    (nodes × processes × threads), inside a minimal main configuration.

    With ``tls``, the HTTPS server listens on ``port`` with a test certificate made in
    ``workdir`` and the plain-HTTP server (redirects, ACME, health) on ``http_port``. Without
    it, the HTTPS server's block is served over plain HTTP on ``port``: the tests of admission
    and balancing need no TLS, and the certificate is the same template's business."""
    site = NGINX_SITE.read_text(encoding="utf-8")
    for needed in (NGINX_CAP, NGINX_TLS, "    listen 80;", *NGINX_CERTIFICATES, NGINX_ACME):
        if needed not in site:
            raise ValueError(f"{NGINX_SITE} no longer has {needed.strip()!r}")
    site = site.replace(NGINX_CAP, f"    limit_conn motcua_nodes {in_flight};")
    upstream = "".join(
        f"    server 127.0.0.1:{node} max_fails=3 fail_timeout=10s;\n" for node in nodes
    )
    start = site.index("    server 127.0.0.1:8001")
    end = site.index("    keepalive", start)
    site = site[:start] + upstream + site[end:]
    workdir.mkdir(parents=True, exist_ok=True)
    self_signed_certificate(workdir)
    for path, name in NGINX_CERTIFICATES.items():
        site = site.replace(path, str(workdir / name))
    site = site.replace(NGINX_ACME, str(workdir / "acme"))
    for log in NGINX_LOGS:  # the arrivals log (MOTCUA_WAITROOM_ARRIVALS_LOG) and the main one
        site = site.replace(f"/var/log/nginx/{log}", str(workdir / log))
    listen = f"    listen 127.0.0.1:{port} ssl http2;" if tls else f"    listen 127.0.0.1:{port};"
    site = site.replace(NGINX_TLS, listen)
    site = site.replace("listen 80;", f"listen 127.0.0.1:{http_port or free_port()};")
    temp = workdir / "nginx-temp"
    temp.mkdir(parents=True, exist_ok=True)
    return f"""
daemon off;
worker_processes 1;
pid {workdir / "nginx.pid"};
error_log {workdir / "nginx-error.log"} warn;
worker_rlimit_nofile 65536;
events {{ worker_connections 30000; }}
http {{
    access_log {workdir / "access.log"};
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
{site}
}}
"""


def start_nginx(
    workdir: Path,
    *,
    nodes: list[int],
    in_flight: int = 48,
    tls: bool = False,
    http_port: int | None = None,
) -> Process:
    """nginx on a free port in front of the web nodes listening on ``nodes``, letting at most
    ``in_flight`` requests through to them at once (over HTTPS with ``tls``; see
    nginx_config)."""
    port = free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    config = workdir / "nginx.conf"
    text = nginx_config(
        workdir, port=port, nodes=nodes, in_flight=in_flight, tls=tls, http_port=http_port
    )
    config.write_text(text, encoding="utf-8")
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    command = [binary, "-c", str(config), "-e", str(workdir / "nginx-error.log")]
    return start("nginx", command, port=port, workdir=workdir, stop_signal=signal.SIGQUIT)
