from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections
from django.test.testcases import LiveServerThread, _StaticFilesHandler
from django.utils import translation
from hypothesis import settings as hypothesis_settings

# The ``announced`` fixture: the security events a test caused (motcua.core.security).
pytest_plugins = ["tests.security_events", "tests.action_plans.fixtures"]

# Hypothesis checks properties, not speed: its default 200 ms deadline per example fails on a
# busy CI machine (tests never judge wall time).
hypothesis_settings.register_profile("motcua", deadline=None)
hypothesis_settings.load_profile("motcua")


@pytest.fixture(autouse=True)
def _vietnamese_by_default():
    # Each test starts in the default language, whatever an earlier test activated.
    translation.activate("vi")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Tests hash passwords dozens of times; the real hasher is slow by design.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _notifications_stay_in_memory(settings):
    # Like Django's mail.outbox: SMS sent during a test are kept in MemorySmsBackend.outbox, and
    # nothing reaches a national-portal address set in the developer's environment.
    from motcua.core.sms import MemorySmsBackend

    settings.SMS_BACKEND = "motcua.core.sms.MemorySmsBackend"
    settings.NATIONAL_PORTAL_URL = ""
    MemorySmsBackend.outbox.clear()


@pytest.fixture(autouse=True)
def _sessions_outlive_time_travel(settings):
    # Many tests sign in inside time_machine.travel() to a fixed day, then read a page back
    # in the present: the session limits (motcua.identity.sessions), and the stored session's
    # own expiry (SESSION_COOKIE_AGE, as long as the longest limit), would sign them out.
    # tests/identity/test_sessions.py sets the real limits back.
    settings.OFFICER_SESSION_IDLE_MINUTES = settings.CITIZEN_SESSION_IDLE_MINUTES = 10**7
    settings.OFFICER_SESSION_MAX_HOURS = settings.CITIZEN_SESSION_MAX_HOURS = 10**6
    settings.SESSION_COOKIE_AGE = 3600 * 10**6


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate counts and cached pages live in the cache, which outlives a test's database (and
    # its reused primary keys).
    from django.core.cache import cache

    from motcua.core import generations

    cache.clear()
    generations._request.memo = None  # a request a test left open (an unread stream)
    yield
    cache.clear()
    generations._request.memo = None


@pytest.fixture(scope="session")
def _development_pki(tmp_path_factory):
    # One root and timestamp authority per test process (RSA key generation is the slow
    # part); each agency gets its key the first time it signs, as in development.
    from motcua.documents import pki

    directory = tmp_path_factory.mktemp("signing")
    pki.init_signing(directory, [])
    return directory


@pytest.fixture(autouse=True)
def _signing_with_the_test_pki(settings, _development_pki):
    # A decision issues its signed result: every test signs with the session's development
    # PKI, never with keys or a timestamp server from the developer's environment.
    settings.SIGNING_DIR = _development_pki
    settings.TRUSTED_ROOTS = [_development_pki / "root.pem"]
    settings.SIGNING_KEYS = {}
    settings.SIGNING_CRLS = []
    settings.TSA_URL = ""


# --- a real browser (tests marked "browser") -------------------------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# The same flags the machine's probe uses: no connection leaves this host.
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
needs_chromium = pytest.mark.skipif(
    not os.path.exists(CHROMIUM), reason="needs Debian's chromium (apt-get install chromium)"
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright, one per test module (starting it is the slow
    part); each test opens its own context, so no cookie passes from one test to the next."""
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test
    # itself are synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def site(transactional_db) -> Iterator[str]:
    """This test's own server on 127.0.0.1, stopped with the test: its threads' database
    connections (PostgreSQL's pool keeps them) are closed before the database is flushed,
    so the test database can be dropped at the end of the run."""
    thread = LiveServerThread("127.0.0.1", _StaticFilesHandler, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://127.0.0.1:{thread.port}"
    thread.terminate()
    for connection in connections.all():
        if getattr(connection, "pool", None) is not None:
            connection.close_pool()
