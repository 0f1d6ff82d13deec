"""The overload behaviour end to end: `motcua serve` in production mode on PostgreSQL with its
connection pool and Redis, with the catalogue tables locked so that every request hangs on
the database. Requests beyond capacity must get 503 with Retry-After at once, none a 500."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from tests.production.conftest import needs
from tests.production.stack import (
    have_postgres,
    motcua,
    redis_url,
    start_postgres,
    start_redis,
    start_serve,
)

pytestmark = [
    pytest.mark.production,
    needs("redis-server"),
    pytest.mark.skipif(not have_postgres(), reason="needs PostgreSQL"),
]


def fetch(url: str) -> tuple[int, str, str]:
    """Status, Retry-After and body of a GET, whatever the status."""
    try:
        with urllib.request.urlopen(url, timeout=60) as answer:
            return answer.status, answer.headers.get("Retry-After", ""), answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Retry-After", ""), error.read().decode()


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    root = tmp_path_factory.mktemp("overload")
    redis = start_redis(root / "redis")
    postgres = start_postgres()
    try:
        env = {
            "MOTCUA_ENV": "production",
            "MOTCUA_SECRET_KEY": "a-long-random-production-secret",
            # Plain HTTP straight to the node: nginx terminates TLS in production.
            "MOTCUA_SSL_REDIRECT": "0",
            "MOTCUA_REDIS_URL": redis_url(redis),
            "MOTCUA_DATA_DIR": str(root),
            "DATABASE_URL": postgres.create_database(),
            "MOTCUA_PAGE_CACHE_SECONDS": "0",  # every request must reach the database
            "MOTCUA_RETRY_AFTER_SECONDS": "3",
            # Admission control alone: a refused page would otherwise go to the waiting room
            # (tests/waitroom/test_door.py).
            "MOTCUA_WAITROOM": "0",
        }
        motcua("migrate", "--verbosity=0", env=env)
        motcua("collectstatic", "--noinput", "--verbosity=0", env=env)
        yield root, env
    finally:
        postgres.destroy()
        redis.stop()


def burst_while_locked(database_url: str, url: str, requests: int) -> tuple[list, list]:
    """``requests`` GETs at once while another session holds the catalogue table locked;
    the lock is released once the answers that do not wait for it are in. The answers given
    while the lock was held, and all of them."""
    holder = psycopg.connect(database_url.replace("postgres://", "postgresql://"))
    holder.execute("LOCK TABLE catalog_field IN ACCESS EXCLUSIVE MODE")
    with ThreadPoolExecutor(max_workers=requests) as pool:
        futures = [pool.submit(fetch, url) for _ in range(requests)]
        _settled(futures)
        while_locked = [f.result() for f in futures if f.done()]
        holder.rollback()  # the lock goes; the requests waiting on it finish
        holder.close()
        assert while_locked, "no request was answered while the database was locked"
        return while_locked, [f.result() for f in futures]


def _settled(futures: list, quiet: float = 3, limit: float = 60) -> int:
    """Wait for a first answer, then until no more come for ``quiet`` seconds; how many came
    (a busy machine may take a while to answer at all: only the silence after counts)."""
    done, since, waited = 0, 0.0, 0.0
    while waited < limit and done < len(futures) and not (done and since >= quiet):
        time.sleep(0.25)
        waited += 0.25
        now = sum(f.done() for f in futures)
        since = 0.0 if now != done else since + 0.25
        done = now
    return done


def test_requests_beyond_the_admitted_ones_get_503_at_once(stack):
    root, env = stack
    web = start_serve(
        root, name="web-admission",
        env={**env, "MOTCUA_MAX_INFLIGHT": "2", "MOTCUA_ADMISSION_WAIT_MS": "0"},
        extra=("--workers", "1", "--threads", "8"),
    )  # fmt: skip
    try:
        early, answers = burst_while_locked(env["DATABASE_URL"], f"{web.url}/", requests=8)
        # Those not admitted were answered at once, while the database still hung...
        for status, retry, body in early:
            assert status == 503
            assert 3 <= int(retry) <= 6 and "Hệ thống đang quá tải" in body
        # ...and the two admitted ones got their page once it was free. (On a loaded machine
        # a request may reach the server only after the lock went: then it is a 200 too.)
        statuses = Counter(status for status, _retry, _body in answers)
        assert statuses[500] == 0 and statuses[200] >= 2, statuses
        assert statuses[200] + statuses[503] == 8
        assert fetch(f"{web.url}/healthz")[0] == 200
    finally:
        web.stop()


def test_with_the_pool_exhausted_requests_get_503_not_500(stack):
    root, env = stack
    web = start_serve(
        root, name="web-pool",
        env={**env, "MOTCUA_MAX_INFLIGHT": "0", "MOTCUA_DB_POOL_MAX": "2",
             "MOTCUA_DB_POOL_MIN": "0", "MOTCUA_DB_POOL_TIMEOUT": "1"},
        extra=("--workers", "1", "--threads", "8"),
    )  # fmt: skip
    try:
        early, answers = burst_while_locked(env["DATABASE_URL"], f"{web.url}/", requests=8)
        assert {status for status, _retry, _body in early} == {503}  # when the pool gave up
        statuses = Counter(status for status, _retry, _body in answers)
        assert statuses[500] == 0 and statuses[200] + statuses[503] == 8, statuses
        assert all(retry for status, retry, _body in answers if status == 503)
        assert "database unavailable" in web.output()  # told apart in the log
    finally:
        web.stop()
