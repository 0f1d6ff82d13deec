"""Digital signatures on issued PDFs: PAdES baseline, SHA-256, through pyHanko.

Settings (read with defaults, so a bare checkout signs with the development PKI of pki.py):

``SIGNING_DIR``
    Directory of the development PKI (default ``DATA_DIR / "signing"``).
``SIGNING_KEYS``
    ``{electronic_id, "officer:<username>" or "*": backend}`` (an officer's own token first,
    then the agency's key, then "*"), the backend being either
    ``{"backend": "pkcs12", "file": path, "passphrase_env": "ENV_NAME"}`` or
    ``{"backend": "pkcs11", "module": "/usr/lib/softhsm/libsofthsm2.so", "token_label": ...,
    "pin_env": "ENV_NAME", "key_label": ..., "cert_label": ...}``. Secrets are named by
    environment variable, never written in settings. An agency with no entry (and no "*")
    signs with ``SIGNING_DIR/agencies/<id>.p12`` if `motcua init_signing` made one.
``TSA_URL``
    An RFC 3161 timestamp server; ``"local"`` timestamps in-process with the development
    TSA key of SIGNING_DIR (real RFC 3161 tokens, development only); ``""``: no timestamp.
``TRUSTED_ROOTS``
    PEM/DER root certificates that verification trusts (default: the development root).
``SIGNING_CRLS``
    Extra DER/PEM CRL files used by verification and embedded when signing (the
    development CRL ``SIGNING_DIR/root.crl`` is always added when it exists).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

from asn1crypto import crl as asn1_crl
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.utils.translation import gettext as _

from motcua.documents import pki
from motcua.documents.boxes import SignatureBox

logger = logging.getLogger(__name__)

# Every signature embeds our CRL without fetching anything, which pyHanko warns about each time.
logging.getLogger("pyhanko.sign.signers.pdf_signer").addFilter(
    lambda record: "fetching is not allowed" not in record.getMessage()
)

FONT = Path(__file__).resolve().parent / "fonts" / "LiberationSerif-Regular.ttf"
TIME_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
# What is drawn in the signature box. Vietnamese whatever the interface language: it is part
# of the document, which must not change with who looks at it.
# (pyHanko fills in its own "ts" and "signer": ours have other names so that they are kept.)
STAMP_TEXT = "Ký bởi: %(nguoi_ky)s\n%(co_quan)s\nThời gian: %(thoi_gian)s"
TSA_TIMEOUT = 10  # seconds; a hung TSA must not hang the officer's request for long


class SigningError(Exception):
    """Signing is impossible (no key, wrong passphrase, token missing, TSA down...); the
    message is Vietnamese, for the officer."""


@dataclass(frozen=True)
class SignedPdf:
    content: bytes
    signer_name: str  # the certificate's common name
    certificate_subject: str
    certificate_serial: str  # hex, lower case
    timestamped: bool
    signed_at: dt.datetime  # aware


# --- settings -----------------------------------------------------------------------------


def signing_dir() -> Path:
    return Path(getattr(settings, "SIGNING_DIR", settings.DATA_DIR / "signing"))


def _setting_paths(name: str) -> list[Path] | None:
    value = getattr(settings, name, None)
    if not value:  # unset or empty: the default
        return None
    if isinstance(value, str | os.PathLike):
        value = [value]
    return [Path(item) for item in value if str(item)]


def trusted_root_paths() -> list[Path]:
    """TRUSTED_ROOTS, or (when empty, in development only) the development root if it exists.

    Production never falls back to the development root: a data directory that once ran
    ``init_signing`` would otherwise make anything signed under that root look trusted."""
    configured = _setting_paths("TRUSTED_ROOTS")
    if configured is not None:
        return configured
    if getattr(settings, "IS_PRODUCTION", False):
        return []
    root = signing_dir() / "root.pem"
    return [root] if root.exists() else []


def crl_paths() -> list[Path]:
    paths = _setting_paths("SIGNING_CRLS") or []
    dev_crl = signing_dir() / "root.crl"
    if dev_crl.exists() and dev_crl not in paths:
        paths.append(dev_crl)
    return paths


def _der_objects(data: bytes) -> list[bytes]:
    if pem.detect(data):
        return [der for _type, _headers, der in pem.unarmor(data, multiple=True)]
    return [data]


def load_certificates(paths: list[Path]) -> list[asn1_x509.Certificate]:
    """Certificates from PEM (one or many) or DER files; a missing or broken file is an
    ImproperlyConfigured-like mistake that must be loud, so it raises."""
    certs = []
    for path in paths:
        for der in _der_objects(path.read_bytes()):
            certs.append(asn1_x509.Certificate.load(der))
    return certs


def load_crls(paths: list[Path]) -> list[asn1_crl.CertificateList]:
    crls = []
    for path in paths:
        for der in _der_objects(path.read_bytes()):
            crls.append(asn1_crl.CertificateList.load(der))
    return crls


def validation_context(**kwargs: Any) -> Any:
    """A ValidationContext on TRUSTED_ROOTS and the local CRLs, never fetching anything.

    revocation_mode="hard-fail": a certificate that names a CRL distribution point must be
    checkable against a CRL we hold, otherwise it is not trusted. Offline, with the
    development CRL handed in, this gives the right answers: a listed serial is revoked, an
    unlisted one is good, and a missing or expired CRL means "cannot tell" rather than a
    silent pass (which is what "soft-fail" would do). Certificates naming no CRL or OCSP are
    not checked in either mode."""
    from pyhanko_certvalidator import ValidationContext

    return ValidationContext(
        trust_roots=load_certificates(trusted_root_paths()),
        crls=load_crls(crl_paths()),
        allow_fetching=False,
        revocation_mode="hard-fail",
        **kwargs,
    )


# --- signers ------------------------------------------------------------------------------


def _key_config(agency_id: str, officer: str = "") -> dict[str, Any] | None:
    """An officer's own token ("officer:<username>") before their agency's key, then "*"."""
    keys: dict[str, dict[str, Any]] = getattr(settings, "SIGNING_KEYS", None) or {}
    personal = keys.get(f"officer:{officer}") if officer else None
    return personal or keys.get(agency_id) or keys.get("*")


def _secret(config: dict[str, Any], key: str) -> str | None:
    name = config.get(key)
    if not name:
        return None
    value = os.environ.get(name)
    if value is None:
        raise SigningError(
            _("Biến môi trường %(name)s (bí mật của khóa ký số) chưa được đặt.") % {"name": name}
        )
    return value


def _pkcs12_signer(path: Path, passphrase: str | None, agency_id: str) -> Any:
    if not path.exists():
        raise SigningError(
            _("Chưa có khóa ký số cho cơ quan %(agency)s. Chạy: motcua init_signing")
            % {"agency": agency_id}
        )
    try:
        return _loaded_pkcs12(path, path.stat().st_mtime_ns, passphrase)
    except (ValueError, OSError) as error:
        raise SigningError(
            _("Không mở được khóa ký số %(file)s: sai mật khẩu hoặc tệp hỏng.")
            % {"file": path.name}
        ) from error


@functools.lru_cache(maxsize=64)
def _loaded_pkcs12(path: Path, mtime_ns: int, passphrase: str | None) -> Any:
    """An agency's PKCS#12 key opened once per process (and again when the file changes):
    decrypting it and parsing its key cost more than the signature itself (bench/documents)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from pyhanko.sign import signers
    from pyhanko_certvalidator.util import get_pyca_cryptography_hash

    class KeptKeySigner(signers.SimpleSigner):  # type: ignore[misc]
        """pyHanko's SimpleSigner parses its private key again for every signature (about
        28 ms for RSA-2048, most of it key validation); this one keeps the parsed key."""

        @functools.cached_property
        def _private_key(self) -> Any:
            return serialization.load_der_private_key(self.signing_key.dump(), password=None)

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
            key = self._private_key
            if mechanism.signature_algo == "rsassa_pkcs1v15" and isinstance(key, RSAPrivateKey):
                hashed = get_pyca_cryptography_hash(digest_algorithm)
                signature: bytes = key.sign(data, PKCS1v15(), hashed)
                return signature
            fallback: bytes = super().sign_raw(data, digest_algorithm)
            return fallback

    loaded = signers.SimpleSigner.load_pkcs12_data(
        path.read_bytes(),
        other_certs=[],
        passphrase=passphrase.encode() if passphrase is not None else None,
    )
    return KeptKeySigner(
        signing_cert=loaded.signing_cert,
        signing_key=loaded.signing_key,
        cert_registry=loaded.cert_registry,
        signature_mechanism=loaded.signature_mechanism,
    )


@contextlib.contextmanager
def open_signer(agency_id: str, agency_name: str = "", officer: str = "") -> Iterator[Any]:
    """The pyHanko Signer for an agency (or an officer's own key), with its PKCS#11 session
    closed afterwards."""
    config = _key_config(agency_id, officer)
    if config is None:
        try:
            p12, passfile, _cert = pki.agency_paths(signing_dir(), agency_id)
        except ValueError:
            raise SigningError(
                _("Chưa có khóa ký số cho cơ quan %(agency)s. Chạy: motcua init_signing")
                % {"agency": agency_id}
            ) from None
        if agency_name and not getattr(settings, "IS_PRODUCTION", False):
            pki.ensure_agency(signing_dir(), agency_id, agency_name)
        passphrase = passfile.read_text().strip() if passfile.exists() else None
        yield _pkcs12_signer(p12, passphrase, agency_id)
        return
    backend = config.get("backend", "pkcs12")
    if backend == "pkcs12":
        yield _pkcs12_signer(Path(config["file"]), _secret(config, "passphrase_env"), agency_id)
    elif backend == "pkcs11":
        with _pkcs11_signer(config, agency_id) as signer:
            yield signer
    else:
        raise SigningError(
            _("Loại khóa ký số không được hỗ trợ: %(backend)s") % {"backend": backend}
        )


@contextlib.contextmanager
def _pkcs11_signer(config: dict[str, Any], agency_id: str) -> Iterator[Any]:
    from pkcs11.exceptions import PKCS11Error
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

    module = config.get("module", "")
    try:
        session = open_pkcs11_session(
            module,
            token_criteria=TokenCriteria(label=config.get("token_label")),
            user_pin=_secret(config, "pin_env"),
        )
    except (PKCS11Error, RuntimeError, OSError) as error:
        raise SigningError(
            _("Không mở được thiết bị ký số (PKCS#11) cho cơ quan %(agency)s: %(error)s")
            % {"agency": agency_id, "error": error or type(error).__name__}
        ) from error
    try:
        roots = load_certificates(trusted_root_paths())
        yield PKCS11Signer(
            session,
            cert_label=config.get("cert_label"),
            key_label=config.get("key_label"),
            ca_chain=roots,
        )
    finally:
        session.close()


def _timestamper() -> Any:
    url = str(getattr(settings, "TSA_URL", "") or "")
    if not url:
        return None
    if url == "local":
        from asn1crypto import keys
        from pyhanko.sign.timestamps import DummyTimeStamper
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        directory = signing_dir()
        if not (directory / "tsa.pem").exists():
            raise SigningError(_("Chưa có khóa dấu thời gian. Chạy: motcua init_signing"))
        roots = load_certificates(trusted_root_paths())
        chain = SimpleCertificateStore.from_certs(roots)  # type: ignore[no-untyped-call]
        return DummyTimeStamper(
            tsa_cert=load_certificates([directory / "tsa.pem"])[0],
            tsa_key=keys.PrivateKeyInfo.load(
                _der_objects((directory / "tsa.key.pem").read_bytes())[0]
            ),
            certs_to_embed=chain,
        )
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(url, timeout=TSA_TIMEOUT)


# --- signing ------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _font_at_1000_upem() -> bytes:
    """The stamp font rescaled to 1000 units per em. pyHanko 0.38 writes glyph widths in
    font units where PDF wants thousandths of an em, so a 2048-unit font such as Liberation
    is drawn with letters spread far apart and past the box; rescaling the font (once per
    process, ~0.4 s) makes the two agree."""
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
    from fontTools.ttLib.scaleUpem import scale_upem  # type: ignore[import-untyped]

    font = TTFont(FONT)
    if font["head"].unitsPerEm != 1000:
        scale_upem(font, 1000)
    buffer = BytesIO()
    font.save(buffer)
    return buffer.getvalue()


def _stamp_style() -> Any:
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import TextStampStyle

    class InMemoryFont(GlyphAccumulatorFactory):
        # Reads the rescaled font from memory (pyHanko's factory opens a path, and leaks it).
        def create_font_engine(self, writer: Any, obj_stream: Any = None) -> Any:
            if obj_stream is None and writer.stream_xrefs:
                obj_stream = writer.prepare_object_stream()
            return GlyphAccumulator(
                writer=writer,
                font_handle=BytesIO(_font_at_1000_upem()),
                font_size=self.font_size,
                obj_stream=obj_stream,
            )

    # An embedded OpenType font: the standard PDF fonts stop at Latin-1, Vietnamese doesn't.
    return TextStampStyle(
        stamp_text=STAMP_TEXT,
        text_box_style=TextBoxStyle(
            font=InMemoryFont(str(FONT), font_size=9), font_size=9, leading=11
        ),
        border_width=1,
        border_color=(0.75, 0.1, 0.1),
    )


def _embeds_revocation_info(signing_cert: Any) -> bool:
    """Embed the CRL (PAdES B-LT style, in the signature's own revision) only when the
    signer is under a root we trust and we hold that root's CRL: then validation before
    signing cannot fail for want of information, and a revoked key refuses to sign."""
    issuer = signing_cert.issuer.hashable
    roots = {cert.subject.hashable for cert in load_certificates(trusted_root_paths())}
    crl_issuers = {item.issuer.hashable for item in load_crls(crl_paths())}
    return issuer in roots and issuer in crl_issuers


def sign_pdf(
    content: bytes,
    *,
    agency_id: str,
    signer_label: str,
    agency_name: str,
    box: SignatureBox | None,
    reason: str,
    location: str,
    field_name: str = "ChuKySo",
    officer: str = "",
) -> SignedPdf:
    """Sign a PDF (as WeasyPrint wrote it) for an agency, in an incremental update: a PAdES
    signature, SHA-256, visible in ``box`` (invisible without one), with a timestamp when
    TSA_URL is set and the development CRL embedded when it applies."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign import fields, signers
    from pyhanko.sign.general import SigningError as HankoSigningError
    from pyhanko.sign.signers.pdf_signer import DSSContentSettings, SigDSSPlacementPreference
    from pyhanko.sign.timestamps.common_utils import TimestampRequestError
    from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError

    signed_at = dt.datetime.now(TIME_ZONE).replace(microsecond=0)
    with open_signer(agency_id, agency_name, officer) as signer:
        try:
            timestamper = _timestamper()
            embed = _embeds_revocation_info(signer.signing_cert)
            meta = signers.PdfSignatureMetadata(
                field_name=field_name,
                md_algorithm="sha256",
                subfilter=fields.SigSeedSubFilter.PADES,
                reason=reason,
                location=location,
                name=signer_label,
                embed_validation_info=embed,
                validation_context=validation_context() if embed else None,
                # The CRL goes into the signature's own revision: one revision, nothing
                # "modified after signing" for a reader to warn about.
                dss_settings=DSSContentSettings(
                    placement=SigDSSPlacementPreference.TOGETHER_WITH_SIGNATURE,
                    include_vri=False,
                ),
            )
            field_spec = fields.SigFieldSpec(
                sig_field_name=field_name,
                on_page=box.page if box else 0,
                # pyHanko types the box as ints but writes floats as they are.
                box=cast(Any, box.box) if box else None,
            )
            pdf_signer = signers.PdfSigner(
                meta,
                signer=signer,
                timestamper=timestamper,
                stamp_style=_stamp_style(),
                new_field_spec=field_spec,
            )
            writer = IncrementalPdfFileWriter(BytesIO(content), strict=False)
            output = pdf_signer.sign_pdf(
                writer,
                appearance_text_params={
                    "nguoi_ky": signer_label,
                    "co_quan": agency_name,
                    "thoi_gian": signed_at.strftime("%d/%m/%Y %H:%M:%S") + " (Asia/Ho_Chi_Minh)",
                },
            )
        except SigningError:
            raise
        except TimestampRequestError as error:
            raise SigningError(
                _("Không lấy được dấu thời gian từ %(url)s.")
                % {"url": getattr(settings, "TSA_URL", "")}
            ) from error
        except (HankoSigningError, PathBuildingError, PathValidationError) as error:
            if isinstance(error, HankoSigningError) and not isinstance(
                error.__cause__, PathBuildingError | PathValidationError
            ):
                raise SigningError(
                    _("Không ký được văn bản: %(error)s") % {"error": error}
                ) from error
            # Checked before signing against our CRL: a revoked key signs nothing more.
            raise SigningError(
                _("Chứng thư số của cơ quan %(agency)s không hợp lệ hoặc đã bị thu hồi.")
                % {"agency": agency_id}
            ) from error
        except ImportError as error:  # uharfbuzz, which pyHanko needs to shape Vietnamese
            raise SigningError(
                _("Thiếu thư viện để vẽ chữ ký: cài pyHanko[opentype] (%(error)s).")
                % {"error": error}
            ) from error
        except (PdfError, ValueError, OSError) as error:
            raise SigningError(_("Không ký được văn bản: %(error)s") % {"error": error}) from error
        except Exception as error:  # a token error mid-signature, or a bug: logged in full
            logger.exception("Signing failed for %s", agency_id)
            raise SigningError(_("Không ký được văn bản: %(error)s") % {"error": error}) from error
        cert = signer.signing_cert
    return SignedPdf(
        content=output.getvalue(),
        signer_name=common_name(cert),
        certificate_subject=cert.subject.human_friendly,
        certificate_serial=format(cert.serial_number, "x"),
        timestamped=timestamper is not None,
        signed_at=signed_at,
    )


def common_name(cert: asn1_x509.Certificate) -> str:
    names = cert.subject.native
    return str(names.get("common_name") or cert.subject.human_friendly)
