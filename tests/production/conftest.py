from __future__ import annotations

import pytest

from .stack import have


def needs(*binaries: str) -> pytest.MarkDecorator:
    """Skip unless every binary is installed (CI installs them all in .ci/run)."""
    missing = [binary for binary in binaries if not have(binary)]
    return pytest.mark.skipif(bool(missing), reason=f"needs {', '.join(missing)}")


@pytest.fixture
def workdir(tmp_path):
    return tmp_path
