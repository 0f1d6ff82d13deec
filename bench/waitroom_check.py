# ruff: noqa: E402  (Django is set up before the project is imported)
"""CPU, time and queries per waiting-room ticket check, in process (Django's test client, so
the whole middleware stack and the page), with N tickets waiting (docs/benchmarks.md,
"Waiting room"). It REPLACES the general queue's tickets: run it on a scratch database only.

    createdb motcua_waitroom_m && DATABASE_URL=postgres://…/motcua_waitroom_m motcua migrate
    BENCH_SCRATCH_DATABASE=1 DATABASE_URL=… PYTHONPATH=src python bench/waitroom_check.py
"""

import os
import random
import secrets
import sys
import time

if os.environ.get("BENCH_SCRATCH_DATABASE") != "1":
    sys.exit(
        "bench/waitroom_check.py replaces the general queue's tickets: set "
        "BENCH_SCRATCH_DATABASE=1 to confirm that the database is a scratch one"
    )
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
import django

django.setup()
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from motcua.waitroom import services
from motcua.waitroom.models import Queue, Ticket

settings.ALLOWED_HOSTS = ["*"]
N = int(os.environ.get("N", "20000"))
queue = services.general_queue()
Ticket.objects.filter(queue=queue).delete()
Queue.objects.filter(pk=queue.pk).update(last_sequence=0, last_rank=0)
now = timezone.now()
Ticket.objects.bulk_create(
    [
        Ticket(
            queue=queue,
            secret=secrets.token_urlsafe(32),
            code=f"B{i:07d}",
            sequence=i,
            rank=i,
            taken_at=now,
            checked_at=now,
        )
        for i in range(1, N + 1)
    ],
    batch_size=5000,
)
Queue.objects.filter(pk=queue.pk).update(last_sequence=N, last_rank=N)
settings.WAITROOM_START_RATE = 0.0  # measure the check, not a moving line
secrets_ = list(Ticket.objects.values_list("secret", flat=True))
client = Client()
for s in secrets_[:50]:
    client.get(f"/hang-cho/{s}/")
sample = random.sample(secrets_, 2000)
with CaptureQueriesContext(connection) as q:
    cpu, wall = time.process_time(), time.perf_counter()
    for s in sample:
        assert client.get(f"/hang-cho/{s}/").status_code == 200
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
print(
    f"{connection.vendor}: {N} waiting, {len(sample)} checks: "
    f"{cpu / len(sample) * 1000:.2f} ms CPU (Python) and {wall / len(sample) * 1000:.2f} ms "
    f"wall per check, {len(q) / len(sample):.2f} queries per check"
)
# The database's share, as Django timed it (the last 9,000 queries: about 2,000 checks).
timed = q.captured_queries
print(
    f"database time per check: {sum(float(x['time']) for x in timed) / len(timed) * len(q) / len(sample) * 1000:.2f} ms"  # noqa: E501
)
# The bare 503 page (what the same visitor got before) for comparison.
settings.MAX_INFLIGHT = 1
cpu = time.process_time()
from django.test import RequestFactory

from motcua.core.admission import refusal

rf = RequestFactory()
for _ in range(2000):
    refusal(rf.get("/thu-tuc/"), status=503, seconds=5)
print(f"bare 503 page render: {(time.process_time() - cpu) / 2000 * 1000:.2f} ms CPU")
