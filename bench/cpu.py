"""Where a scenario's machine time goes: CPU by component over a measurement.

``Meter`` reads ``/proc`` before and after a measurement and splits the CPU time every
process spent meanwhile into the stack's components (the application's server processes and
their children, the jobs worker, PostgreSQL, nginx, Redis, the load client, anything else), so
that each row of the table can say how many milliseconds of machine time one operation cost
in each of them, next to its baseline's. Linux only; elsewhere it measures nothing.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

PROC = Path("/proc")
TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

# The first of these found in a process's own command line, then its parent's and so on up,
# names its component. Order matters within one command line only.
COMPONENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("database", ("postgres", "pg_ctl")),
    ("nginx", ("nginx",)),
    ("redis", ("redis-server",)),
    ("jobs", ("celery", "motcua worker", "motcua beat")),
    ("app", ("granian", "motcua serve", "motcua.wsgi")),
    ("client", ("wrk", "pgbench", "bench.run", "bench.room")),
)
ORDER = ("app", "database", "nginx", "redis", "jobs", "client", "other")


@dataclass(frozen=True)
class Process:
    pid: int
    ppid: int
    command: str
    ticks: int  # user + system, this process only
    started: int = 0  # ticks after boot: tells a pid reused meanwhile from the same process


def _read(pid: int) -> Process | None:
    try:
        stat = (PROC / str(pid) / "stat").read_text()
        command = (
            (PROC / str(pid) / "cmdline")
            .read_bytes()
            .replace(b"\0", b" ")
            .decode("utf-8", "replace")
        )
    except (OSError, ValueError):
        return None  # gone meanwhile
    # The name is in parentheses and may hold spaces: fields start after the last ")".
    name = stat[stat.index("(") + 1 : stat.rindex(")")]
    fields = stat[stat.rindex(")") + 2 :].split()
    ticks = int(fields[11]) + int(fields[12])
    return Process(pid, int(fields[1]), command.strip() or name, ticks, int(fields[19]))


def processes() -> dict[int, Process]:
    found = {}
    for entry in PROC.iterdir() if PROC.is_dir() else ():
        if entry.name.isdigit() and (process := _read(int(entry.name))) is not None:
            found[process.pid] = process
    return found


def component(pid: int, table: Mapping[int, Process], own: int) -> str:
    """The component of ``pid``: the first match up its chain of parents."""
    seen = set()
    while pid in table and pid not in seen:
        seen.add(pid)
        command = table[pid].command
        for name, needles in COMPONENTS:
            if any(needle in command for needle in needles):
                return name
        if pid == own:
            return "client"  # the suite's own process: the Python load client
        pid = table[pid].ppid
    return "other"


def machine_ticks() -> tuple[int, int]:
    """(busy, total) ticks of all CPUs since boot, from /proc/stat."""
    try:
        values = [int(x) for x in (PROC / "stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return 0, 0
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    return sum(values[:8]) - idle, sum(values[:8])


@dataclass
class Meter:
    """``with Meter() as m: measure()``, then ``m.per_op(n)``."""

    own: int = field(default_factory=os.getpid)
    before: dict[int, Process] = field(default_factory=dict)
    after: dict[int, Process] = field(default_factory=dict)
    machine: tuple[int, int, int, int] = (0, 0, 0, 0)

    def __enter__(self) -> Meter:
        self.before = processes()
        self._busy, self._total = machine_ticks()
        return self

    def __exit__(self, *exc: object) -> None:
        self.after = processes()
        busy, total = machine_ticks()
        self.machine = (self._busy, self._total, busy, total)

    def spent(self, only: Collection[int] | None = None) -> dict[str, float]:
        """CPU seconds by component during the measurement. A process started meanwhile counts
        from zero; one that ended meanwhile is not seen (its time is lost, not misplaced). A
        process is known by its pid and start time: its command line may change (PostgreSQL's
        backends show their state in it, the kernel's workers their work)."""
        table = {**self.before, **self.after}
        out = dict.fromkeys(ORDER, 0.0)
        for pid, now in self.after.items():
            if only is not None and pid not in only:
                continue  # not one of the processes asked about (another database server)
            then = self.before.get(pid)
            start = then.ticks if then is not None and then.started == now.started else 0
            if now.ticks > start:
                out[component(pid, table, self.own)] += (now.ticks - start) / TICK
        return out

    def busy(self) -> float | None:
        """The share of the machine's CPUs busy during the measurement (0–1)."""
        b0, t0, b1, t1 = self.machine
        return (b1 - b0) / (t1 - t0) if t1 > t0 else None

    def per_op(self, operations: float) -> dict[str, float]:
        """Milliseconds of CPU one operation cost in each component (and ``total``)."""
        if operations <= 0:
            return {}
        spent = {k: v * 1000 / operations for k, v in self.spent().items() if v}
        spent["total"] = sum(spent.values())
        return {k: round(v, 2) for k, v in spent.items()}


def describe(per_op: Mapping[str, float], busy: float | None = None) -> str:
    """``CPU ms/op: app 4.1, database 1.2, … (total 7.0; machine 98 % busy)``."""
    if not per_op:
        return ""
    parts = [f"{k} {per_op[k]:.1f}" for k in ORDER if per_op.get(k)]
    tail = f"total {per_op.get('total', 0):.1f}"
    if busy is not None:
        tail += f"; machine {busy * 100:.0f} % busy"
    return f"CPU ms/op: {', '.join(parts)} ({tail})"
