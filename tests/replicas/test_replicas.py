"""Reads that tolerate lag go to a real streaming replica; the primary answers when the
replica is behind, dead or does not know a row yet, and a client reads back its own writes."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.utils import timezone

from motcua.core import replicas
from motcua.core.page_cache import bump
from motcua.dossiers.models import Dossier, Status
from tests.api.caller import ApiCaller
from tests.production.stack import wait_until

from .conftest import REPLICA

pytestmark = [
    pytest.mark.production,
    # With --dist loadgroup one worker would start the primary and its replica (about a
    # minute) and run them all; not used yet: see docs/benchmarks.md's issue-18 note.
    pytest.mark.xdist_group("replicas"),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="replicas are PostgreSQL's (CI's second pass)"
    ),
]

BIRTH = {"procedure": "1.000001", "unit": "000.01.99.H26", "data": {"ho_ten_tre": "Nguyễn Văn Bé"}}
PHONE = "0912345678"  # the citizen's, given in the dossier


def submit(client: Client, world) -> str:
    response = ApiCaller.for_user(client, world.people["citizen"]).post("/dossiers", BIRTH)
    assert response.status_code == 201, response.content
    return str(response.json()["code"])


@contextlib.contextmanager
def logged(alias: str) -> Iterator[list[str]]:
    """The statements ``alias`` ran meanwhile. Unlike CaptureQueriesContext, it does not
    connect first: the replica may be down."""
    wrapper, seen = connections[alias], []
    wrapper.force_debug_cursor = True
    wrapper.queries_log.clear()
    try:
        yield seen
    finally:
        seen.extend(query["sql"] for query in wrapper.queries_log)
        wrapper.force_debug_cursor = False


def dossier_reads(statements: list[str]) -> int:
    return sum('"dossiers_dossier"' in sql for sql in statements)


def lookup(client: Client, code: str) -> tuple[dict, int, int]:
    """The API's answer, and how many dossier reads the replica and the primary served."""
    with logged(REPLICA) as on_replica, logged("default") as on_primary:
        response = client.get("/api/v1/lookup", {"code": code, "contact": PHONE})
    assert response.status_code == 200, response.content
    return response.json(), dossier_reads(on_replica), dossier_reads(on_primary)


def warmed(pair, code: str) -> None:
    """One lookup while the replica is caught up: this process has measured it fresh."""
    pair.caught_up()
    _answer, on_replica, _ = lookup(Client(), code)
    assert on_replica == 1


def test_a_lookup_is_served_by_the_replica(replicated):
    code = submit(Client(), replicated.world)
    warmed(replicated, code)
    replicated.pause()
    Dossier.objects.filter(code=code).update(status=Status.ACCEPTED)
    time.sleep(0.3)  # one check later: the replica has replayed what the first check saw

    answer, on_replica, on_primary = lookup(Client(), code)

    # Only the replica's snapshot still has the dossier as submitted.
    assert answer["status"]["code"] == Status.SUBMITTED
    assert (on_replica, on_primary) == (1, 0)
    assert replicated.sql(REPLICA, "SELECT pg_is_in_recovery()") is True
    assert connections[REPLICA].pool is not None  # a pool of its own, as in production


def test_the_catalogue_and_open_data_read_the_replica(replicated):
    replicated.caught_up()
    for path in ("/thu-tuc/", "/don-vi/", "/du-lieu-mo/", "/api/3/action/package_list"):
        with logged(REPLICA) as on_replica:
            response = Client().get(path)
        assert response.status_code == 200, path
        assert [sql for sql in on_replica if "pg_" not in sql], path


def test_the_monthly_report_reads_the_replica_and_audits_on_the_primary(replicated):
    approver = ApiCaller.for_user(Client(), replicated.world.people["approver"])
    replicated.caught_up()
    params = {"agency": "000.01.99.H26", "month": timezone.localdate().strftime("%Y-%m")}

    with logged(REPLICA) as on_replica, logged("default") as on_primary:
        response = approver.get("/reports/monthly", params)

    assert response.status_code == 200, response.content
    assert [sql for sql in on_replica if "pg_" not in sql]
    # The token is checked and the export recorded on the primary (a write never goes to a
    # replica, even from a marked view).
    assert any(sql.startswith("INSERT") for sql in on_primary)
    assert not any(sql.startswith("INSERT") for sql in on_replica)
    # A GET that leaves a trace pins nobody: only a change the client asked for does.
    assert replicas.PIN_COOKIE not in response.cookies


def test_pages_built_just_after_a_change_read_the_primary(replicated):
    replicated.caught_up()
    bump()  # what an edit of the catalogue does once it commits

    with logged(REPLICA) as on_replica:
        response = Client().get("/thu-tuc/")

    # The page is kept under the new generation: it must not be built from an older copy.
    assert response.status_code == 200
    assert [sql for sql in on_replica if "pg_" not in sql] == []


def test_a_citizen_reads_back_the_dossier_just_submitted(replicated):
    warmed(replicated, submit(Client(), replicated.world))
    replicated.pause()
    citizen = Client()

    code = submit(citizen, replicated.world)
    answer, on_replica, on_primary = lookup(citizen, code)

    # The submission pinned this client to the primary: the replica was not even asked.
    assert answer["code"] == code
    assert citizen.cookies[replicas.PIN_COOKIE]["max-age"] >= replicated_bound()
    assert (on_replica, on_primary) == (0, 1)


def replicated_bound() -> int:
    return int(replicas.max_lag())


def test_a_code_the_replica_does_not_know_yet_is_asked_of_the_primary(replicated):
    warmed(replicated, submit(Client(), replicated.world))
    replicated.pause()
    code = submit(Client(), replicated.world)

    answer, on_replica, on_primary = lookup(Client(), code)  # another device, no pin

    assert answer["code"] == code
    assert (on_replica, on_primary) == (1, 1)


def test_a_replica_further_behind_than_the_bound_is_passed_over(replicated, settings):
    settings.REPLICA_MAX_LAG = 1.0
    code = submit(Client(), replicated.world)
    warmed(replicated, code)
    replicated.pause()
    Dossier.objects.filter(code=code).update(status=Status.ACCEPTED)

    def from_primary() -> bool:
        answer, on_replica, on_primary = lookup(Client(), code)
        return (on_replica, on_primary) == (0, 1) and answer["status"]["code"] == Status.ACCEPTED

    wait_until(from_primary, timeout=20, what="the lookup on the primary")

    replicated.resume()
    wait_until(lambda: lookup(Client(), code)[1] == 1, timeout=20, what="the replica again")


def test_a_replica_killed_mid_run_leaves_every_request_answered(replicated, monkeypatch):
    code = submit(Client(), replicated.world)
    warmed(replicated, code)  # the replica's connection is open in this thread
    monkeypatch.setattr(replicas, "CHECK_SECONDS", 3600.0)  # no check will notice first

    replicated.replica.stop("immediate")
    Dossier.objects.filter(code=code).update(status=Status.ACCEPTED)
    answers = [lookup(Client(), code) for _ in range(3)]
    pages = [Client().get("/thu-tuc/").status_code for _ in range(3)]

    # The first lookup's read died on the replica and the lookup ran again on the primary;
    # the others went straight there: the replica is marked down.
    assert [(a["status"]["code"], r, p) for a, r, p in answers] == [
        (Status.ACCEPTED, 1, 1),
        (Status.ACCEPTED, 0, 1),
        (Status.ACCEPTED, 0, 1),
    ]
    assert pages == [200] * 3

    replicated.replica.start()
    monkeypatch.setattr(replicas, "CHECK_SECONDS", 0.2)
    wait_until(lambda: lookup(Client(), code)[1] == 1, timeout=30, what="the replica again")


def test_reads_inside_a_transaction_stay_on_the_primary(replicated):
    replicated.caught_up()

    @replicas.replica_reads
    def count(*, atomic: bool) -> int:
        if not atomic:
            return Dossier.objects.count()
        with transaction.atomic():
            return Dossier.objects.count()

    with logged(REPLICA) as outside:
        count(atomic=False)
    with logged(REPLICA) as inside:
        count(atomic=True)

    # The transaction sees its own writes and one snapshot: the primary's.
    assert (dossier_reads(outside), dossier_reads(inside)) == (1, 0)
