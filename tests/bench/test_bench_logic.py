"""The benchmark's own logic: generated codes, distributions, percentiles, targets, and the
burst's lost/duplicate count on crafted cases."""

from __future__ import annotations

import random
import re
from datetime import datetime

from bench.generate import (
    HANOI,
    DossierRows,
    Plan,
    Unit,
    Variant,
    dossier_code,
    procedure_names,
    working_moments,
)
from bench.load import pdf_bytes
from bench.stats import (
    Result,
    check_target,
    count_burst,
    percentile,
    ratio,
    recovery_seconds,
)

CODE = re.compile(r"^\d{3}\.[0-9A-Z]{2}\.\d{2}\.H\d{2}-\d{6}-\d{4,}$")


def plan() -> Plan:
    units = [Unit(i, f"000.{i:02d}.99.H26", [100 + i]) for i in range(1, 21)]
    variants = [Variant(i, i, 5) for i in range(1, 51)]
    return Plan(units, variants, citizens=[7, 8], now=datetime(2026, 11, 23, tzinfo=HANOI))


def test_codes_have_the_real_format_and_are_unique() -> None:
    assert dossier_code("000.01.99.H26", datetime(2026, 1, 5).date(), 7) == (
        "000.01.99.H26-260105-0007"
    )
    rows = [row for row, _ in zip(DossierRows(plan()), range(5000), strict=False)]
    codes = [r["code"] for r in rows]
    assert all(CODE.match(c) for c in codes)
    assert len(set(codes)) == len(codes)


def test_distributions_are_skewed_and_mostly_closed() -> None:
    rows = [row for row, _ in zip(DossierRows(plan()), range(20000), strict=False)]
    by_unit: dict[int, int] = {}
    for r in rows:
        by_unit[r["agency_id"]] = by_unit.get(r["agency_id"], 0) + 1
    ranked = sorted(by_unit.values(), reverse=True)
    assert ranked[0] > 4 * ranked[-1]  # big units get much more
    closed = sum(1 for r in rows if r["status"] in (3, 7, 8, 10))
    assert 0.8 < closed / len(rows) < 0.99
    open_rows = [r for r in rows if r["status"] not in (3, 7, 8, 10)]
    # An open dossier always has an accountable unit (the table's check constraint).
    assert all(r["handler_agency_id"] == r["agency_id"] for r in open_rows)
    assert any(r.get("late_mark") == "overdue" for r in open_rows)


def test_submissions_fall_on_working_days_in_office_hours() -> None:
    moments = working_moments(random.Random(1), datetime(2026, 11, 23, tzinfo=HANOI), 730)
    for moment, _ in zip(moments, range(2000), strict=False):
        assert moment.weekday() < 5
        assert 8 <= moment.hour < 17 and moment.hour != 12


def test_generated_procedure_names_are_distinct_vietnamese_names() -> None:
    names = procedure_names(["Đăng ký khai sinh", "Chứng thực bản sao"], 300, random.Random(2))
    assert len(set(names)) == 300
    assert all(n.startswith(("Đăng ký khai sinh", "Chứng thực bản sao")) for n in names)


def test_percentiles_and_ratio() -> None:
    values = list(range(1, 101))
    assert percentile(values, 50) == 50
    assert percentile(values, 95) == 95
    assert percentile(values, 99) == 99
    assert percentile([3.0], 99) == 3.0
    assert percentile([], 50) is None
    assert ratio(50, 100) == 0.5
    assert ratio(50, 0) is None


def test_targets() -> None:
    result = Result("S4", "", throughput=70, p99=40, baseline_throughput=100)
    check_target(result, min_ratio=0.7, p99_ms=50)
    assert result.met is True
    slow = Result("S4", "", throughput=69, p99=40, baseline_throughput=100)
    check_target(slow, min_ratio=0.7, p99_ms=50)
    assert slow.met is False
    failing = Result("S2", "", throughput=100, p95=5, baseline_throughput=100, errors=1)
    check_target(failing, min_ratio=0.8, p95_ms=20)
    assert failing.met is False
    unknown = Result("S5", "")
    check_target(unknown, p95_ms=20)
    assert unknown.met is None


def test_burst_count_finds_lost_and_duplicated_dossiers() -> None:
    clean = count_burst({"k1": "A", "k2": "B"}, {"k1": "A", "k2": "B"}, ["A", "B"])
    assert (clean.lost, clean.duplicated) == (0, 0)
    lost = count_burst({"k1": "A", "k2": "B"}, {"k1": "A"}, ["A"])
    assert (lost.lost, lost.duplicated) == (1, 0)
    # A retry that made a second dossier: the key's record names another one, or an
    # applicant's dossier that no key explains.
    split = count_burst({"k1": "A"}, {"k1": "C"}, ["A", "C"])
    assert split.duplicated == 1
    extra = count_burst({"k1": "A"}, {"k1": "A"}, ["A", "D"])
    assert (extra.duplicated, extra.extra_dossiers) == (1, 1)


def test_recovery_time_after_the_burst() -> None:
    # Slow or refused until 5 s after the burst's end (t=10), normal from then on.
    samples = [
        (10 + i * 0.1, 900.0 if i < 50 else 90.0, 429 if i < 30 else 201) for i in range(150)
    ]
    assert recovery_seconds(samples, burst_end=10, normal_p95_ms=100) == 5.0
    assert recovery_seconds(samples[:40], burst_end=10, normal_p95_ms=100) is None


def test_attachment_is_a_200_kb_pdf() -> None:
    pdf = pdf_bytes()
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert 200 * 1024 - 100 < len(pdf) <= 200 * 1024


def test_a_machine_without_nginx_is_told_which_package_to_install(monkeypatch, tmp_path) -> None:
    from bench import stack

    present = {"wrk", "redis-server", "pgbench"}
    monkeypatch.setattr(
        stack.shutil, "which", lambda cmd: f"/usr/bin/{cmd}" if cmd in present else None
    )
    monkeypatch.setattr(stack.helpers, "have_postgres", lambda: True)
    monkeypatch.setattr(stack, "NGINX", tmp_path / "nginx")  # not there
    assert stack.missing_tools() == ["nginx-light"]

    (tmp_path / "nginx").touch()  # Debian's /usr/sbin/nginx, outside the PATH
    assert stack.missing_tools() == []


def test_the_run_stops_with_the_install_line_before_starting_anything(monkeypatch, capsys) -> None:
    from bench import run

    monkeypatch.setattr(run, "missing_tools", lambda: ["nginx-light", "wrk"])
    assert run.main(["--quick"]) == 2
    said = capsys.readouterr()
    assert "apt-get install nginx-light wrk" in said.out + said.err


def test_the_server_under_test_has_the_per_client_limits_raised(tmp_path):
    """One client address and 100 accounts stand for many citizens: a per-account limit (10
    submissions a minute) would cap S1 in a run of a minute and measure the limit, not the
    platform (the full run of 07/12/2026: 14.3 pairs a second, the machine half idle)."""
    from bench.run import FULL, Run

    run = Run.__new__(Run)
    run.p = FULL
    env = run.app_env("postgres://x", 6379, tmp_path)
    per_minute = {k: int(v) for k, v in env.items() if k.endswith("_PER_MINUTE")}
    assert set(per_minute) >= {
        "MOTCUA_LOOKUP_PER_MINUTE",
        "MOTCUA_SUBMISSIONS_PER_MINUTE",
        "MOTCUA_UPLOADS_PER_MINUTE",
    }
    # far above what the run can send in a minute (S1 at ~30 pairs a second, S6 at 10×)
    assert min(per_minute.values()) >= 1_000_000
