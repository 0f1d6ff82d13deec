from __future__ import annotations

import pytest
from django.utils import translation


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
