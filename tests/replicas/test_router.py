"""Without a replica nothing changes; the lag measure and the router's rules on their own."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, MiddlewareNotUsed
from django.db import router

from motcua.core import replicas

P = "postgres://postgres@db:5432/motcua"


def test_without_replicas_there_is_no_router_and_no_middleware(load):
    module = load()
    assert (module.DATABASE_REPLICAS, module.DATABASE_ROUTERS) == ([], [])
    assert list(module.DATABASES) == ["default"]
    assert settings.DATABASE_ROUTERS == [] and router.routers == []
    with pytest.raises(MiddlewareNotUsed):
        replicas.PrimaryAfterWriteMiddleware(lambda request: None)


def test_each_replica_url_becomes_an_alias_with_the_primary_pool(load):
    module = load(
        MOTCUA_ENV="production",
        MOTCUA_SECRET_KEY="k" * 50,
        MOTCUA_ALLOWED_HOSTS="example.vn",
        MOTCUA_REDIS_URL="redis://127.0.0.1:6379/0",
        DATABASE_URL=P,
        MOTCUA_DATABASE_REPLICA_URLS="postgres://u@r1:5432/motcua, postgres://u@r2:5432/motcua",
    )
    assert module.DATABASE_REPLICAS == ["replica_1", "replica_2"]
    assert module.DATABASE_ROUTERS == ["motcua.core.replicas.ReplicaRouter"]
    first = module.DATABASES["replica_1"]
    assert (first["HOST"], first["TEST"]) == ("r1", {"MIRROR": "default"})
    primary_pool = module.DATABASES["default"]["OPTIONS"]["pool"]
    assert first["OPTIONS"]["pool"] == {**primary_pool, "timeout": 1.0}
    # The pooled primary's engine (its socket check), the replicas' too.
    assert first["ENGINE"] == module.DATABASES["default"]["ENGINE"] == "motcua.core.postgresql"


def test_postgresql_connections_may_prepare_unless_turned_off(load):
    """Only statements asked to be prepared are (motcua.core.compiled): the threshold is a
    number when preparing is on, None (Django's default: never) when it is off."""
    replica = "postgres://u@r1:5432/motcua"
    on = load(DATABASE_URL=P, MOTCUA_DATABASE_REPLICA_URLS=replica)
    assert on.DATABASES["default"]["OPTIONS"]["prepare_threshold"] == 2**31 - 1
    assert on.DATABASES["replica_1"]["OPTIONS"]["prepare_threshold"] == 2**31 - 1
    off = load(DATABASE_URL=P, MOTCUA_DATABASE_REPLICA_URLS=replica, MOTCUA_DB_PREPARED="0")
    assert off.DATABASES["default"]["OPTIONS"]["prepare_threshold"] is None
    assert off.DATABASES["replica_1"]["OPTIONS"]["prepare_threshold"] is None
    assert "prepare_threshold" not in load().DATABASES["default"].get("OPTIONS", {})  # SQLite


def test_replicas_need_a_postgresql_primary(load):
    with pytest.raises(ImproperlyConfigured, match="PostgreSQL primary"):
        load(MOTCUA_DATABASE_REPLICA_URLS="postgres://u@r1:5432/motcua")


def test_a_bound_of_zero_is_refused(load):
    with pytest.raises(ImproperlyConfigured, match="MAX_LAG"):
        load(MOTCUA_REPLICA_MAX_LAG="0")


def test_lsn_text_is_read_as_a_position():
    assert replicas.parse_lsn("0/3000148") == 0x3000148
    assert replicas.parse_lsn("1/0") == 1 << 32


@pytest.fixture
def bound(settings):
    settings.REPLICA_MAX_LAG = 5.0


def test_an_idle_primary_never_makes_its_replica_look_behind(bound):
    replica = replicas.Replica("replica_1")
    for second in range(100):  # nothing written for 100 s: the position does not move
        replica.measure(float(second), primary=500, replayed=500)
    assert replica.lag == 0.0 and replica.usable(100.0)


def test_the_lag_is_the_age_of_the_newest_position_the_replica_has_reached(bound):
    replica = replicas.Replica("replica_1")
    replica.measure(10.0, primary=100, replayed=100)
    replica.measure(11.0, primary=200, replayed=150)  # behind what it was told at 11 s
    assert replica.lag == 1.0  # it has everything of 10 s
    replica.measure(18.0, primary=300, replayed=150)  # replay stopped
    assert replica.lag == 8.0 and not replica.usable(18.0)
    replica.measure(19.0, primary=300, replayed=300)
    assert replica.lag == 0.0


def test_a_replica_never_seen_caught_up_is_not_read(bound):
    replica = replicas.Replica("replica_1")
    replica.measure(1.0, primary=200, replayed=100)
    assert replica.lag == float("inf")
    replica.measure(2.0, primary=200, replayed=None)  # no WAL replayed at all
    assert replica.lag == float("inf")


def test_the_router_writes_and_migrates_on_the_primary_only():
    chosen = replicas.ReplicaRouter()
    assert chosen.db_for_write(object) == "default"
    assert chosen.allow_migrate("default", "dossiers") is True
    assert chosen.allow_migrate("replica_1", "dossiers") is False


def test_outside_a_marked_view_reads_stay_on_the_primary(settings):
    settings.DATABASE_REPLICAS = ["replica_1"]
    assert replicas.ReplicaRouter().db_for_read(object) == "default"
    with replicas.primary():
        assert replicas.ReplicaRouter().db_for_read(object) == "default"


@pytest.fixture
def default_as_replica(settings, monkeypatch):
    """The test database plays the replica: chosen at a marked view's first read."""
    settings.DATABASE_REPLICAS = ["default"]
    monkeypatch.setattr(replicas.health, "pick", lambda: "default")
    downs: list[str] = []
    monkeypatch.setattr(replicas.health, "down", lambda alias, error: downs.append(alias))
    return downs


@pytest.mark.django_db(transaction=True)  # outside a transaction: reads may go to a replica
def test_an_error_of_the_primary_neither_marks_the_replica_down_nor_runs_the_view_again(
    default_as_replica,
):
    from django.db import OperationalError, connection

    runs: list[int] = []

    @replicas.replica_reads
    def view() -> None:
        runs.append(1)
        replicas.ReplicaRouter().db_for_read(object)  # the first read chooses the replica
        assert replicas.reading_replica()
        with connection.cursor() as cursor:  # and it answers
            cursor.execute("SELECT 1")
        raise OperationalError("canceling statement due to statement timeout")  # the primary

    with pytest.raises(OperationalError):
        view()
    assert runs == [1]
    assert default_as_replica == []


@pytest.mark.django_db(transaction=True)
def test_a_statement_the_replica_fails_marks_it_down_and_the_view_runs_on_the_primary(
    default_as_replica,
):
    from django.db import connection

    runs: list[bool] = []

    @replicas.replica_reads
    def view() -> str:
        replicas.ReplicaRouter().db_for_read(object)  # the first read chooses the replica
        runs.append(replicas.reading_replica())
        if replicas.reading_replica():
            with connection.cursor() as cursor:  # the replica's statement fails
                cursor.execute("SELECT * FROM no_such_table_on_the_replica")
        return "answered"

    assert view() == "answered"
    assert default_as_replica == ["default"]
    assert runs == [True, False]  # again on the primary
