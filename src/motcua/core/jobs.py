"""Periodic jobs: a tiny registry that apps fill in ``AppConfig.ready()``.

``run_due_jobs`` runs each job whose interval has elapsed. The embedded default runs it from a
daemon thread in the web process (``start_in_process_scheduler``); without Redis a larger
deployment runs ``motcua run_jobs --loop`` in one process of its own. With Redis, Celery beat
sends one task per job at the job's interval and a worker calls ``run_job`` (motcua.celery).
Last runs are remembered in memory, per process, so a job may run again after a restart or in
a second process: every job must be idempotent.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connections
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass
class Job:
    name: str
    func: Callable[[datetime], object]
    every: timedelta
    last_run: datetime | None = None

    def is_due(self, now: datetime) -> bool:
        # A clock set back makes the job due at once instead of silent until it catches up.
        return self.last_run is None or not self.last_run <= now < self.last_run + self.every


_JOBS: dict[str, Job] = {}
_round = threading.Lock()


def register_job(name: str, func: Callable[[datetime], object], *, every: timedelta) -> None:
    """Run ``func(now)`` every ``every``; registering a name again replaces the earlier job."""
    if every <= timedelta(0):
        raise ValueError(f"Job {name!r} needs a positive interval, not {every}")
    _JOBS[name] = Job(name=name, func=func, every=every)


def registered_jobs() -> list[Job]:
    return sorted(_JOBS.values(), key=lambda job: job.name)


def run_job(name: str, now: datetime) -> object:
    """Run one job now, whatever its last run (a Celery task calls this); errors propagate."""
    try:
        job = _JOBS[name]
    except KeyError:
        raise LookupError(f"No periodic job is registered as {name!r}") from None
    return job.func(now)


def run_due_jobs(now: datetime | None = None) -> list[str]:
    """Run the jobs that are due; returns their names. A failing job is logged, not raised."""
    now = now or timezone.now()
    ran: list[str] = []
    with _round:
        for job in registered_jobs():
            if not job.is_due(now):
                continue
            # Counted as run even if it fails: it is retried next interval, not every round.
            job.last_run = now
            ran.append(job.name)
            try:
                job.func(now)
            except Exception:
                logger.exception("Periodic job %s failed", job.name)
    return ran


def close_connections() -> None:
    """Close this thread's database connections between rounds of a long-running loop.

    A connection kept for hours goes stale (a database restart, a proxy's idle timeout). One
    inside a transaction, as in a test, is left alone.
    """
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close()


class Scheduler(threading.Thread):
    """A daemon thread that runs the due jobs every ``interval_seconds`` until stopped."""

    def __init__(self, interval_seconds: float) -> None:
        super().__init__(name="motcua-scheduler", daemon=True)
        self.interval_seconds = interval_seconds
        self._stopping = threading.Event()

    def run(self) -> None:
        while not self._stopping.is_set():
            try:
                run_due_jobs()
            except Exception:
                logger.exception("Scheduler round failed; trying again next round")
            finally:
                close_connections()
            self._stopping.wait(self.interval_seconds)

    def stop(self, timeout: float | None = None) -> None:
        self._stopping.set()
        self.join(timeout)


_scheduler: Scheduler | None = None
_starting = threading.Lock()


def start_in_process_scheduler(interval_seconds: float = 30) -> Scheduler:
    """Start the scheduler thread of this process, once: a second call returns the first."""
    global _scheduler
    with _starting:
        if _scheduler is None or not _scheduler.is_alive():
            _scheduler = Scheduler(interval_seconds)
            _scheduler.start()
            logger.info("Periodic jobs run in this process every %s s", interval_seconds)
        return _scheduler
