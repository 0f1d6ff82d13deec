from __future__ import annotations

import pytest
from django.utils import translation
from hypothesis import settings as hypothesis_settings

# The ``announced`` fixture: the security events a test caused (motcua.core.security).
pytest_plugins = ["tests.security_events"]

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

    cache.clear()
    yield
    cache.clear()


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
