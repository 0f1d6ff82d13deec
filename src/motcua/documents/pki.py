"""A development PKI, so that documents are really signed on a laptop and in CI.

DEVELOPMENT ONLY. ``init_signing`` makes a root CA, one signing certificate per agency, a
timestamp authority (TSA) certificate and a CRL, all under one directory (by default
``DATA_DIR/signing``, never committed). Each agency's key is a PKCS#12 file whose passphrase
lies next to it in a ``.pass`` file: that keeps the signing code on the same path as a real
deployment (PKCS#12 with a passphrase, or a PKCS#11 token) while needing no secret store,
and is exactly why none of this may be used in production.

Layout::

    root.pem, root.cer     root CA certificate (PEM, DER): import it into a PDF reader
    root.key.pem           root CA key (0600)
    root.crl               CRL signed by the root (DER), re-issued by every run and revoke()
    tsa.pem, tsa.key.pem   timestamp authority certificate and key (0600)
    agencies/<id>.p12      agency key + certificate + root, PKCS#12 (0600)
    agencies/<id>.pass     its passphrase (0600)
    agencies/<id>.pem      agency certificate alone (public)
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings

from motcua.core.public_urls import crl_url

ROOT_NAME = "Một Cửa Development Root CA"
TSA_NAME = "Một Cửa Development Timestamp Authority"
ROOT_YEARS = 10
LEAF_YEARS = 3
# A CRL older than its nextUpdate no longer proves "not revoked" (verification runs in
# "hard-fail" mode), so it lives long; every init_signing run and every revoke() renews it.
CRL_DAYS = 365
# Development certificates and CRLs start a year back: the demo and the tests run clocks set to
# earlier days (a dossier decided "last month"), and a signature made then must still verify.
BACKDATE = dt.timedelta(days=366)
# X.520 caps CN and O at 64 (cryptography counts UTF-8 bytes, and Vietnamese letters take 2-3):
# a long agency name is cut; the UID attribute, the electronic id, identifies the agency anyway.
NAME_MAX = 64


@dataclass
class Report:
    """What init_signing found and did, for the management command to print."""

    directory: Path
    root_certificate: Path
    crl: Path
    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    # electronic_id -> certificate serial (hex), for `motcua init_signing --revoke SERIAL`
    serials: dict[str, str] = field(default_factory=dict)


def default_directory() -> Path:
    return Path(getattr(settings, "SIGNING_DIR", settings.DATA_DIR / "signing"))


def agency_paths(directory: Path, electronic_id: str) -> tuple[Path, Path, Path]:
    """(PKCS#12, passphrase, certificate) of one agency."""
    if not electronic_id or "/" in electronic_id or electronic_id.startswith("."):
        raise ValueError(f"Not an electronic id: {electronic_id!r}")
    base = directory / "agencies"
    return (
        base / f"{electronic_id}.p12",
        base / f"{electronic_id}.pass",
        base / f"{electronic_id}.pem",
    )


def init_signing(
    directory: Path | None = None,
    agencies: list[tuple[str, str]] | None = None,
    *,
    force: bool = False,
) -> Report:
    """Create what is missing (everything with ``force``) and re-issue the CRL.

    A new root invalidates every certificate under the old one, so when the root is made
    anew every agency certificate and the TSA's are made anew too."""
    directory = Path(directory) if directory is not None else default_directory()
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "agencies").mkdir(mode=0o700, exist_ok=True)
    report = Report(directory, directory / "root.pem", directory / "root.crl")
    now = _now()

    root_key_path = directory / "root.key.pem"
    new_root = False
    if force or not (report.root_certificate.exists() and root_key_path.exists()):
        root_key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
        root_cert = _root_certificate(root_key, now)
        _write(root_key_path, _key_pem(root_key), private=True)
        _write(report.root_certificate, root_cert.public_bytes(serialization.Encoding.PEM))
        _write(directory / "root.cer", root_cert.public_bytes(serialization.Encoding.DER))
        report.created.append("root.pem")
        force = new_root = True
    else:
        report.kept.append("root.pem")
    root_key, root_cert = load_root(directory)

    tsa_key_path, tsa_cert_path = directory / "tsa.key.pem", directory / "tsa.pem"
    if force or not (tsa_key_path.exists() and tsa_cert_path.exists()):
        tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        tsa_cert = _leaf_certificate(
            root_key, root_cert, tsa_key.public_key(), _name(TSA_NAME), now, timestamping=True
        )
        _write(tsa_key_path, _key_pem(tsa_key), private=True)
        _write(tsa_cert_path, tsa_cert.public_bytes(serialization.Encoding.PEM))
        report.created.append("tsa.pem")
    else:
        report.kept.append("tsa.pem")

    for electronic_id, name in agencies or []:
        p12_path, pass_path, cert_path = agency_paths(directory, electronic_id)
        label = f"agencies/{electronic_id}.p12"
        if not force and p12_path.exists() and pass_path.exists() and cert_path.exists():
            report.kept.append(label)
            cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        else:
            cert = _issue_agency(directory, root_key, root_cert, electronic_id, name, now)
            report.created.append(label)
        report.serials[electronic_id] = format(cert.serial_number, "x")

    # A new root has revoked nothing yet; the old root's list would name strangers.
    revoked = {} if new_root else revoked_serials(directory)
    _issue_crl(directory, root_key, root_cert, revoked, now)
    return report


def _issue_agency(
    directory: Path,
    root_key: rsa.RSAPrivateKey,
    root_cert: x509.Certificate,
    electronic_id: str,
    name: str,
    now: dt.datetime,
) -> x509.Certificate:
    p12_path, pass_path, cert_path = agency_paths(directory, electronic_id)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = _leaf_certificate(root_key, root_cert, key.public_key(), _name(name, electronic_id), now)
    passphrase = secrets.token_urlsafe(24)
    p12 = pkcs12.serialize_key_and_certificates(
        name=electronic_id.encode(),
        key=key,
        cert=cert,
        cas=[root_cert],
        encryption_algorithm=serialization.BestAvailableEncryption(passphrase.encode()),
    )
    _write(pass_path, passphrase.encode() + b"\n", private=True)
    _write(p12_path, p12, private=True)
    _write(cert_path, cert.public_bytes(serialization.Encoding.PEM))
    return cert


def ensure_agency(directory: Path, electronic_id: str, name: str) -> bool:
    """Development only: give an agency its key under the existing root the first time it
    signs (an agency added after init_signing, or the demo's hundreds of wards, of which few
    sign). True when one was made; False when it existed or there is no root to make it."""
    p12_path, pass_path, _cert = agency_paths(directory, electronic_id)
    if p12_path.exists() and pass_path.exists():
        return False
    if not (directory / "root.key.pem").exists():
        return False
    import fcntl

    (directory / "agencies").mkdir(mode=0o700, exist_ok=True)
    with open(directory / "agencies" / ".lock", "a") as lock:
        # Two processes signing for a new agency at once must not mix two keys' files.
        fcntl.flock(lock, fcntl.LOCK_EX)
        if p12_path.exists() and pass_path.exists():
            return False
        root_key, root_cert = load_root(directory)
        _issue_agency(directory, root_key, root_cert, electronic_id, name, _now())
    return True


def revoke(directory: Path | None, serial: int | str) -> Path:
    """Add a certificate serial (int, or hex as SignedPdf.certificate_serial gives it) to the
    CRL and re-issue it. Returns the CRL's path."""
    directory = Path(directory) if directory is not None else default_directory()
    number = parse_serial(serial)
    root_key, root_cert = load_root(directory)
    now = _now()
    serials = revoked_serials(directory)
    serials.setdefault(number, now)
    return _issue_crl(directory, root_key, root_cert, serials, now)


def parse_serial(serial: int | str) -> int:
    if isinstance(serial, int):
        return serial
    text = serial.strip().lower().removeprefix("0x").replace(":", "").replace(" ", "")
    return int(text, 16)


def revoked_serials(directory: Path) -> dict[int, dt.datetime]:
    """Serials the current CRL lists, with their revocation dates."""
    path = directory / "root.crl"
    if not path.exists():
        return {}
    crl = x509.load_der_x509_crl(path.read_bytes())
    return {entry.serial_number: entry.revocation_date_utc for entry in crl}


def load_root(
    directory: Path,
) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    key = serialization.load_pem_private_key((directory / "root.key.pem").read_bytes(), None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("The development root key is not an RSA key")
    cert = x509.load_pem_x509_certificate((directory / "root.pem").read_bytes())
    return key, cert


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _fit(name: str) -> str:
    """The longest whole-character prefix within NAME_MAX bytes of UTF-8."""
    name = " ".join(name.split()) or "?"
    while len(name.encode()) > NAME_MAX:
        name = name[:-1]
    return name.rstrip()


def _name(name: str, electronic_id: str | None = None) -> x509.Name:
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, _fit(name)),
        x509.NameAttribute(NameOID.COMMON_NAME, _fit(name)),
    ]
    if electronic_id:
        # The agency's electronic id (QĐ 20/2020/QĐ-TTg) ties the certificate to the agency.
        attributes.append(x509.NameAttribute(NameOID.USER_ID, electronic_id))
    return x509.Name(attributes)


def _root_certificate(key: rsa.RSAPrivateKey, now: dt.datetime) -> x509.Certificate:
    name = _name(ROOT_NAME)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(now + dt.timedelta(days=365 * ROOT_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )


def _leaf_certificate(
    root_key: rsa.RSAPrivateKey,
    root_cert: x509.Certificate,
    public_key: rsa.RSAPublicKey,
    subject: x509.Name,
    now: dt.datetime,
    *,
    timestamping: bool = False,
) -> x509.Certificate:
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(root_cert.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(
            min(now + dt.timedelta(days=365 * LEAF_YEARS), root_cert.not_valid_after_utc)
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=not timestamping,  # nonRepudiation
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
            critical=False,
        )
        .add_extension(
            x509.CRLDistributionPoints(
                [
                    x509.DistributionPoint(
                        full_name=[x509.UniformResourceIdentifier(crl_url())],
                        relative_name=None,
                        reasons=None,
                        crl_issuer=None,
                    )
                ]
            ),
            critical=False,
        )
    )
    if timestamping:
        # RFC 3161 §2.3: a TSA certificate has exactly this purpose, marked critical.
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    return builder.sign(root_key, hashes.SHA256())


def _issue_crl(
    directory: Path,
    root_key: rsa.RSAPrivateKey,
    root_cert: x509.Certificate,
    serials: dict[int, dt.datetime],
    now: dt.datetime,
) -> Path:
    path = directory / "root.crl"
    number = 1
    if path.exists():
        previous = x509.load_der_x509_crl(path.read_bytes())
        try:
            number = previous.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
            number += 1
        except x509.ExtensionNotFound:
            pass
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(root_cert.subject)
        .last_update(now - BACKDATE)
        .next_update(now + dt.timedelta(days=CRL_DAYS))
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
            critical=False,
        )
    )
    for serial, revoked_at in sorted(serials.items()):
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(serial)
            .revocation_date(revoked_at)
            .build()
        )
    crl = builder.sign(root_key, hashes.SHA256())
    _write(path, crl.public_bytes(serialization.Encoding.DER))
    return path


def _key_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _write(path: Path, data: bytes, *, private: bool = False) -> None:
    """Write through a temporary file and rename, so a reader never sees half a key; key
    files are created 0600 from the start, not chmod-ed after."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600 if private else 0o644)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
