from __future__ import annotations

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _vietnamese_by_default():
    # Each test starts in the default language, whatever an earlier test activated.
    translation.activate("vi")
    yield
    translation.deactivate()
