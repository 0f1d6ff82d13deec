"""Celery on a real Redis: a worker process delivers the outbox, beat runs the periodic jobs.

The application runs as it would in production, in processes of its own (``motcua worker``,
``motcua beat``) on a database file of its own; the test reads that database directly.
"""

from __future__ import annotations

import sqlite3

import pytest

from .conftest import needs
from .stack import (
    MOTCUA,
    motcua,
    redis_url,
    start,
    start_beat,
    start_redis,
    start_worker,
    wait_until,
)

needs_redis = needs("redis-server")

ENQUEUE = """
from django.db import transaction
from motcua.core.outbox import enqueue
with transaction.atomic():
    message = enqueue(channel="email", recipient="an@example.vn",
                      payload={"subject": "Hồ sơ đã tiếp nhận", "body": "%s", "html": None})
print(message.pk)
"""


@pytest.fixture
def app(workdir):
    """Environment of an application on Redis and a SQLite file, migrated, nothing running."""
    redis = start_redis(workdir / "redis")
    env = {
        "MOTCUA_DATA_DIR": str(workdir),
        "DATABASE_URL": f"sqlite:///{workdir / 'motcua.sqlite3'}",
        "MOTCUA_REDIS_URL": redis_url(redis),
        "MOTCUA_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "MOTCUA_LOG_LEVEL": "INFO",
    }
    motcua("migrate", "--verbosity=0", env=env)
    started = []
    yield env, started
    for process in started:
        process.stop()
    redis.stop()


def status(workdir, message_id: int) -> str:
    with sqlite3.connect(workdir / "motcua.sqlite3") as db:
        row = db.execute("SELECT status FROM core_outboxmessage WHERE id = ?", (message_id,))
        return row.fetchone()[0]


def mail_with(workdir, text: str) -> bool:
    folder = workdir / "mail"
    return folder.is_dir() and any(text in p.read_text() for p in folder.iterdir())


@pytest.mark.production
@needs_redis
def test_the_worker_delivers_what_was_queued_while_it_was_away(app, workdir):
    env, started = app
    message_id = int(motcua("shell", "-v0", "-c", ENQUEUE % "first", env=env))
    # Committed and queued on Redis; the web process did not send it itself.
    assert status(workdir, message_id) == "pending"
    assert not mail_with(workdir, "first")

    started.append(start_worker(workdir, env=env))
    wait_until(lambda: status(workdir, message_id) == "sent", what="delivery by the worker")
    assert mail_with(workdir, "first")
    assert "motcua.core.deliver_outbox_messages" in started[0].output()


@pytest.mark.production
@needs_redis
def test_beat_runs_the_outbox_sweep_through_the_worker(app, workdir):
    env, started = app
    env = {**env, "MOTCUA_OUTBOX_DELIVER_ON_COMMIT": "0", "MOTCUA_OUTBOX_SWEEP_SECONDS": "1"}
    started.append(start_worker(workdir, env=env))
    message_id = int(motcua("shell", "-v0", "-c", ENQUEUE % "swept", env=env))
    assert status(workdir, message_id) == "pending"  # nothing was queued for it

    started.append(start_beat(workdir, env=env))
    wait_until(lambda: status(workdir, message_id) == "sent", what="the sweep sent by beat")
    assert mail_with(workdir, "swept")
    assert "Sending due task deliver_outbox (motcua.core.run_job)" in started[1].output()
    assert "Beat sends mark_late_dossiers" in started[1].output()


@pytest.mark.production
def test_without_redis_the_worker_runs_the_jobs_itself_and_beat_refuses(workdir):
    env = {
        "MOTCUA_DATA_DIR": str(workdir),
        "DATABASE_URL": f"sqlite:///{workdir / 'motcua.sqlite3'}",
        "MOTCUA_REDIS_URL": "",
    }
    motcua("migrate", "--verbosity=0", env=env)
    with pytest.raises(RuntimeError, match="motcua beat needs MOTCUA_REDIS_URL"):
        motcua("beat", env=env)
    log = workdir / "loop.log"
    worker = start(
        "loop",
        [*MOTCUA, "worker"],
        port=0,
        workdir=workdir,
        env=env,
        ready=lambda: "Running deliver_outbox" in (log.read_text() if log.exists() else ""),
    )
    try:
        assert "MOTCUA_REDIS_URL is not set: running the periodic jobs here." in worker.output()
        assert "mark_late_dossiers" in worker.output()
    finally:
        worker.stop()
