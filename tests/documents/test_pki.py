"""The development PKI: what init_signing writes, that it keeps what exists, revocation."""

from __future__ import annotations

import stat
from io import StringIO
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.core.management import CommandError, call_command

from motcua.documents import pki

from .conftest import AGENCY_ID, AGENCY_NAME


def _cert(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_layout_and_permissions(signing_dir: Path) -> None:
    agency = signing_dir / "agencies"
    for secret in (
        signing_dir / "root.key.pem",
        signing_dir / "tsa.key.pem",
        agency / f"{AGENCY_ID}.p12",
        agency / f"{AGENCY_ID}.pass",
    ):
        assert _mode(secret) == 0o600, secret
    for public in ("root.pem", "root.cer", "root.crl", "tsa.pem"):
        assert (signing_dir / public).exists()
    assert not list(signing_dir.rglob("*.tmp"))


def test_root_is_a_ten_year_ca(signing_dir: Path) -> None:
    root = _cert(signing_dir / "root.pem")
    assert root.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == pki.ROOT_NAME
    assert root.subject == root.issuer
    assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    usage = root.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.key_cert_sign and usage.crl_sign
    lifetime = root.not_valid_after_utc - root.not_valid_before_utc
    assert 365 * 10 + 366 <= lifetime.days <= 365 * 10 + 366 + 5  # starts a year back
    assert isinstance(root.public_key(), rsa.RSAPublicKey)
    assert root.public_key().key_size == 3072
    # The DER copy is the same certificate.
    assert x509.load_der_x509_certificate((signing_dir / "root.cer").read_bytes()) == root


def test_agency_certificate(signing_dir: Path, settings) -> None:
    root = _cert(signing_dir / "root.pem")
    cert = _cert(signing_dir / "agencies" / f"{AGENCY_ID}.pem")
    subject = {attr.oid: attr.value for attr in cert.subject}
    assert subject[NameOID.COMMON_NAME] == AGENCY_NAME
    assert subject[NameOID.ORGANIZATION_NAME] == AGENCY_NAME
    assert subject[NameOID.COUNTRY_NAME] == "VN"
    assert subject[NameOID.USER_ID] == AGENCY_ID
    assert cert.issuer == root.subject
    cert.verify_directly_issued_by(root)
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical
    assert usage.value.digital_signature and usage.value.content_commitment
    assert not usage.value.key_cert_sign
    points = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    assert [name.value for name in points[0].full_name] == [
        f"{settings.PUBLIC_URL.rstrip('/')}/xac-thuc/crl/root.crl"
    ]
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca


def test_pkcs12_opens_with_the_passphrase_beside_it(signing_dir: Path) -> None:
    agency = signing_dir / "agencies"
    passphrase = (agency / f"{AGENCY_ID}.pass").read_text().strip()
    key, cert, extra = pkcs12.load_key_and_certificates(
        (agency / f"{AGENCY_ID}.p12").read_bytes(), passphrase.encode()
    )
    assert cert == _cert(agency / f"{AGENCY_ID}.pem")
    assert key is not None and key.public_key() == cert.public_key()
    assert extra == [_cert(signing_dir / "root.pem")]
    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates((agency / f"{AGENCY_ID}.p12").read_bytes(), b"wrong")


def test_tsa_certificate_is_for_timestamping_only(signing_dir: Path) -> None:
    cert = _cert(signing_dir / "tsa.pem")
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert eku.critical
    assert list(eku.value) == [ExtendedKeyUsageOID.TIME_STAMPING]
    cert.verify_directly_issued_by(_cert(signing_dir / "root.pem"))


def test_crl_is_signed_by_the_root_and_starts_empty(signing_dir: Path) -> None:
    root = _cert(signing_dir / "root.pem")
    crl = x509.load_der_x509_crl((signing_dir / "root.crl").read_bytes())
    assert crl.is_signature_valid(root.public_key())
    assert crl.issuer == root.subject
    assert len(crl) == 0
    assert crl.next_update_utc > crl.last_update_utc


def test_rerun_keeps_keys_and_force_replaces_them(signing_dir: Path) -> None:
    before = {path: path.read_bytes() for path in signing_dir.rglob("*") if path.is_file()}
    report = pki.init_signing(signing_dir, [(AGENCY_ID, AGENCY_NAME)])
    assert report.created == []
    assert f"agencies/{AGENCY_ID}.p12" in report.kept
    for path, data in before.items():
        if path.name != "root.crl":  # re-issued on every run, to keep it fresh
            assert path.read_bytes() == data, path

    report = pki.init_signing(signing_dir, [(AGENCY_ID, AGENCY_NAME)], force=True)
    assert {"root.pem", "tsa.pem", f"agencies/{AGENCY_ID}.p12"} <= set(report.created)
    for name in ("root.key.pem", "root.pem", "tsa.key.pem", f"agencies/{AGENCY_ID}.p12"):
        assert (signing_dir / name).read_bytes() != before[signing_dir / name], name


def test_new_agency_gets_a_key_and_old_ones_are_kept(signing_dir: Path) -> None:
    old = (signing_dir / "agencies" / f"{AGENCY_ID}.p12").read_bytes()
    report = pki.init_signing(
        signing_dir, [(AGENCY_ID, AGENCY_NAME), ("000.00.01.H26", "Sở Tư pháp")]
    )
    assert report.created == ["agencies/000.00.01.H26.p12"]
    assert (signing_dir / "agencies" / f"{AGENCY_ID}.p12").read_bytes() == old
    assert set(report.serials) == {AGENCY_ID, "000.00.01.H26"}


def test_long_vietnamese_name_fits_the_64_byte_limit(tmp_path: Path) -> None:
    name = "Trung tâm Phục vụ hành chính công tỉnh Bà Rịa - Vũng Tàu và các huyện lân cận"
    report = pki.init_signing(tmp_path, [("000.00.02.H26", name)])
    cert = _cert(tmp_path / "agencies" / "000.00.02.H26.pem")
    common_name = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    assert isinstance(common_name, str)
    assert name.startswith(common_name)
    assert len(common_name.encode()) <= 64
    assert report.serials["000.00.02.H26"] == format(cert.serial_number, "x")


def test_revoke_lists_the_serial_and_survives_a_rerun(signing_dir: Path) -> None:
    serial = _cert(signing_dir / "agencies" / f"{AGENCY_ID}.pem").serial_number
    pki.revoke(signing_dir, format(serial, "x"))
    pki.revoke(signing_dir, format(serial, "X"))  # twice: listed once
    crl = x509.load_der_x509_crl((signing_dir / "root.crl").read_bytes())
    assert [entry.serial_number for entry in crl] == [serial]
    assert crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number >= 3

    pki.init_signing(signing_dir, [(AGENCY_ID, AGENCY_NAME)])
    assert pki.revoked_serials(signing_dir).keys() == {serial}


def test_parse_serial() -> None:
    assert pki.parse_serial("0x0A:bc") == 0xABC
    assert pki.parse_serial(42) == 42
    with pytest.raises(ValueError):
        pki.parse_serial("xyz")


@pytest.mark.django_db
def test_command_makes_keys_for_every_agency(signing_dir: Path) -> None:
    from tests.factories import make_hanoi

    _hanoi, _ward, agency = make_hanoi()
    out = StringIO()
    call_command("init_signing", stdout=out)
    text = out.getvalue()
    assert (signing_dir / "agencies" / f"{agency.electronic_id}.p12").exists()
    assert str(signing_dir / "root.pem") in text
    assert "certutil" in text and "Adobe" in text
    serial = _cert(signing_dir / "agencies" / f"{agency.electronic_id}.pem").serial_number
    assert format(serial, "x") not in text  # hundreds of agencies: serials only with -v 2
    out = StringIO()
    call_command("init_signing", verbosity=2, stdout=out)
    assert format(serial, "x") in out.getvalue()

    out = StringIO()
    call_command("init_signing", "--revoke", format(serial, "x"), stdout=out)
    assert serial in pki.revoked_serials(signing_dir)
    assert "root.crl" in out.getvalue()


@pytest.mark.django_db
def test_command_refuses_bad_serials_and_production(signing_dir: Path, settings) -> None:
    with pytest.raises(CommandError):
        call_command("init_signing", "--revoke", "not-hex", stdout=StringIO())
    settings.IS_PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("init_signing", stdout=StringIO())
