"""Where a submission's time goes, in-process: ``python -m bench.submission_profile [PAIRS]``
sends submission + 200 KB upload pairs through Django's test client (the same URLs,
middleware, views and services as the server, S1's body and PDF) to the database of
``DATABASE_URL`` (the benchmark's generated one), and prints the CPU milliseconds and the
queries of each request, then cProfile's heaviest functions. The PDF's check runs in the
inspector's worker process, outside this process's CPU time: it is measured apart
(``inspect_pdf`` called here on the same file).

    DATABASE_URL=postgres://postgres@127.0.0.1:PORT/motcua MOTCUA_REDIS_URL=redis://… \\
        PYTHONPATH=src:. python -m bench.submission_profile 40

``SHOW_QUERIES=1`` lists the statements; ``PROFILE_OUT=file`` keeps cProfile's data. Each pair
uses a fresh applicant account (the per-minute submission limit). Writes dossiers: point it at
a copy of the benchmark database, never at a real one.
"""

from __future__ import annotations

import cProfile
import io
import json
import os
import pstats
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from typing import Any


def _pair_runner(people: list[dict[str, Any]], payload: dict[str, Any], pdf: bytes) -> Any:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    seen: list[list[str]] = [[], []]

    def pair(i: int) -> tuple[float, float, int, int]:
        auth = {"Authorization": f"Bearer {people[i]['token']}"}
        started = time.process_time()
        with CaptureQueriesContext(connection) as submitting:
            answer = client.post(
                "/api/v1/dossiers",
                data=json.dumps(payload),
                content_type="application/json",
                headers={**auth, "Idempotency-Key": str(uuid.uuid4())},
            )
        middle = time.process_time()
        if answer.status_code != 201:
            raise RuntimeError(answer.content[:300])
        upload = io.BytesIO(pdf)
        upload.name = "to-khai.pdf"
        path = f"/api/v1/dossiers/{answer.json()['code']}/files"
        with CaptureQueriesContext(connection) as uploading:
            stored = client.post(path, {"file": upload}, headers=auth)
        done = time.process_time()
        if stored.status_code != 201:
            raise RuntimeError(stored.content[:300])
        seen[0] = [q["sql"] for q in submitting.captured_queries]
        seen[1] = [q["sql"] for q in uploading.captured_queries]
        return (middle - started) * 1000, (done - middle) * 1000, len(seen[0]), len(seen[1])

    return pair, seen


def _check_ms(pdf: bytes, rounds: int = 20) -> float:
    from motcua.dossiers.inspect import inspect_pdf

    started = time.process_time()
    for _ in range(rounds):
        inspect_pdf(pdf)
    return (time.process_time() - started) * 1000 / rounds


def _profile(pair: Callable[[int], Any], indexes: range) -> None:
    profiler = cProfile.Profile(time.process_time)  # CPU time: waits on the database left out
    profiler.enable()
    for i in indexes:
        pair(i)
    profiler.disable()
    if os.environ.get("PROFILE_OUT"):
        profiler.dump_stats(os.environ["PROFILE_OUT"])
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(r"motcua", 40)
    print(out.getvalue())


def main(pairs: int = 40) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    django.setup()
    from django.db import connection

    from bench.load import pdf_bytes
    from bench.prepare import applicants, submission

    run = f"prof{uuid.uuid4().hex[:6]}"
    people = applicants(run, 2 * pairs + 5)
    pdf = pdf_bytes()
    pair, seen = _pair_runner(people, submission(random.Random(run)), pdf)
    for i in range(2 * pairs, 2 * pairs + 5):  # warm: imports, the URL conf, the inspector
        pair(i)
    rows = [pair(i) for i in range(pairs)]
    if os.environ.get("SHOW_QUERIES"):
        for label, statements in zip(("submit", "upload"), seen, strict=True):
            print(label)
            for sql in statements:
                print("   ", sql[:160])
    print(
        f"{pairs} pairs on {connection.vendor}: CPU ms median submit "
        f"{statistics.median(r[0] for r in rows):.1f}, upload "
        f"{statistics.median(r[1] for r in rows):.1f} (+ the PDF check in its worker "
        f"{_check_ms(pdf):.1f}); queries submit {rows[-1][2]}, upload {rows[-1][3]}"
    )
    _profile(pair, range(pairs, 2 * pairs))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 40)
