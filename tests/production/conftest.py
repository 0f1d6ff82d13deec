from __future__ import annotations

import pytest

from .stack import have


def needs(*binaries: str) -> pytest.MarkDecorator:
    """Skip unless every binary is installed (CI installs them all in .ci/run)."""
    missing = [binary for binary in binaries if not have(binary)]
    return pytest.mark.skipif(bool(missing), reason=f"needs {', '.join(missing)}")


@pytest.fixture
def workdir(tmp_path):
    # PostgreSQL runs as its own user, which must reach the files under the test's directory.
    tmp_path.chmod(0o755)
    tmp_path.parent.chmod(0o755)
    return tmp_path
