"""The benchmark's table and its JSON file (figures, machine, commit, date, scale)."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.stack import PG_BIN, ROOT
from bench.stats import Result


def _fmt(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def table(results: list[Result]) -> str:
    head = (
        "scenario",
        "ops/s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "errors",
        "baseline",
        "ratio",
        "target",
        "met",
    )
    rows = [head]
    for r in results:
        met = "—" if r.met is None else ("yes" if r.met else "NO")
        base = f"{r.baseline} {_fmt(r.baseline_throughput)}" if r.baseline else ""
        ratio = f"{r.ratio:.2f}×" if r.ratio is not None else ""
        rows.append(
            (
                r.name,
                _fmt(r.throughput),
                _fmt(r.p50),
                _fmt(r.p95),
                _fmt(r.p99),
                str(r.errors),
                base,
                ratio,
                r.target,
                met if r.target else "",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    notes = [f"  {r.name}: {r.title}" + (f" — {r.note}" if r.note else "") for r in results]
    return "\n".join([*lines, "", *notes])


def print_table(
    results: list[Result], profile: Any, client_note: str, info: dict[str, Any]
) -> None:
    print()
    print(
        f"Một Cửa benchmark ({profile.name}: {profile.dossiers:,} dossiers, "
        f"{profile.procedures:,} procedures)"
    )
    print(table(results))
    settings = info.get("postgresql_settings", {})
    print(
        f"\nPostgreSQL: fsync={settings.get('fsync')}, synchronous_commit="
        f"{settings.get('synchronous_commit')}, shared_buffers={settings.get('shared_buffers')}; "
        f"server: {info.get('server')}"
    )
    print(f"Note: {client_note}.")
    if generation := info.get("generation"):
        print(f"Data generation: {generation}")


def machine() -> dict[str, Any]:
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = ""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    os_name = platform.platform()
    release = Path("/etc/os-release")
    if release.exists():
        for line in release.read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                os_name = line.split("=", 1)[1].strip('"')
    postgres = subprocess.run(
        [str(PG_BIN / "postgres"), "--version"], capture_output=True, text=True
    ).stdout.strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "os": os_name,
        "python": platform.python_version(),
        "postgresql": postgres,
    }


def commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()

    head = git("rev-parse", "HEAD")
    return f"{head}{'-dirty' if git('status', '--porcelain', '--untracked-files=no') else ''}"


def write_json(path: Path, run: Any, profile: Any, seconds: float) -> None:
    data = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit(),
        "machine": machine(),
        "profile": profile.__dict__,
        "info": run.info,
        "results": [r.as_dict() for r in run.results],
        "failures": run.failures,
        "seconds": round(seconds, 1),
    }
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
