"""Killing a worker or restarting PostgreSQL mid-run loses no dossier and no notification.

A real deployment in miniature: its own PostgreSQL, Redis, one `motcua serve` node with the
connection pool, a Celery worker and beat (outbox sweep every second, claims of 3 seconds).
Clients submit through the API with an Idempotency-Key and retry whatever failed.
"""

from __future__ import annotations

import time
from pathlib import Path

import psycopg
import pytest
import requests

from .conftest import needs
from .stack import (
    have_postgres,
    motcua,
    redis_url,
    start_beat,
    start_postgres,
    start_redis,
    start_serve,
    start_worker,
    wait_until,
)

pytestmark = [
    pytest.mark.production,
    needs("redis-server"),
    pytest.mark.skipif(not have_postgres(), reason="needs PostgreSQL's server binaries"),
]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def deployment(workdir):
    postgres = start_postgres()
    redis = start_redis(workdir / "redis")
    started = []
    try:
        database = postgres.create_database()
        env = {
            "MOTCUA_DATA_DIR": str(workdir / "data"),
            "DATABASE_URL": database,
            "MOTCUA_DB_POOL_MAX": "4",
            "MOTCUA_DB_POOL_TIMEOUT": "2",
            "MOTCUA_REDIS_URL": redis_url(redis),
            "MOTCUA_OUTBOX_SWEEP_SECONDS": "1",
            "MOTCUA_OUTBOX_CLAIM_SECONDS": "3",
            "MOTCUA_SUBMISSIONS_PER_MINUTE": "1000",  # one citizen submits a dozen at once
            "PYTHONPATH": str(ROOT),
        }
        (workdir / "data").mkdir()
        motcua("migrate", "--verbosity=0", env=env)
        motcua(
            "shell", "-c", "from tests.dossiers.world import build_world; build_world()", env=env
        )
        web = start_serve(workdir, env=env, extra=("--workers", "1"))
        started.append(web)
        yield {"env": env, "web": web, "postgres": postgres, "started": started, "db": database}
    finally:
        for process in started:
            process.stop()
        redis.stop()
        postgres.destroy()


class Citizen:
    """An API client that retries a submission with the same key until it is answered."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.statuses: list[int | str] = []
        answer = requests.post(
            f"{base}/api/v1/auth/token", json={"username": "congdan", "password": "x"}, timeout=30
        )
        self.headers = {"Authorization": f"Bearer {answer.json()['token']}"}

    def submit(self, number: int, *, tries: int = 60) -> str:
        body = {
            "procedure": "1.000001",
            "unit": "000.01.99.H26",
            "data": {"ho_ten_tre": f"Bé {number}"},
        }
        headers = {**self.headers, "Idempotency-Key": f"resilience-{number}"}
        for _attempt in range(tries):
            try:
                answer = requests.post(
                    f"{self.base}/api/v1/dossiers", json=body, headers=headers, timeout=30
                )
            except requests.ConnectionError:
                self.statuses.append("connection refused")
                time.sleep(0.5)
                continue
            self.statuses.append(answer.status_code)
            if answer.status_code in (200, 201):
                return str(answer.json()["code"])
            time.sleep(0.5)
        raise AssertionError(f"dossier {number} never accepted: {self.statuses[-5:]}")


def rows(database: str, sql: str) -> list[tuple]:
    with psycopg.connect(database) as connection:
        return connection.execute(sql).fetchall()


def test_a_worker_killed_mid_run_loses_no_notification(deployment, workdir):
    env, started = deployment["env"], deployment["started"]
    worker = start_worker(workdir, env=env, name="worker-1")
    started += [worker, start_beat(workdir, env=env)]
    citizen = Citizen(deployment["web"].url)
    for number in range(12):
        citizen.submit(number)
        if number == 4:
            worker.kill()  # SIGKILL: its tasks in flight are neither finished nor acknowledged
        if number == 8:
            started.append(start_worker(workdir, env=env, name="worker-2"))

    def all_delivered() -> bool:
        waiting = rows(
            deployment["db"],
            "SELECT count(*) FROM core_outboxmessage WHERE status = 'pending'",
        )
        return waiting[0][0] == 0

    wait_until(all_delivered, timeout=90, what="every notification delivered")
    sent = dict(
        rows(
            deployment["db"],
            "SELECT channel, count(*) FROM core_outboxmessage WHERE status = 'sent' GROUP BY 1",
        )
    )
    assert sent == {"email": 12, "sms": 12}  # one email and one SMS per submission
    # The file back-end may put several messages in one file: count their headers.
    written = "".join(p.read_text() for p in (workdir / "data" / "mail").iterdir())
    assert written.count("\nMessage-ID: ") >= 12  # at least once: a send cut short may repeat


def test_restarting_postgresql_mid_run_loses_and_duplicates_no_dossier(deployment):
    postgres, web = deployment["postgres"], deployment["web"]
    citizen = Citizen(web.url)
    codes = [citizen.submit(number) for number in range(5)]
    postgres.stop()
    while_down = requests.post(
        f"{web.url}/api/v1/dossiers",
        json={"procedure": "1.000001", "unit": "000.01.99.H26", "data": {}},
        headers={**citizen.headers, "Idempotency-Key": "resilience-while-down"},
        timeout=30,
    )
    assert while_down.status_code == 503  # admission control: the database is out of reach
    assert int(while_down.headers["Retry-After"]) > 0
    postgres.start()
    codes += [citizen.submit(number) for number in range(5, 10)]
    # Retrying earlier submissions with their keys answers the same dossiers, adds none.
    assert [citizen.submit(number) for number in range(3)] == codes[:3]

    made = rows(
        deployment["db"],
        "SELECT data->>'ho_ten_tre', count(*) FROM dossiers_dossier GROUP BY 1 ORDER BY 1",
    )
    assert made == sorted((f"Bé {number}", 1) for number in range(10))
    assert len(set(codes)) == 10
    assert web.alive()


def test_a_worker_keeps_its_connections_across_tasks_and_after_a_restart_takes_sound_ones(
    deployment, workdir
):
    """Celery's Django fixup closed the pool around every task of a prefork child: new
    PostgreSQL connections for every task (issue 18). Each task now hands its connection back
    to the pool, and one broken by a restart is dropped, not used."""
    env, started, postgres = deployment["env"], deployment["started"], deployment["postgres"]
    started.append(start_worker(workdir, env=env, name="worker-1"))
    citizen = Citizen(deployment["web"].url)
    name = deployment["db"].rsplit("/", 1)[-1]

    def delivered(watcher) -> bool:
        pending = "SELECT count(*) FROM core_outboxmessage WHERE status = 'pending'"
        return watcher.execute(pending).fetchone()[0] == 0

    def sessions(watcher) -> int:
        found = watcher.execute("SELECT sessions FROM pg_stat_database WHERE datname = %s", [name])
        return int(found.fetchone()[0])

    with psycopg.connect(deployment["db"], autocommit=True) as watcher:  # one session
        citizen.submit(0)
        wait_until(lambda: delivered(watcher), timeout=60, what="the first notifications sent")
        before = sessions(watcher)
        for number in range(1, 11):
            citizen.submit(number)
        wait_until(lambda: delivered(watcher), timeout=60, what="ten submissions' notifications")
        # Ten tasks (a submission's messages go as one) and ten submissions, served by the
        # connections the web's and the worker's pools already hold.
        assert sessions(watcher) - before <= 2
    postgres.stop()
    postgres.start()
    for number in range(11, 14):
        citizen.submit(number)
    wait_until(lambda: rows(deployment["db"], PENDING)[0][0] == 0, timeout=90, what="after it")


PENDING = "SELECT count(*) FROM core_outboxmessage WHERE status = 'pending'"
