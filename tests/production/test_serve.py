"""`motcua serve` starts a real WSGI server on the embedded SQLite default and in production."""

from __future__ import annotations

import os
import subprocess
import urllib.request

import pytest

from motcua.core.management.commands.serve import parse_bind, server_command

from .conftest import needs
from .stack import MOTCUA, motcua, redis_url, start_redis, start_serve


def get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.read().decode()


def test_bind_is_host_and_port():
    assert parse_bind("127.0.0.1:8000") == ("127.0.0.1", 8000)
    assert parse_bind("[::1]:9000") == ("::1", 9000)
    for bad in ("8000", "localhost:", ":80", "host:99999", "host:http"):
        with pytest.raises(Exception, match="--bind must be HOST:PORT"):
            parse_bind(bad)


def test_both_servers_bound_each_process_to_its_threads():
    granian = server_command("granian", host="0.0.0.0", port=80, workers=3, threads=7)
    assert granian[granian.index("--workers") + 1] == "3"
    assert granian[granian.index("--blocking-threads") + 1] == "7"
    gunicorn = server_command("gunicorn", host="::", port=80, workers=3, threads=7)
    assert gunicorn[gunicorn.index("--worker-class") + 1] == "gthread"
    assert gunicorn[gunicorn.index("--threads") + 1] == "7"
    assert gunicorn[gunicorn.index("--bind") + 1] == "[::]:80"


@pytest.mark.production
@pytest.mark.parametrize("server", ["granian", "gunicorn"])
def test_serve_runs_the_embedded_default_on_sqlite(workdir, server):
    env = {"MOTCUA_DATA_DIR": str(workdir), "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}"}
    motcua("migrate", "--verbosity=0", env=env)
    web = start_serve(workdir, env=env, extra=("--server", server, "--workers", "1"))
    try:
        status, html = get(f"{web.url}/thu-tuc/")
        assert status == 200 and "Thủ tục" in html
        assert get(f"{web.url}/static/motcua/site.css")[0] == 200
        assert f"with {server}" in web.output()
    finally:
        web.stop()


@pytest.mark.production
@needs("redis-server")
def test_production_serves_only_collected_static_files_with_hashed_names(workdir):
    redis = start_redis(workdir / "redis")
    env = {
        "MOTCUA_ENV": "production",
        "MOTCUA_SECRET_KEY": "a-long-random-production-secret",
        # Plain HTTP straight to the node: nginx terminates TLS in production.
        "MOTCUA_SSL_REDIRECT": "0",
        "MOTCUA_REDIS_URL": redis_url(redis),
        "MOTCUA_DATA_DIR": str(workdir),
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
    }
    try:
        refused = subprocess.run(
            [*MOTCUA, "serve"],
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert refused.returncode != 0
        assert "motcua collectstatic --noinput" in refused.stderr
        motcua("migrate", "--verbosity=0", env=env)
        motcua("collectstatic", "--noinput", "--verbosity=0", env=env)
        web = start_serve(workdir, env=env, extra=("--workers", "1"))
        try:
            status, html = get(f"{web.url}/thu-tuc/")
            assert status == 200
            css = next(p for p in html.split('"') if p.startswith("/static/motcua/site."))
            assert css != "/static/motcua/site.css"  # the name carries the content's hash
            assert get(f"{web.url}{css}")[0] == 200
        finally:
            web.stop()
    finally:
        redis.stop()
