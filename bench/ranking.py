"""S9: the Decision 766 ranking of the city's wards, timed in-process next to its raw scan.

The issue's target: "the ranking of 126 wards for a year answers in under 200 ms on the
benchmark's 5 million dossiers". This module runs inside the database under test (the
benchmark calls ``python -m bench.ranking '{"rounds": 30}'`` with the server's own settings
and prints JSON), so what is timed is the domain call a page makes, without HTTP:

- ``S9``        ``ranking(city, "commune", Period.year(Y))`` for the last full year (with the
                previous year's ranks, as the public page shows them);
- ``S9-month``  the same for the last full month;
- ``S9-unit``   ``unit_index(ward, Period.year(Y))`` of the busiest ward;

each next to the raw scan a naive report would run instead of the kept sums: one SQL over the
dossier table for the period, grouped by agency, counting received, on-time and online
dossiers (``B9``, ``B9-month``, ``B9-unit``). Wall time per call, after one warm-up call (the
first, cold call is reported apart: it loads the catalogue's map and the configuration).
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any


def timed(action: Callable[[], object], rounds: int) -> tuple[float, list[float]]:
    """The first call's wall time (ms), then ``rounds`` more calls' times (ms)."""
    started = time.perf_counter()
    action()
    cold = (time.perf_counter() - started) * 1000
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return cold, times


def raw_scan(agency_ids: list[int], start: date, end: date) -> list[tuple[int, int, int, int]]:
    """The naive report: (agency, received, on time, online) counted from the dossiers
    received in ``start``..``end`` (inclusive), one query over the dossier table."""
    from django.db import connection
    from django.utils import timezone

    from motcua.dossiers.models import Channel

    low = timezone.make_aware(datetime.combine(start, datetime.min.time()))
    high = timezone.make_aware(datetime.combine(end + timedelta(days=1), datetime.min.time()))
    marks = ", ".join(["%s"] * len(agency_ids))
    sql = (
        "SELECT agency_id, COUNT(*), "
        "SUM(CASE WHEN closed_at IS NOT NULL AND closed_at <= due_at THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN channel = %s THEN 1 ELSE 0 END) "
        "FROM dossiers_dossier WHERE accepted_at >= %s AND accepted_at < %s "
        f"AND agency_id IN ({marks}) GROUP BY agency_id"
    )
    with connection.cursor() as cursor:
        adapt = connection.ops.adapt_datetimefield_value  # SQLite keeps UTC text
        cursor.execute(sql, [int(Channel.ONLINE), adapt(low), adapt(high), *agency_ids])
        return [tuple(int(v or 0) for v in row) for row in cursor.fetchall()]  # type: ignore[misc]


def city() -> Any:
    """The city's people's committee: the province-level committee at the top of the tree."""
    from motcua.identity.models import Agency, UnitLevel

    return (
        Agency.objects.filter(
            parent=None, kind=Agency.Kind.PEOPLES_COMMITTEE, unit__level=UnitLevel.PROVINCE
        )
        .order_by("pk")
        .first()
    )


def measure(rounds: int, ward: Any = None, today: date | None = None) -> dict[str, Any]:
    """Every S9 timing and its baseline, with what the ranking found (to show it is real)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from motcua.reporting.index import level_members, ranking, subtrees, unit_index
    from motcua.reporting.periods import Period

    today = today or timezone.localdate()
    parent = city()
    if parent is None:
        raise RuntimeError("no city-level people's committee in this database")
    year = Period.year(today.year - 1)
    month = Period.month_of(today).previous()
    wards = level_members(parent, "commune")
    if not wards:
        raise RuntimeError("no ward committee under the city")
    if ward is None:  # the busiest ward of the year: the heaviest single unit to score
        scored = ranking(parent, "commune", year, with_previous=False)
        ward = max([*scored.rows, *scored.unranked], key=lambda r: r.index.received).agency
    ward_ids = sorted(set().union(*subtrees(wards).values()))
    out: dict[str, Any] = {
        "city": parent.name,
        "wards": len(wards),
        "year": year.key,
        "month": month.key,
        "ward": ward.name,
        "rounds": rounds,
    }
    cases: list[tuple[str, Callable[[], Any], Callable[[], object]]] = [
        (
            "S9",
            lambda: ranking(parent, "commune", year),
            lambda: raw_scan(ward_ids, year.start, year.end),
        ),
        (
            "S9-month",
            lambda: ranking(parent, "commune", month),
            lambda: raw_scan(ward_ids, month.start, month.end),
        ),
        (
            "S9-unit",
            lambda: unit_index(ward, year),
            lambda: raw_scan(sorted(subtrees([ward])[ward.pk]), year.start, year.end),
        ),
    ]
    for name, scenario, baseline in cases:
        cold, times = timed(scenario, rounds)
        with CaptureQueriesContext(connection) as queries:
            found = scenario()
        base_cold, base_times = timed(baseline, rounds)
        out[name] = {"cold_ms": cold, "ms": times, "queries": len(queries)}
        out[name.replace("S", "B", 1)] = {"cold_ms": base_cold, "ms": base_times}
        if hasattr(found, "rows"):
            totals = [float(r.index.total) for r in found.rows if r.index.total is not None]
            out[name].update(
                ranked=len(found.rows),
                unranked=len(found.unranked),
                lowest=min(totals, default=None),
                highest=max(totals, default=None),
                distinct_scores=len(set(totals)),
            )
        else:
            out[name].update(received=found.received, total=found.total)
    return out


def main(argv: list[str] | None = None) -> None:
    import django

    args = json.loads((argv if argv is not None else sys.argv[1:] or ["{}"])[0])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    django.setup()
    print(json.dumps(measure(int(args.get("rounds", 20))), default=str))


if __name__ == "__main__":
    main()
