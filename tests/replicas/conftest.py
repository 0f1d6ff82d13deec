"""A real primary and a real streaming replica (``initdb`` + ``pg_basebackup -R``), started
as the ``postgres`` user on ports of their own, and Django pointed at both for the module.

The tests do not use pytest-django's test database: ``default`` becomes the primary started
here (migrated, with the small world of tests/dossiers/world.py), ``replica_1`` its replica,
with ``ReplicaRouter`` installed exactly as settings.py does when
``MOTCUA_DATABASE_REPLICA_URLS`` is set. Everything is put back afterwards.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import dj_database_url
import pytest
from django.core.management import call_command
from django.db import connections, router
from django.test import override_settings

from motcua.core import replicas

# The settings loader (`load(**env)`) of the production tests, for the router tests here.
from tests.production.conftest import load  # noqa: F401
from tests.production.stack import (
    Postgres,
    have,
    have_postgres,
    start_postgres,
    start_replica,
    wait_until,
)

REPLICA = "replica_1"


def can_replicate() -> bool:
    return have_postgres() and have("su")


@dataclass
class Pair:
    primary: Postgres
    replica: Postgres
    world: Any

    def sql(self, alias: str, statement: str) -> Any:
        with connections[alias].cursor() as cursor:
            cursor.execute(statement)
            return cursor.fetchone()[0] if cursor.description else None

    def caught_up(self) -> None:
        """Wait until the replica has replayed everything the primary has written."""
        target = self.sql("default", "SELECT pg_current_wal_lsn()::text")
        wait_until(
            lambda: self.sql(REPLICA, f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"),
            timeout=30,
            what="the replica",
        )

    def pause(self) -> None:
        self.sql(REPLICA, "SELECT pg_wal_replay_pause()")

    def resume(self) -> None:
        with contextlib.suppress(Exception):
            self.sql(REPLICA, "SELECT pg_wal_replay_resume()")


def _databases(primary: Postgres, replica: Postgres) -> dict[str, Any]:
    """As settings.py makes them in production: a psycopg pool per alias, connections
    checked as they leave it, the replica's wait for one cut to a second."""
    default = dj_database_url.parse(primary.url(), conn_max_age=0, conn_health_checks=True)
    copy = dj_database_url.parse(replica.url(), conn_max_age=0, conn_health_checks=True)
    default["OPTIONS"] = {"pool": {"min_size": 1, "max_size": 4, "timeout": 5.0}}
    copy["OPTIONS"] = {"pool": {"min_size": 1, "max_size": 4, "timeout": 1.0}}
    copy["TEST"] = {"MIRROR": "default"}
    return connections.configure_settings({"default": default, REPLICA: copy})


def _close_pools() -> None:
    for alias in connections.settings:
        with contextlib.suppress(Exception):
            connections[alias].close_pool()


@pytest.fixture(scope="module")
def pair(django_db_blocker) -> Iterator[Pair]:
    if not can_replicate():
        pytest.skip("needs PostgreSQL's initdb and pg_basebackup, run as the postgres user")
    primary = start_postgres()
    replica = None
    before, routers = connections.settings, router.routers
    try:
        primary.create_database()
        replica = start_replica(primary.port)
        with django_db_blocker.unblock():
            connections.close_all()
            for alias in before:
                with contextlib.suppress(AttributeError):
                    del connections[alias]
            connections.settings = _databases(primary, replica)
            router.routers = [replicas.ReplicaRouter()]
            with override_settings(DATABASE_REPLICAS=[REPLICA]):
                call_command("migrate", verbosity=0)
                from tests.dossiers.world import build_world

                yield Pair(primary, replica, build_world())
                connections.close_all()
                _close_pools()
    finally:
        for alias in list(connections.settings):
            with contextlib.suppress(AttributeError):
                del connections[alias]
        connections.settings, router.routers = before, routers
        if replica is not None:
            replica.destroy()
        primary.destroy()


@pytest.fixture
def replicated(pair, django_db_blocker, settings, monkeypatch) -> Iterator[Pair]:
    """The pair, replaying, with this process's knowledge of the replica forgotten."""
    settings.DATABASE_REPLICAS = [REPLICA]
    settings.REPLICA_MAX_LAG = 60.0
    settings.REPLICA_RETRY_SECONDS = 1.0
    monkeypatch.setattr(replicas, "CHECK_SECONDS", 0.2)
    replicas.health.reset()
    with django_db_blocker.unblock():
        if not pair.replica.running:
            pair.replica.start()
        pair.resume()
        yield pair
        pair.resume()
        connections.close_all()
    replicas.health.reset()
