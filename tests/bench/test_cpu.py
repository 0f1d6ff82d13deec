"""The benchmark's CPU meter: which component a process belongs to, and the arithmetic of a
measurement, on crafted process tables and on this machine's real /proc."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bench import cpu
from bench.cpu import Meter, Process, component, describe

TABLE = {
    1: Process(1, 0, "/sbin/init", 0),
    10: Process(10, 1, "python -m bench.run --quick", 0),
    11: Process(11, 10, "python -m motcua serve --bind 127.0.0.1:8000 --workers 2", 0),
    12: Process(12, 11, "python -c from multiprocessing.spawn import spawn_main", 0),
    13: Process(13, 12, "python -c from multiprocessing.forkserver import main", 0),
    20: Process(20, 1, "postgres -D /work/benchq/pg -p 5555", 0),
    21: Process(21, 20, "postgres: postgres motcua 127.0.0.1(4242) idle", 0),
    30: Process(30, 10, "nginx: master process nginx -c /tmp/x/nginx.conf", 0),
    31: Process(31, 30, "nginx: worker process", 0),
    40: Process(40, 10, "python -m motcua worker --concurrency 1", 0),
    41: Process(41, 40, "[celeryd: celery@host:ForkPoolWorker-1]", 0),
    50: Process(50, 10, "wrk -t1 -c8 -d5s -s bench/wrk/paths.lua http://127.0.0.1:9", 0),
    60: Process(60, 10, "redis-server 127.0.0.1:6390", 0),
    70: Process(70, 1, "/usr/bin/dockerd", 0),
    80: Process(80, 10, "python -c from multiprocessing.spawn import spawn_main", 0),
}


@pytest.mark.parametrize(
    ("pid", "expected"),
    [
        (11, "app"),
        (12, "app"),  # a server worker
        (13, "app"),  # a worker's child (the PDF inspector)
        (20, "database"),
        (21, "database"),
        (31, "nginx"),
        (41, "jobs"),
        (50, "client"),
        (60, "redis"),
        (70, "other"),
        (80, "client"),  # a child of the suite's own process: a client process of the crowd
        (999, "other"),  # not in the table
    ],
)
def test_a_process_belongs_to_the_first_component_up_its_parents(pid, expected):
    assert component(pid, TABLE, own=10) == expected


def test_per_op_splits_the_time_spent_by_component_and_counts_a_new_process_from_zero():
    meter = Meter(own=10)
    meter.before = {
        12: Process(12, 11, TABLE[12].command, 100),
        # PostgreSQL's backend shows its state in its command line: still the same process
        21: Process(21, 20, "postgres: postgres motcua 127.0.0.1(4242) SELECT", 50),
        # a pid reused by another process meanwhile counts from zero, not from the old one
        70: Process(70, 1, TABLE[70].command, 900, started=5),
    }
    meter.after = {
        11: TABLE[11],
        20: TABLE[20],
        12: Process(12, 11, TABLE[12].command, 300),
        21: Process(21, 20, TABLE[21].command, 70),
        50: Process(50, 10, TABLE[50].command, 30),  # started during the measurement
        70: Process(70, 1, TABLE[70].command, 10),
    }
    spent = meter.spent()
    assert spent["app"] == pytest.approx(200 / cpu.TICK)
    assert spent["database"] == pytest.approx(20 / cpu.TICK)
    assert spent["client"] == pytest.approx(30 / cpu.TICK)
    assert spent["other"] == pytest.approx(10 / cpu.TICK)
    per_op = meter.per_op(10)
    assert per_op["app"] == pytest.approx(200 / cpu.TICK * 100, abs=0.01)
    assert per_op["total"] == pytest.approx(260 / cpu.TICK * 100, abs=0.01)
    assert "nginx" not in per_op  # nothing spent, nothing shown
    assert meter.per_op(0) == {}
    # one database server's processes only (another cluster's are not this one's work)
    assert meter.spent(only={21})["database"] == pytest.approx(20 / cpu.TICK)
    assert meter.spent(only={21})["app"] == 0


def test_describe_orders_the_components_and_gives_the_machine_share():
    text = describe({"client": 1.0, "app": 4.25, "database": 2.0, "total": 7.25}, 0.975)
    assert text == "CPU ms/op: app 4.2, database 2.0, client 1.0 (total 7.2; machine 98 % busy)"
    assert describe({}) == ""


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="reads Linux's /proc")
def test_the_meter_sees_a_busy_child_of_the_suite_on_the_real_machine():
    spin = "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass"
    child = subprocess.Popen([sys.executable, "-c", f"{spin}\nimport time; time.sleep(5)"])
    try:
        with Meter() as meter:
            while (cpu._read(child.pid) or Process(0, 0, "", 0)).ticks < 0.25 * cpu.TICK:
                pass
        assert meter.spent()["client"] >= 0.2  # a child of this process: the load client
        busy = meter.busy()
        assert busy is not None and 0 < busy <= 1
    finally:
        child.kill()
        child.wait()
