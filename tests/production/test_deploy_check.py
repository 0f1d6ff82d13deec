"""`motcua check --deploy` is clean for a correctly configured production, in a process of its
own (the settings are read from the environment once, as a server reads them)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import motcua

SRC = Path(motcua.__file__).resolve().parents[1]


def check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MOTCUA_", "DJANGO_"))}
    return subprocess.run(
        [sys.executable, "-m", "motcua", "check", "--deploy", "--fail-level", "WARNING"],
        env={**clean, "PYTHONPATH": str(SRC), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def production(tmp_path: Path) -> dict[str, str]:
    return {
        "MOTCUA_ENV": "production",
        "MOTCUA_SECRET_KEY": secrets.token_urlsafe(50),
        "MOTCUA_ALLOWED_HOSTS": "dichvucong.hanoi.gov.vn",
        "MOTCUA_REDIS_URL": "redis://127.0.0.1:6379/0",  # not reached by the checks
        "MOTCUA_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MOTCUA_EMAIL_HOST": "smtp.hanoi.gov.vn",
    }


def test_check_deploy_is_clean_in_a_correctly_configured_production(tmp_path):
    done = check_deploy(production(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_check_deploy_says_what_development_lacks(tmp_path):
    done = check_deploy({"MOTCUA_DATA_DIR": str(tmp_path)})
    assert done.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W009", "security.W012"):
        assert warning in done.stderr


def test_asking_for_preload_brings_back_its_check(tmp_path):
    done = check_deploy({**production(tmp_path), "MOTCUA_HSTS_PRELOAD": "1"})
    assert done.returncode == 0, done.stdout + done.stderr
    done = check_deploy({**production(tmp_path), "MOTCUA_HSTS_INCLUDE_SUBDOMAINS": "0"})
    assert "security.W005" in done.stderr  # the operator's choice, which the check reports
