from __future__ import annotations

import threading
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from motcua.core import jobs
from motcua.core.jobs import register_job, registered_jobs, run_due_jobs

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture(autouse=True)
def _own_registry(monkeypatch):
    # Each test sees only the jobs it registers, and leaves the app's jobs alone.
    monkeypatch.setattr(jobs, "_JOBS", {})


def test_a_due_job_runs_once_per_interval():
    runs: list[datetime] = []
    register_job("nhac-viec", runs.append, every=timedelta(minutes=5))

    for minutes in (0, 1, 4, 5, 9, 10):
        run_due_jobs(NOW + timedelta(minutes=minutes))

    assert runs == [NOW, NOW + timedelta(minutes=5), NOW + timedelta(minutes=10)]


def test_each_job_keeps_its_own_interval():
    runs: list[str] = []
    register_job("nhanh", lambda now: runs.append("nhanh"), every=timedelta(seconds=30))
    register_job("cham", lambda now: runs.append("cham"), every=timedelta(hours=1))

    assert run_due_jobs(NOW) == ["cham", "nhanh"]
    assert run_due_jobs(NOW + timedelta(seconds=30)) == ["nhanh"]
    assert sorted(runs) == ["cham", "nhanh", "nhanh"]


def test_a_failing_job_is_logged_and_the_others_still_run(caplog):
    runs: list[datetime] = []

    def broken(now: datetime) -> None:
        raise RuntimeError("hỏng")

    register_job("a-hong", broken, every=timedelta(minutes=1))
    register_job("b-tot", runs.append, every=timedelta(minutes=1))

    assert run_due_jobs(NOW) == ["a-hong", "b-tot"]
    assert runs == [NOW]
    assert "a-hong" in caplog.text
    assert run_due_jobs(NOW + timedelta(seconds=10)) == [], "retried next interval, not at once"


def test_a_clock_set_back_makes_a_job_due():
    runs: list[datetime] = []
    register_job("nhac-viec", runs.append, every=timedelta(hours=1))

    run_due_jobs(NOW)
    run_due_jobs(NOW - timedelta(minutes=10))

    assert len(runs) == 2


def test_it_rejects_a_job_without_a_positive_interval():
    with pytest.raises(ValueError):
        register_job("vo-han", print, every=timedelta(0))


def test_registering_a_name_again_replaces_the_job():
    register_job("nhac-viec", print, every=timedelta(minutes=1))
    register_job("nhac-viec", print, every=timedelta(minutes=2))

    assert [(job.name, job.every) for job in registered_jobs()] == [
        ("nhac-viec", timedelta(minutes=2))
    ]


def test_the_scheduler_thread_survives_a_failing_job_and_stops_on_request(monkeypatch):
    monkeypatch.setattr(jobs, "_scheduler", None)
    ran_after_failure = threading.Event()
    calls: list[int] = []

    def flaky(now: datetime) -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("lần đầu hỏng")
        ran_after_failure.set()

    register_job("thu", flaky, every=timedelta(microseconds=1))
    scheduler = jobs.start_in_process_scheduler(interval_seconds=0.01)
    try:
        assert scheduler.daemon
        assert jobs.start_in_process_scheduler(interval_seconds=0.01) is scheduler
        assert ran_after_failure.wait(timeout=5)
    finally:
        scheduler.stop(timeout=5)
    assert not scheduler.is_alive()


def test_the_app_registers_the_outbox_delivery_every_30_seconds(monkeypatch):
    monkeypatch.undo()  # the real registry this time

    [job] = [job for job in registered_jobs() if job.name == "deliver_outbox"]

    assert job.every == timedelta(seconds=30)


@pytest.mark.django_db
def test_run_jobs_once_runs_the_due_jobs(monkeypatch):
    runs: list[datetime] = []
    register_job("nhac-viec", runs.append, every=timedelta(minutes=5))
    out = StringIO()

    call_command("run_jobs", "--once", stdout=out)

    assert len(runs) == 1
    assert "Ran 1 jobs: nhac-viec." in out.getvalue()


@pytest.mark.django_db
def test_run_jobs_loop_runs_rounds_until_interrupted(monkeypatch):
    runs: list[datetime] = []
    register_job("nhac-viec", runs.append, every=timedelta(microseconds=1))
    naps: list[float] = []

    def sleep(seconds: float) -> None:
        naps.append(seconds)
        if len(naps) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr("motcua.core.management.commands.run_jobs.time.sleep", sleep)

    call_command("run_jobs", "--loop", "--interval", "5", stdout=StringIO())

    assert (len(runs), naps) == (2, [5, 5])
