"""Counting per client in the cache: atomic, shared through the cache, with a Retry-After."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine

from motcua.core.admission import RateLimited
from motcua.core.throttle import Limit

START = datetime(2026, 11, 23, 1, 0, 7, tzinfo=UTC)


def test_a_window_starts_at_the_first_hit_and_says_how_long_is_left():
    limit = Limit("t", 3, 60, "quá nhiều, chờ %(seconds)d giây")
    with time_machine.travel(START, tick=False) as clock:
        assert [limit.hit("a") for _ in range(3)] == [1, 2, 3]
        assert limit.wait("b") == 0  # another client is not counted with it
        clock.shift(timedelta(seconds=20))
        assert limit.wait("a") == 40
        with pytest.raises(RateLimited) as refused:
            limit.take("a")
        assert refused.value.retry_after == 40
        assert refused.value.message == "quá nhiều, chờ 40 giây"
    # The memory cache expires by the real clock: forget the window as expiry would.
    limit.reset("a")
    assert limit.wait("a") == 0 and limit.hit("a") == 1


def test_hits_from_many_threads_at_once_are_all_counted():
    limit = Limit("burst", 10_000, 60)
    barrier = threading.Barrier(8)

    def hammer():
        barrier.wait()
        for _ in range(250):
            limit.hit("one-client")

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert limit.count("one-client") == 2000


# --- on a real Redis, shared by two processes, as two web nodes share it -----------------------

OTHER_NODE = """
import sys
import django
from django.conf import settings
settings.configure(
    INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes"],
    CACHES={"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": sys.argv[1]}},
)
django.setup()
from motcua.core.throttle import Limit
for _ in range(500):
    Limit("nodes", 10_000, 60).hit("one-client")
"""


@pytest.fixture
def redis_url(tmp_path, settings):
    """A Redis server of its own, as the cache for the test."""
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(binary).exists():
        pytest.skip("redis-server is not installed")
    with socket.socket() as probe:  # a free port, so that parallel runs do not collide
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(100):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            server.wait(timeout=0.05) if server.poll() is not None else time.sleep(0.05)
        url = f"redis://127.0.0.1:{port}/0"
        original = settings.CACHES
        settings.CACHES = {
            "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
        }
        yield url
        settings.CACHES = original
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_two_processes_count_into_one_redis_without_losing_a_hit(redis_url):
    limit = Limit("nodes", 10_000, 60)
    other = subprocess.Popen([sys.executable, "-c", OTHER_NODE, redis_url])
    for _ in range(500):
        limit.hit("one-client")
    assert other.wait(timeout=60) == 0
    assert limit.count("one-client") == 1000
    # The window's start is shared too: a client over the limit is told how long is left.
    small = Limit("small", 2, 60)
    for _ in range(3):
        small.hit("x")
    assert 58 <= small.wait("x") <= 60
