"""An officer's scope (roles by unit, the desk's units) kept by the process when the cache is
shared (docs/benchmarks.md, "Reads, third pass"): no query once kept, and any change of a
role or a desk read at the next request, never a role taken away still working."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.dossiers import access
from motcua.dossiers.access import officer_scope
from motcua.identity.models import OfficerRole, OneStopDesk, User


@pytest.fixture
def shared(monkeypatch):
    """The suite's cache is one process's memory, which is what a shared cache is to a
    single process: keep scopes as with Redis."""
    monkeypatch.setattr(access, "_shared_cache", lambda: True)
    access._kept_scopes.clear()
    yield
    access._kept_scopes.clear()


def fresh(user: User) -> User:
    """The officer as the next request sees them: a new instance (nothing on it kept)."""
    return User.objects.get(pk=user.pk)


def test_a_kept_scope_costs_no_query_and_is_the_one_read(world, shared):
    specialist = world["specialist"]
    read = officer_scope(fresh(specialist))
    assert read.holds(OfficerRole.Role.SPECIALIST, world.committee.pk)
    again = fresh(specialist)
    with CaptureQueriesContext(connection) as queries:
        kept = officer_scope(again)
    assert kept == read
    assert not queries.captured_queries


def test_each_officer_has_their_own(world, shared):
    officer_scope(fresh(world["specialist"]))
    police = officer_scope(fresh(world["police_specialist"]))
    assert police.covers(world.police.pk) and not police.covers(world.committee.pk)


def test_a_role_taken_away_stops_at_the_next_request(world, shared):
    specialist = world["specialist"]
    assert officer_scope(fresh(specialist)).covers(world.committee.pk)
    OfficerRole.objects.filter(user=specialist).delete()
    assert not officer_scope(fresh(specialist)).covers(world.committee.pk)


def test_a_role_given_or_changed_counts_at_the_next_request(world, shared):
    specialist = world["specialist"]
    assert not officer_scope(fresh(specialist)).covers(world.police.pk)
    role = OfficerRole.objects.create(
        user=specialist, role=OfficerRole.Role.SPECIALIST, agency=world.police
    )
    assert officer_scope(fresh(specialist)).covers(world.police.pk)
    role.agency = world.land_dept
    role.save()
    scope = officer_scope(fresh(specialist))
    assert scope.covers(world.land_dept.pk) and not scope.covers(world.police.pk)


def test_the_units_a_desk_serves_count_at_the_next_request(world, shared):
    receiver = world["receiver"]
    assert not officer_scope(fresh(receiver)).holds(OfficerRole.Role.RECEIVER, world.police.pk)
    desk = OneStopDesk.objects.get()
    desk.agencies.add(world.police)
    assert officer_scope(fresh(receiver)).holds(OfficerRole.Role.RECEIVER, world.police.pk)
    desk.delete()
    assert not officer_scope(fresh(receiver)).holds(OfficerRole.Role.RECEIVER, world.police.pk)


def test_superuser_rights_given_count_at_once(world, shared):
    specialist = world["specialist"]
    assert not officer_scope(fresh(specialist)).is_system_admin
    User.objects.filter(pk=specialist.pk).update(is_superuser=True)
    assert officer_scope(fresh(specialist)).is_system_admin


def test_a_lost_generation_reads_afresh(world, shared):
    from django.core.cache import cache

    specialist = world["specialist"]
    officer_scope(fresh(specialist))
    cache.delete(access.ROLES_GENERATION)
    again = fresh(specialist)
    with CaptureQueriesContext(connection) as queries:
        assert officer_scope(again).covers(world.committee.pk)
    assert queries.captured_queries  # read again, not taken from before


def test_without_a_shared_cache_every_request_reads_the_roles(world, monkeypatch):
    monkeypatch.setattr(access, "_shared_cache", lambda: False)
    specialist = world["specialist"]
    officer_scope(fresh(specialist))
    again = fresh(specialist)
    with CaptureQueriesContext(connection) as queries:
        officer_scope(again)
    assert len(queries.captured_queries) == 1
