"""Fail closed: a server reachable from other machines never runs a development configuration.

Every way a server starts is tried: `motcua runserver` (and `motcua demo`, which calls it),
`motcua serve`, and gunicorn or granian loading motcua.wsgi directly.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles.management.commands.runserver import Command as StaticRunserver
from django.core.management import call_command
from django.core.management.base import CommandError

import motcua
from motcua.core.deployment import BIND_VARIABLE, is_loopback, start_refusal
from tests.production.stack import free_port

SRC = Path(motcua.__file__).resolve().parents[1]


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.1.1", "::1", "[::1]", "localhost"])
def test_loopback_addresses_are_recognised(host):
    assert is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "0", "::", "10.0.0.5", "dvc.example.vn", ""])
def test_anything_else_counts_as_reachable_from_elsewhere(host):
    assert not is_loopback(host)


def test_development_may_listen_on_loopback_only():
    assert start_refusal("127.0.0.1", settings) is None
    refusal = start_refusal("0.0.0.0", settings)
    assert refusal is not None
    assert "MOTCUA_ENV is not 'production'" in refusal
    assert "sandbox-secret" in refusal and "MOTCUA_SECRET_KEY is not set" in refusal
    assert "--bind 127.0.0.1:8000" in refusal
    assert start_refusal(None, settings) is not None  # an address nobody vouched for


def test_a_production_configuration_may_listen_anywhere(settings):
    settings.IS_PRODUCTION = True
    settings.SECRET_KEY = "x" * 50
    assert start_refusal("0.0.0.0", settings) is None
    settings.DEBUG = True
    assert "MOTCUA_DEBUG is on" in (start_refusal("0.0.0.0", settings) or "")


def test_runserver_refuses_a_public_address_in_development(monkeypatch):
    started = []
    monkeypatch.setattr(StaticRunserver, "run", lambda self, **options: started.append(self.addr))
    for address in ("0.0.0.0:8123", "0:8123", "[::]:8123", "10.1.2.3:8123"):
        with pytest.raises(CommandError, match="Refusing to serve"):
            call_command("runserver", address, use_reloader=False)
    assert started == []
    call_command("runserver", "127.0.0.1:8123", use_reloader=False)
    assert started == ["127.0.0.1"]  # static files still served (staticfiles' command)


def test_the_demo_refuses_a_public_address_before_loading_anything():
    # No database access here: the refusal must come before the first query.
    with pytest.raises(CommandError, match=r"Refusing to serve on 0\.0\.0\.0"):
        call_command("demo", addrport="0.0.0.0:8000")


def test_serve_refuses_a_public_address_and_tells_the_application_where_it_listens(
    monkeypatch,
):
    started = []
    monkeypatch.setattr(os, "execv", lambda path, args: started.append(args))
    monkeypatch.setenv(BIND_VARIABLE, "")  # restored (removed) after the test
    with pytest.raises(CommandError, match=r"Refusing to serve on 0\.0\.0\.0"):
        call_command("serve", "--bind", "0.0.0.0:8000")
    assert started == []
    call_command("serve", "--bind", "127.0.0.1:8000")
    assert len(started) == 1 and os.environ[BIND_VARIABLE] == "127.0.0.1"


def wsgi(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MOTCUA_", "DJANGO_"))}
    return subprocess.run(
        [sys.executable, "-c", "import motcua.wsgi"],
        env={**clean, "PYTHONPATH": str(SRC), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_wsgi_application_refuses_a_development_configuration_not_vouched_for(tmp_path):
    refused = wsgi({"MOTCUA_DATA_DIR": str(tmp_path)})
    assert refused.returncode != 0
    assert "Refusing to serve on an address it was not told" in refused.stderr
    allowed = wsgi({"MOTCUA_DATA_DIR": str(tmp_path), BIND_VARIABLE: "127.0.0.1"})
    assert allowed.returncode == 0, allowed.stderr
    public = wsgi({"MOTCUA_DATA_DIR": str(tmp_path), BIND_VARIABLE: "0.0.0.0"})
    assert public.returncode != 0 and "Refusing to serve on 0.0.0.0" in public.stderr


@pytest.mark.production
@pytest.mark.parametrize(
    "server",
    [
        ["-m", "gunicorn", "--workers", "1", "--bind"],
        [
            "-m",
            "granian",
            "--interface",
            "wsgi",
            "--no-ws",
            "--workers",
            "1",
            "--port",
            "{port}",
            "--host",
        ],
    ],
    ids=["gunicorn", "granian"],
)
def test_a_server_started_by_hand_in_development_exits_with_the_reason(tmp_path, server):
    address = "0.0.0.0:0" if "gunicorn" in server else "0.0.0.0"
    server = [part.format(port=free_port()) for part in server]
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MOTCUA_", "DJANGO_"))}
    done = subprocess.run(
        [sys.executable, *server, address, "motcua.wsgi:application"],
        env={**clean, "PYTHONPATH": str(SRC), "MOTCUA_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "Refusing to serve" in done.stdout + done.stderr


def test_the_development_server_on_loopback_really_serves_pages(tmp_path):
    """`make demo` ends in runserver: its WSGI application must accept the loopback it was
    given (the refusal above is for servers nobody vouched for)."""
    import time
    import urllib.request

    port = free_port()
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MOTCUA_", "DJANGO_"))}
    env = {**clean, "PYTHONPATH": str(SRC), "MOTCUA_DATA_DIR": str(tmp_path)}
    subprocess.run([sys.executable, "-m", "motcua", "migrate", "-v0"], env=env, check=True)
    server = subprocess.Popen(
        [sys.executable, "-m", "motcua", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for _ in range(300):
            try:
                url = f"http://127.0.0.1:{port}/healthz"
                with urllib.request.urlopen(url, timeout=5) as answer:
                    assert answer.status == 200
                    break
            except OSError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                time.sleep(0.2)
        else:
            pytest.fail("the development server never answered")
    finally:
        server.terminate()
        server.wait(timeout=30)
