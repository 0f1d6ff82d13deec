"""core/generations.py: a generation read from the shared cache once a request."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.signals import request_finished, request_started

from motcua.core import generations, page_cache
from motcua.core.generations import Generation

# The request's end closes old database connections (Django's own receiver).
pytestmark = pytest.mark.django_db

ROLES, PAGES = Generation("test:gen:roles"), "test:gen:pages"


class Counting:
    """The cache's reads, counted: (method, keys). One get_many is one round trip to Redis
    (MGET); the local-memory cache of the tests runs it as gets, not counted apart."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[tuple[str, tuple[str, ...]]] = []
        self.inside = False
        get, get_many = cache.get, cache.get_many

        def counted_get(key, *args, **kwargs):
            if not self.inside:
                self.calls.append(("get", (key,)))
            return get(key, *args, **kwargs)

        def counted_get_many(keys, *args, **kwargs):
            self.calls.append(("get_many", tuple(sorted(keys))))
            self.inside = True
            try:
                return get_many(keys, *args, **kwargs)
            finally:
                self.inside = False

        monkeypatch.setattr(cache, "get", counted_get)
        monkeypatch.setattr(cache, "get_many", counted_get_many)


@pytest.fixture
def request_scope():
    def start() -> None:
        request_started.send(sender=None)

    yield start
    request_finished.send(sender=None)


def test_a_request_reads_every_generation_it_needs_in_one_round_trip(
    monkeypatch, request_scope
):
    ROLES.bump()
    page_cache.bump(PAGES)
    request_scope()  # a first request makes both known
    first = (ROLES.current(), page_cache.generation(PAGES))
    request_finished.send(sender=None)
    reads = Counting(monkeypatch)
    request_scope()
    for _ in range(3):
        assert (ROLES.current(), page_cache.generation(PAGES)) == first
    many = [keys for method, keys in reads.calls if method == "get_many"]
    assert [c for c in reads.calls if c[0] == "get"] == [] and len(many) == 1
    assert {"test:gen:roles", PAGES} <= set(many[0])


def test_a_request_sees_its_own_change_at_once_and_the_next_one_anyone_s(request_scope):
    request_scope()
    before = ROLES.current()
    ROLES.bump()  # this request's own change
    mine = ROLES.current()
    assert mine != before
    cache.set("test:gen:roles", "another-process", None)  # someone else's, meanwhile
    assert ROLES.current() == mine  # one moment of every generation within a request
    request_finished.send(sender=None)
    request_scope()
    assert ROLES.current() == "another-process"


def test_outside_a_request_every_read_goes_to_the_cache():
    request_finished.send(sender=None)
    ROLES.bump()
    cache.set("test:gen:roles", "changed", None)
    assert ROLES.current() == "changed"
    cache.delete("test:gen:roles")  # a cache that lost the key: a new token, kept
    fresh = ROLES.current()
    assert fresh and ROLES.current() == fresh == cache.get("test:gen:roles")


def test_a_key_the_cache_lost_is_renewed_once_within_a_request(request_scope):
    cache.delete(PAGES)
    request_scope()
    token = page_cache.generation(PAGES)
    assert token == cache.get(PAGES) and page_cache.generation(PAGES) == token
    assert generations.read(PAGES) == token
