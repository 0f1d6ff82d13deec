"""Signing and verification, checked by our verifier and by independent tools (poppler's
pdfsig, MuPDF's mutool, the pyHanko CLI, qpdf) so that "valid" means valid to others too."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import secrets
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from motcua.documents import pki
from motcua.documents.boxes import SignatureBox
from motcua.documents.signing import SignedPdf, SigningError, sign_pdf
from motcua.documents.verification import verify_pdf

from .conftest import AGENCY_ID, AGENCY_NAME, SIGNER

SOFTHSM = "/usr/lib/softhsm/libsofthsm2.so"
BOX = SignatureBox(page=0, box=(300.0, 60.0, 560.0, 130.0))


def _sign(content: bytes, **overrides) -> SignedPdf:
    arguments = {
        "agency_id": AGENCY_ID,
        "signer_label": SIGNER,
        "agency_name": AGENCY_NAME,
        "box": BOX,
        "reason": "Ban hành kết quả giải quyết",
        "location": "Hà Nội",
    }
    arguments.update(overrides)
    return sign_pdf(content, **arguments)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed")
    return path


def _run(*command: str | Path, check: bool = False) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        timeout=120,
        check=check,
        env={**os.environ, "LC_ALL": "C.UTF-8"},
    )


def _write(tmp_path: Path, content: bytes, name: str = "signed.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def _byte_range(content: bytes) -> tuple[int, int, int, int]:
    match = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", content)
    assert match
    a, b, c, d = (int(group) for group in match.groups())
    return a, b, c, d


@pytest.fixture
def signed(signing_dir: Path, plain_pdf: bytes) -> SignedPdf:
    return _sign(plain_pdf)


# --- our own verifier ---------------------------------------------------------------------


def test_signed_pdf_is_valid_trusted_and_intact(signed: SignedPdf, signing_dir: Path) -> None:
    cert = x509.load_pem_x509_certificate(
        (signing_dir / "agencies" / f"{AGENCY_ID}.pem").read_bytes()
    )
    assert signed.signer_name == AGENCY_NAME
    assert signed.certificate_serial == format(cert.serial_number, "x")
    assert AGENCY_NAME in signed.certificate_subject
    assert signed.timestamped is False
    assert abs(dt.datetime.now(dt.UTC) - signed.signed_at) < dt.timedelta(minutes=1)

    result = verify_pdf(signed.content)
    assert result.verdict == "valid", result.problems
    assert (result.signed, result.intact, result.valid, result.trusted) == (True,) * 4
    assert result.revoked is False  # checked against the CRL, not merely unknown
    assert result.covers_whole_file and not result.modified_after_signing
    assert result.signer_name == AGENCY_NAME
    assert result.certificate_serial == signed.certificate_serial
    assert result.timestamped is False and result.timestamp_valid is None
    assert result.signed_at is not None
    assert abs(result.signed_at - signed.signed_at) < dt.timedelta(minutes=1)
    assert result.problems == []
    assert result.signature_count == 1
    assert result.sha256 == hashlib.sha256(signed.content).hexdigest()


def test_signing_is_an_incremental_update(signed: SignedPdf, plain_pdf: bytes) -> None:
    # The original bytes stay untouched at the start: nothing WeasyPrint wrote is rewritten.
    assert signed.content.startswith(plain_pdf)
    assert signed.content.count(b"%%EOF") >= 2


def test_pades_subfilter_sha256_and_embedded_crl(signed: SignedPdf) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(BytesIO(signed.content))
    (signature,) = reader.embedded_signatures
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert signature.md_algorithm == "sha256"
    assert signature.sig_object["/Reason"] == "Ban hành kết quả giải quyết"
    assert signature.sig_object["/Location"] == "Hà Nội"
    # The development CRL went into the DSS, in the signature's own revision.
    dss = reader.root["/DSS"]
    assert len(dss["/CRLs"]) == 1
    assert reader.xrefs.total_revisions == 2


def test_visible_stamp_is_in_the_box_and_reads_in_vietnamese(
    signed: SignedPdf, tmp_path: Path
) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(BytesIO(signed.content))
    (signature,) = reader.embedded_signatures
    widget = signature.sig_field
    assert [float(x) for x in widget["/Rect"]] == list(BOX.box)
    assert widget.raw_get("/P").idnum == reader.root["/Pages"]["/Kids"].raw_get(0).idnum

    text = _run(_tool("pdftotext"), "-layout", _write(tmp_path, signed.content), "-").stdout
    assert f"Ký bởi: {SIGNER}" in text
    assert AGENCY_NAME in text
    local = signed.signed_at.astimezone(dt.timezone(dt.timedelta(hours=7)))
    assert f"Thời gian: {local:%d/%m/%Y %H:%M:%S} (Asia/Ho_Chi_Minh)" in text


def test_without_a_box_the_signature_is_invisible(signing_dir: Path, plain_pdf: bytes) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader

    signed = _sign(plain_pdf, box=None)
    (signature,) = PdfFileReader(BytesIO(signed.content)).embedded_signatures
    assert [float(x) for x in signature.sig_field["/Rect"]] == [0, 0, 0, 0]
    assert verify_pdf(signed.content).verdict == "valid"


# --- independent tools --------------------------------------------------------------------


def test_pdfsig_says_valid_and_trusted_with_the_root_in_an_nss_db(
    signed: SignedPdf, signing_dir: Path, tmp_path: Path
) -> None:
    pdfsig = _tool("pdfsig")
    path = _write(tmp_path, signed.content)
    output = _run(pdfsig, path).stdout
    assert "Signature Validation: Signature is Valid." in output
    assert "Total document signed" in output
    assert "ETSI.CAdES.detached" in output

    certutil = _tool("certutil")
    nss = tmp_path / "nss"
    nss.mkdir()
    _run(certutil, "-N", "-d", f"sql:{nss}", "--empty-password", check=True)
    _run(
        certutil, "-A", "-d", f"sql:{nss}", "-n", "motcua-dev-root", "-t", "CT,C,C",
        "-i", signing_dir / "root.pem", check=True,
    )  # fmt: skip
    output = _run(pdfsig, "-nssdir", f"sql:{nss}", path).stdout
    assert "Signature Validation: Signature is Valid." in output
    assert "Certificate Validation: Certificate is Trusted." in output


def test_mutool_verifies(signed: SignedPdf, tmp_path: Path) -> None:
    result = _run(_tool("mutool"), "sign", "-v", _write(tmp_path, signed.content))
    output = result.stdout + result.stderr
    assert "The document is unchanged since signing." in output
    assert "Digest error" not in output


def test_pyhanko_cli_validates(signed: SignedPdf, signing_dir: Path, tmp_path: Path) -> None:
    cli = Path(sys.executable).parent / "pyhanko"
    if not cli.exists():
        pytest.skip("pyhanko-cli is not installed")
    result = _run(
        cli, "sign", "validate", "--trust-replace", "--trust", signing_dir / "root.pem",
        "--no-revocation-check", _write(tmp_path, signed.content),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "INTACT:TRUSTED" in result.stdout
    assert "UNTOUCHED" in result.stdout


def test_qpdf_finds_no_error(signed: SignedPdf, tmp_path: Path) -> None:
    result = _run(_tool("qpdf"), "--check", _write(tmp_path, signed.content))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors found" in result.stdout


# --- what goes wrong ----------------------------------------------------------------------


@pytest.mark.parametrize("where", ["font", "info"])
def test_one_byte_changed_in_the_signed_range_is_tampered(
    signed: SignedPdf, tmp_path: Path, where: str
) -> None:
    content = bytearray(signed.content)
    start, length, second, _ = _byte_range(signed.content)
    # Inside WeasyPrint's embedded font program (a compressed stream), or a letter of
    # /Producer in the signature's own revision.
    index = content.index(b"/Length1") + 200 if where == "font" else content.rindex(b"pyHanko") + 3
    assert start <= index < start + length or index >= second
    content[index] ^= 0x01

    result = verify_pdf(bytes(content))
    assert result.verdict == "tampered"
    assert not result.intact
    assert result.problems

    path = _write(tmp_path, bytes(content))
    pdfsig = shutil.which("pdfsig")
    if pdfsig:
        output = _run(pdfsig, path).stdout
        assert "Signature is Valid." not in output
        assert "Digest Mismatch" in output
    mutool = shutil.which("mutool")
    if mutool:
        result = _run(mutool, "sign", "-v", path)
        assert "Signature invalidated by change to document" in result.stdout + result.stderr


def test_damaged_signature_value_is_tampered(signed: SignedPdf) -> None:
    content = bytearray(signed.content)
    _, length, second, _ = _byte_range(signed.content)
    # /Contents is the hex string between the two ranges; change a digit near its start.
    index = length + 40
    assert index < second
    content[index] = ord("0") if content[index] != ord("0") else ord("1")

    result = verify_pdf(bytes(content))
    assert result.verdict == "tampered"
    assert not (result.intact and result.valid)


def test_trusted_roots_decide_trust(
    signed: SignedPdf, settings, tmp_path: Path, signing_dir: Path
) -> None:
    settings.TRUSTED_ROOTS = []  # empty means the development root
    assert verify_pdf(signed.content).verdict == "valid"

    other = tmp_path / "other"
    pki.init_signing(other, [])
    result = verify_pdf(signed.content, trust_roots=[other / "root.pem"])
    assert result.verdict == "untrusted"
    assert result.intact and result.valid


def test_production_never_falls_back_to_the_development_root(
    signed: SignedPdf, settings, signing_dir: Path
) -> None:
    settings.TRUSTED_ROOTS = []
    settings.IS_PRODUCTION = True
    result = verify_pdf(signed.content)
    assert result.verdict == "untrusted"
    assert result.intact and result.valid


def test_content_changed_in_a_later_update_is_tampered(signed: SignedPdf, tmp_path: Path) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(BytesIO(signed.content))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    forged = generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 720 Td (Forged) Tj ET")
    page["/Contents"] = writer.add_object(forged)
    writer.update_container(page)
    output = BytesIO()
    writer.write(output)

    result = verify_pdf(output.getvalue())
    assert result.verdict == "tampered"
    assert result.intact and result.valid  # the signed revision itself is untouched
    assert result.modified_after_signing and not result.covers_whole_file


def test_allowed_update_after_signing_keeps_it_valid(signed: SignedPdf) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import add_validation_info

    from motcua.documents.signing import validation_context

    (signature,) = PdfFileReader(BytesIO(signed.content)).embedded_signatures
    updated = add_validation_info(signature, validation_context(), force_write=True)

    result = verify_pdf(updated.getvalue())
    assert result.modified_after_signing
    assert result.covers_whole_file  # only validation data was added
    assert result.verdict == "valid", result.problems


def test_revoked_certificate(signed: SignedPdf, signing_dir: Path, plain_pdf: bytes) -> None:
    pki.revoke(signing_dir, signed.certificate_serial)

    result = verify_pdf(signed.content)
    assert result.verdict == "revoked"
    assert result.revoked is True
    assert result.intact and result.valid and not result.trusted
    assert any("thu hồi" in problem for problem in result.problems)

    # A revoked key does not sign any more.
    with pytest.raises(SigningError, match="thu hồi"):
        _sign(plain_pdf)


def test_expired_crl_means_revocation_unknown(
    signed: SignedPdf, signing_dir: Path, tmp_path: Path
) -> None:
    # A CRL past its nextUpdate proves nothing: not trusted, and revoked is "unknown".
    root_key, root_cert = pki.load_root(signing_dir)
    then = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
    stale = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(root_cert.subject)
        .last_update(then)
        .next_update(then + dt.timedelta(days=1))
        .sign(root_key, hashes.SHA256())
    )
    stale_path = tmp_path / "stale.crl"
    stale_path.write_bytes(stale.public_bytes(serialization.Encoding.DER))

    result = verify_pdf(signed.content, crls=[stale_path])
    assert result.verdict == "untrusted"
    assert result.revoked is None
    assert result.problems


@pytest.mark.parametrize(
    "content",
    [b"", b"hello", secrets.token_bytes(2048), b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog"],
    ids=["empty", "text", "random", "truncated"],
)
def test_not_a_pdf_is_malformed(content: bytes) -> None:
    result = verify_pdf(content)
    assert result.verdict == "malformed"
    assert result.problems
    assert len(result.sha256) == 64


def test_verify_accepts_any_bytes_like(signed: SignedPdf) -> None:
    assert verify_pdf(bytearray(signed.content)).verdict == "valid"  # type: ignore[arg-type]
    assert verify_pdf(memoryview(signed.content)).verdict == "valid"  # type: ignore[arg-type]


def test_truncated_signed_pdf_never_raises(signed: SignedPdf) -> None:
    for cut in (100, len(signed.content) // 2, len(signed.content) - 10):
        assert verify_pdf(signed.content[:cut]).verdict in {"malformed", "tampered", "unsigned"}


def test_unsigned_pdf(signing_dir: Path, plain_pdf: bytes) -> None:
    result = verify_pdf(plain_pdf)
    assert result.verdict == "unsigned"
    assert not result.signed
    assert result.problems


def _self_made_pkcs12(tmp_path: Path, passphrase: str) -> Path:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Cơ quan giả mạo")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
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
        .sign(key, hashes.SHA256())
    )
    path = tmp_path / "self-made.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"fake", key, cert, None, serialization.BestAvailableEncryption(passphrase.encode())
        )
    )
    return path


def test_self_made_key_is_untrusted(
    signing_dir: Path, plain_pdf: bytes, tmp_path: Path, settings, monkeypatch
) -> None:
    monkeypatch.setenv("MOTCUA_TEST_P12_PASSPHRASE", "mật khẩu")
    settings.SIGNING_KEYS = {
        "*": {
            "backend": "pkcs12",
            "file": str(_self_made_pkcs12(tmp_path, "mật khẩu")),
            "passphrase_env": "MOTCUA_TEST_P12_PASSPHRASE",
        }
    }
    signed = _sign(plain_pdf)
    assert signed.signer_name == "Cơ quan giả mạo"

    result = verify_pdf(signed.content)
    assert result.verdict == "untrusted"
    assert result.intact and result.valid and not result.trusted
    assert result.revoked is None
    assert result.problems

    pdfsig = shutil.which("pdfsig")
    if pdfsig:  # cryptographically fine to others as well, just not trusted
        output = _run(pdfsig, _write(tmp_path, signed.content)).stdout
        assert "Signature is Valid." in output
        assert "Certificate is Trusted." not in output


def test_wrong_passphrase_or_missing_key_is_a_signing_error(
    signing_dir: Path, plain_pdf: bytes, tmp_path: Path, settings, monkeypatch
) -> None:
    settings.IS_PRODUCTION = True  # production never makes itself a key
    with pytest.raises(SigningError, match="init_signing"):
        _sign(plain_pdf, agency_id="000.99.99.H26")
    settings.IS_PRODUCTION = False
    with pytest.raises(SigningError):
        _sign(plain_pdf, agency_id="../root")

    monkeypatch.setenv("MOTCUA_TEST_P12_PASSPHRASE", "sai")
    settings.SIGNING_KEYS = {
        AGENCY_ID: {
            "backend": "pkcs12",
            "file": str(_self_made_pkcs12(tmp_path, "đúng")),
            "passphrase_env": "MOTCUA_TEST_P12_PASSPHRASE",
        }
    }
    with pytest.raises(SigningError):
        _sign(plain_pdf)

    monkeypatch.delenv("MOTCUA_TEST_P12_PASSPHRASE")
    with pytest.raises(SigningError, match="MOTCUA_TEST_P12_PASSPHRASE"):
        _sign(plain_pdf)

    settings.SIGNING_KEYS = {"*": {"backend": "smartcard"}}
    with pytest.raises(SigningError):
        _sign(plain_pdf)


def test_an_officers_own_key_signs_before_the_agencys(
    signing_dir: Path, plain_pdf: bytes, tmp_path: Path, settings, monkeypatch
) -> None:
    monkeypatch.setenv("MOTCUA_TEST_OFFICER_PIN", "ma-pin")
    settings.SIGNING_KEYS = {
        "officer:lanhdao": {
            "backend": "pkcs12",
            "file": str(_self_made_pkcs12(tmp_path, "ma-pin")),
            "passphrase_env": "MOTCUA_TEST_OFFICER_PIN",
        }
    }
    personal = _sign(plain_pdf, officer="lanhdao")
    assert "Cơ quan giả mạo" in personal.certificate_subject
    assert AGENCY_NAME in _sign(plain_pdf, officer="someone-else").certificate_subject


def test_in_development_an_agency_gets_its_key_under_the_root_when_it_first_signs(
    signing_dir: Path, plain_pdf: bytes, settings
) -> None:
    settings.IS_PRODUCTION = False
    p12, _pass, _cert = pki.agency_paths(signing_dir, "000.07.99.H26")
    assert not p12.exists()
    signed = _sign(plain_pdf, agency_id="000.07.99.H26")
    assert p12.exists()
    assert verify_pdf(signed.content).verdict == "valid"


# --- timestamps ---------------------------------------------------------------------------


def test_local_timestamp(signing_dir: Path, plain_pdf: bytes, settings, tmp_path: Path) -> None:
    settings.TSA_URL = "local"
    signed = _sign(plain_pdf)
    assert signed.timestamped

    result = verify_pdf(signed.content)
    assert result.verdict == "valid", result.problems
    assert result.timestamped and result.timestamp_valid is True
    assert result.signed_at is not None
    assert abs(result.signed_at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)

    pdfsig = shutil.which("pdfsig")
    if pdfsig:
        assert "Signature is Valid." in _run(pdfsig, _write(tmp_path, signed.content)).stdout


@pytest.fixture
def tsa_server(signing_dir: Path) -> Iterator[tuple[str, list[str]]]:
    """A real RFC 3161 server over HTTP on 127.0.0.1, answering with pyHanko's in-process
    timestamper and the development TSA key. Yields its URL and the request content types."""
    from asn1crypto import tsp
    from pyhanko.keys import load_cert_from_pemder, load_private_key_from_pemder
    from pyhanko.sign.timestamps import DummyTimeStamper

    stamper = DummyTimeStamper(
        tsa_cert=load_cert_from_pemder(str(signing_dir / "tsa.pem")),
        tsa_key=load_private_key_from_pemder(str(signing_dir / "tsa.key.pem"), None),
    )
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            seen.append(self.headers.get("Content-Type", ""))
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            request = tsp.TimeStampReq.load(body)
            reply = stamper.request_tsa_response(request).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/tsa", seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_http_timestamp_authority(
    tsa_server: tuple[str, list[str]], plain_pdf: bytes, settings
) -> None:
    url, seen = tsa_server
    settings.TSA_URL = url
    signed = _sign(plain_pdf)
    assert signed.timestamped
    assert "application/timestamp-query" in seen

    result = verify_pdf(signed.content)
    assert result.verdict == "valid", result.problems
    assert result.timestamped and result.timestamp_valid is True


def test_unreachable_timestamp_authority_is_a_signing_error(
    signing_dir: Path, plain_pdf: bytes, settings
) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.TSA_URL = f"http://127.0.0.1:{port}/tsa"
    with pytest.raises(SigningError, match="dấu thời gian"):
        _sign(plain_pdf)


# --- PKCS#11 ------------------------------------------------------------------------------


@pytest.fixture
def softhsm_token(signing_dir: Path, tmp_path: Path, monkeypatch) -> Iterator[dict[str, str]]:
    """A SoftHSM2 token "motcua" (user PIN 1234) holding the agency's key and certificate,
    imported through python-pkcs11 (no opensc needed)."""
    if not Path(SOFTHSM).exists() or shutil.which("softhsm2-util") is None:
        pytest.skip("SoftHSM2 is not installed")
    import pkcs11
    from pkcs11 import Attribute
    from pkcs11.util.rsa import decode_rsa_private_key
    from pkcs11.util.x509 import decode_x509_certificate

    tokens = tmp_path / "tokens"
    tokens.mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\n")
    monkeypatch.setenv("SOFTHSM2_CONF", str(conf))
    monkeypatch.setenv("MOTCUA_TEST_PIN", "1234")
    pkcs11.unload(SOFTHSM)  # SoftHSM reads SOFTHSM2_CONF when the module is initialised
    _run(
        "softhsm2-util", "--init-token", "--free", "--label", "motcua",
        "--pin", "1234", "--so-pin", "5678", check=True,
    )  # fmt: skip

    agency = signing_dir / "agencies"
    key, cert, _ = pkcs12.load_key_and_certificates(
        (agency / f"{AGENCY_ID}.p12").read_bytes(),
        (agency / f"{AGENCY_ID}.pass").read_text().strip().encode(),
    )
    assert key is not None and cert is not None
    key_der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.TraditionalOpenSSL,  # PKCS#1, as python-pkcs11 wants
        serialization.NoEncryption(),
    )
    token = pkcs11.lib(SOFTHSM).get_token(token_label="motcua")
    with token.open(rw=True, user_pin="1234") as session:
        common = {Attribute.TOKEN: True, Attribute.LABEL: "co-quan", Attribute.ID: b"\x01"}
        session.create_object(
            {**decode_rsa_private_key(key_der), **common, Attribute.SENSITIVE: True}
        )
        session.create_object(
            {**decode_x509_certificate(cert.public_bytes(serialization.Encoding.DER)), **common}
        )
    try:
        yield {
            "backend": "pkcs11",
            "module": SOFTHSM,
            "token_label": "motcua",
            "pin_env": "MOTCUA_TEST_PIN",
            "key_label": "co-quan",
            "cert_label": "co-quan",
        }
    finally:
        pkcs11.unload(SOFTHSM)


def test_pkcs11_signing_with_softhsm(
    softhsm_token: dict[str, str], plain_pdf: bytes, settings, signing_dir: Path, tmp_path: Path
) -> None:
    settings.SIGNING_KEYS = {AGENCY_ID: softhsm_token}
    # The PKCS#12 file is not what signs: take it away.
    (signing_dir / "agencies" / f"{AGENCY_ID}.p12").unlink()

    signed = _sign(plain_pdf)
    assert signed.signer_name == AGENCY_NAME

    result = verify_pdf(signed.content)
    assert result.verdict == "valid", result.problems

    pdfsig = shutil.which("pdfsig")
    if pdfsig:
        assert "Signature is Valid." in _run(pdfsig, _write(tmp_path, signed.content)).stdout

    settings.SIGNING_KEYS = {AGENCY_ID: {**softhsm_token, "token_label": "no-such-token"}}
    with pytest.raises(SigningError):
        _sign(plain_pdf)


def test_a_file_with_more_signatures_than_ours_ever_have_is_not_checked(
    signing_dir: Path, plain_pdf: bytes
) -> None:
    # Each signature is checked against each later revision: dozens would cost minutes of CPU
    # per public request. Ours have one.
    content = plain_pdf
    for n in range(6):
        content = _sign(content, field_name=f"ChuKy{n}", box=None).content
    result = verify_pdf(content)
    assert result.verdict == "malformed" and result.signature_count == 6
    assert "quá nhiều chữ ký" in result.problems[0]
