from __future__ import annotations

import importlib.util
import os
import uuid
from pathlib import Path

import pytest

import motcua

from .stack import have


def needs(*binaries: str) -> pytest.MarkDecorator:
    """Skip unless every binary is installed (CI installs them all in .ci/run)."""
    missing = [binary for binary in binaries if not have(binary)]
    return pytest.mark.skipif(bool(missing), reason=f"needs {', '.join(missing)}")


@pytest.fixture
def workdir(tmp_path):
    return tmp_path


SETTINGS_FILE = Path(motcua.__file__).parent / "settings.py"


@pytest.fixture
def load(monkeypatch):
    """``load(**env)``: a fresh copy of the settings module read with exactly these variables."""

    def read(**env: str):
        for name in [n for n in os.environ if n.startswith("MOTCUA_")]:
            monkeypatch.delenv(name)
        monkeypatch.delenv("DATABASE_URL", raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        spec = importlib.util.spec_from_file_location(f"settings_{uuid.uuid4().hex}", SETTINGS_FILE)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    return read
