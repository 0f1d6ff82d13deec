"""The benchmark's arithmetic: percentiles, ratios, targets, and the burst's lost/duplicate
count. Pure functions, tested in tests/bench."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


def percentile(values: Sequence[float], p: float) -> float | None:
    """The ``p``-th percentile (0-100) by the nearest-rank method; None without values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def ratio(value: float | None, baseline: float | None) -> float | None:
    if value is None or not baseline:
        return None
    return value / baseline


@dataclass
class Result:
    """One row of the table: a scenario or a baseline, latencies in milliseconds."""

    name: str
    title: str
    throughput: float | None = None  # operations per second
    p50: float | None = None
    p95: float | None = None
    p99: float | None = None
    errors: int = 0
    requests: int = 0
    baseline: str = ""  # name of the baseline row
    baseline_throughput: float | None = None
    target: str = ""
    met: bool | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        return ratio(self.throughput, self.baseline_throughput)

    def as_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items()}
        data["ratio"] = self.ratio
        return data


def from_latencies(
    name: str, title: str, latencies_ms: Sequence[float], seconds: float, errors: int = 0
) -> Result:
    """A row from raw per-operation latencies (successful ones) over ``seconds``."""
    return Result(
        name=name,
        title=title,
        throughput=len(latencies_ms) / seconds if seconds > 0 else None,
        p50=percentile(latencies_ms, 50),
        p95=percentile(latencies_ms, 95),
        p99=percentile(latencies_ms, 99),
        errors=errors,
        requests=len(latencies_ms) + errors,
    )


def check_target(
    result: Result,
    *,
    min_ratio: float | None = None,
    p95_ms: float | None = None,
    p99_ms: float | None = None,
) -> None:
    """Fill ``target`` and ``met`` (None when a figure is missing)."""
    parts, verdicts = [], []
    if min_ratio is not None:
        parts.append(f"≥{min_ratio:g}× base")
        verdicts.append(None if result.ratio is None else result.ratio >= min_ratio)
    if p95_ms is not None:
        parts.append(f"p95≤{p95_ms:g}ms")
        verdicts.append(None if result.p95 is None else result.p95 <= p95_ms)
    if p99_ms is not None:
        parts.append(f"p99≤{p99_ms:g}ms")
        verdicts.append(None if result.p99 is None else result.p99 <= p99_ms)
    result.target = ", ".join(parts)
    result.met = None if None in verdicts else all(verdicts)
    if result.errors:
        result.met = False


@dataclass
class BurstCount:
    """What the database says about the burst's intended submissions."""

    acknowledged: int  # intended submissions that got a 2xx
    lost: int  # a 2xx whose dossier is not in the database
    duplicated: int  # intended submissions with more than one dossier
    extra_dossiers: int  # dossiers of the burst's applicants that no acknowledged key explains


def count_burst(
    acknowledged: Mapping[str, str],
    keys_in_db: Mapping[str, str],
    dossiers_of_applicants: Iterable[str],
) -> BurstCount:
    """``acknowledged``: Idempotency-Key -> the dossier code the 2xx answer named.
    ``keys_in_db``: key -> code as recorded by the server (its idempotency records).
    ``dossiers_of_applicants``: every dossier code owned by the burst's own applicants (fresh
    accounts of this run), so a dossier made without or past the key is seen too."""
    codes = set(dossiers_of_applicants)
    lost = sum(1 for code in acknowledged.values() if code not in codes)
    # A key whose answer named one dossier while the server recorded another made two; a
    # dossier of the burst's applicants that no key explains is a second one made by a retry.
    split = {key for key, code in keys_in_db.items() if acknowledged.get(key, code) != code}
    explained = set(keys_in_db.values()) | set(acknowledged.values())
    extra = codes - explained
    return BurstCount(
        acknowledged=len(acknowledged),
        lost=lost,
        duplicated=len(split) + len(extra),
        extra_dossiers=len(extra),
    )


def recovery_seconds(
    samples: Sequence[tuple[float, float, int]],
    burst_end: float,
    normal_p95_ms: float,
    window: float = 2.0,
    tolerance: float = 1.2,
) -> float | None:
    """Seconds after ``burst_end`` until a ``window``-second window of requests (started at
    time t, latency ms, status) has its p95 within ``tolerance`` × the pre-burst p95 and no
    refusal or error; None if that never happens in the samples."""
    after = sorted(s for s in samples if s[0] >= burst_end)
    if not after:
        return None
    start = burst_end
    last = after[-1][0]
    while start <= last:
        inside = [s for s in after if start <= s[0] < start + window]
        if inside:
            ok = all(200 <= s[2] < 300 for s in inside)
            p95 = percentile([s[1] for s in inside], 95)
            if ok and p95 is not None and p95 <= normal_p95_ms * tolerance:
                return start - burst_end
        start += window / 2
    return None
