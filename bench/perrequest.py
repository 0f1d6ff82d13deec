"""CPU and queries per request, in-process, through the WSGI application that granian serves.

``python -m bench.perrequest '{"rounds": 300, "profile": "S4"}'`` with the server's settings in
the environment, on the benchmark's database (docs/benchmarks.md, "Where the time goes: reads
and every request"). For each read scenario (S4 lookup, S3 monthly
report, S5 catalogue search, S2-<box> a page of each inbox box, and the cheapest
token-authenticated call) it calls
``motcua.wsgi.application`` with a WSGI environ, exactly as the server does (signals, middleware,
the pool's check-out and return at each request), and reports the process's CPU milliseconds
per request and the queries of one request. ``profile`` names a scenario to run under cProfile
too; its top functions (by ``sort``: cumulative or tottime) are printed on stderr. ``only``
lists the scenarios to measure.

Time measured here is the Python process's CPU, and PostgreSQL's processes' CPU meanwhile
(``db_cpu_ms``, when the database runs on this machine); the rates are for ``bench.run``.
"""

from __future__ import annotations

import cProfile
import io
import json
import pstats
import secrets
import sys
import time
import urllib.parse
from typing import Any

from bench.cpu import Meter, Process, processes


def _environ(path: str, token: str = "") -> dict[str, Any]:
    from django.test import RequestFactory

    # Accept-Encoding as every browser and HTTP library (and bench.run's wrk) sends it.
    headers = {"Accept-Encoding": "gzip", **({"Authorization": f"Bearer {token}"} if token else {})}
    request = RequestFactory().get(
        path, headers=headers, REMOTE_ADDR="127.0.0.1", SERVER_NAME="127.0.0.1"
    )
    return dict(request.environ)


def _call(app: Any, environ: dict[str, Any]) -> int:
    statuses: list[str] = []

    def start_response(status: str, headers: Any, exc_info: Any = None) -> None:
        statuses.append(status)

    body = app(dict(environ, **{"wsgi.input": io.BytesIO()}), start_response)
    try:
        for _chunk in body:
            pass
    finally:
        close = getattr(body, "close", None)
        if close:
            close()  # request_finished: the connection goes back to the pool
    return int(statuses[0].split()[0])


def measure(app: Any, environs: list[dict[str, Any]], rounds: int) -> dict[str, Any]:
    from django.db import connection

    for environ in environs[:20]:  # warm: caches filled, pool opened, code imported
        _call(app, environ)
    # Not CaptureQueriesContext: request_started empties the connection's query log.
    queries: list[str] = []

    def note(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(note):
        status = _call(app, environs[0])
    started_cpu, started = time.process_time(), time.perf_counter()
    with connection.cursor() as cursor:  # this database's server: its postmaster's children
        cursor.execute(
            "SELECT pg_backend_pid()" if connection.vendor == "postgresql" else "SELECT 0"
        )
        backend = cursor.fetchone()[0]
    postmaster = (processes().get(backend) or Process(0, 0, "", 0)).ppid
    with Meter() as meter:
        for i in range(rounds):
            _call(app, environs[i % len(environs)])
    server = [pid for pid, p in meter.after.items() if postmaster and p.ppid == postmaster]
    cpu = (time.process_time() - started_cpu) / rounds * 1000
    wall = (time.perf_counter() - started) / rounds * 1000
    return {
        "status": status,
        "cpu_ms": round(cpu, 2),
        "db_cpu_ms": round(meter.spent(server)["database"] * 1000 / rounds, 2),
        "wall_ms": round(wall, 2),
        "queries": len(queries),
        "sql": [sql[:200] for sql in queries],
    }


def profile(app: Any, environs: list[dict[str, Any]], rounds: int, sort: str) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for i in range(rounds):
        _call(app, environs[i % len(environs)])
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(sort).print_stats(60)
    return out.getvalue()


def scenarios(setup: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    q = urllib.parse.quote
    token = setup["officer"]["token"]
    report = setup["report"]
    return {
        "S4": [
            _environ(f"/api/v1/lookup?code={q(c)}&contact={q(p)}")
            for c, p in setup["lookups"][:500]
        ],
        "S3": [
            _environ(
                f"/api/v1/reports/monthly?agency={report['agency']}&month={report['month']}",
                token,
            )
        ],
        "S5": [_environ(f"/thu-tuc/?q={q(s)}") for s in setup["searches"]],
        # S2-<box>: a page of each box of the officer's inbox, as bench.run asks it.
        **{
            f"S2-{box}": [_environ(f"/api/v1/inbox?box={box}&page=1", reader["token"])]
            for box, reader in setup["inbox"].items()
        },
        # The least a call with a token does (the token and the officer's roles checked, the
        # month refused with a 400): what every authenticated API call pays first.
        "token": [
            _environ(f"/api/v1/reports/monthly?agency={report['agency']}&month=2026-13", token)
        ],
    }


def run(options: dict[str, Any]) -> dict[str, Any]:
    from bench.prepare import prepare
    from motcua.wsgi import application

    setup = prepare(secrets.token_hex(4), {"s1": 0, "s6": 0})
    calls = scenarios(setup)
    rounds = int(options.get("rounds", 300))
    names = options.get("only") or list(calls)
    out = {name: measure(application, calls[name], rounds) for name in names}
    if options.get("profile") in calls:
        sort = options.get("sort", "cumulative")  # or "tottime"
        sys.stderr.write(profile(application, calls[options["profile"]], rounds, sort))
    return out


def main() -> None:
    import django

    options = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    if options.get("server_side_binding"):  # an experiment: docs/benchmarks.md
        from django.conf import settings

        options_ = settings.DATABASES["default"].setdefault("OPTIONS", {})
        options_.update(server_side_binding=True, prepare_threshold=options.get("prepare", 5))
        if options.get("plan_cache_mode"):
            options_["options"] = f"-c plan_cache_mode={options['plan_cache_mode']}"
    django.setup()
    print(json.dumps(run(options)))


if __name__ == "__main__":
    main()
