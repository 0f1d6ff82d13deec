"""Fixtures for signing: one development PKI per test session (RSA key generation is the
slow part), copied afresh for each test so that revoking in one test leaves the others be."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from motcua.documents import pki

AGENCY_ID = "000.00.00.H26"
AGENCY_NAME = "Ủy ban nhân dân thành phố Hà Nội"
SIGNER = "Nguyễn Thị Bình"


@pytest.fixture(scope="session")
def pki_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pki.Report]:
    directory = tmp_path_factory.mktemp("signing-template")
    report = pki.init_signing(directory, [(AGENCY_ID, AGENCY_NAME)])
    return directory, report


@pytest.fixture
def signing_dir(pki_template: tuple[Path, pki.Report], tmp_path: Path, settings) -> Path:
    """This test's copy of the development PKI, and settings that point at it (nothing
    from the developer's environment: no TSA, no configured keys, no extra CRL)."""
    directory = tmp_path / "signing"
    shutil.copytree(pki_template[0], directory)
    settings.SIGNING_DIR = directory
    settings.TRUSTED_ROOTS = [directory / "root.pem"]
    settings.SIGNING_CRLS = []
    settings.SIGNING_KEYS = {}
    settings.TSA_URL = ""
    return directory


@pytest.fixture(scope="session")
def plain_pdf() -> bytes:
    from weasyprint import HTML

    return HTML(string="<p>Giấy khai sinh — Nguyễn Văn Ả</p>").write_pdf()
