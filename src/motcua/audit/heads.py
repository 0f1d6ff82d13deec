"""The chain's head signed each day with the system's key.

The system's key is the one the platform already has for signing documents (documents/
signing.py): the key of the agency named by ``AUDIT_SIGNING_AGENCY``, by default the
province's people's committee (the top agency), through the same configuration as its signed
results: ``MOTCUA_SIGNING_KEYS_FILE`` in production (PKCS#12 or a PKCS#11 token, or its "*"
entry), the development PKI of ``motcua init_signing`` otherwise. No new secret to set up, and
a signature anyone holding only the database cannot forge (an HMAC under SECRET_KEY could be
forged by anyone who reads the settings, and would prove nothing to an outside auditor).
"""

from __future__ import annotations

import asyncio
import base64
import logging
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from motcua.documents import signing
from motcua.identity.models import Agency

from . import chain
from .models import ChainHead, SignedHead

logger = logging.getLogger(__name__)


class NoKey(Exception):
    """No key to sign with (no agency yet, or `motcua init_signing` never ran)."""


def signing_agency() -> Agency:
    wanted = getattr(settings, "AUDIT_SIGNING_AGENCY", "")
    agencies = Agency.objects.order_by("electronic_id")
    agency = (
        agencies.filter(electronic_id=wanted).first()
        if wanted
        else agencies.filter(parent__isnull=True, kind=Agency.Kind.PEOPLES_COMMITTEE).first()
        or agencies.filter(parent__isnull=True).first()
    )
    if agency is None:
        raise NoKey(f"no agency {wanted or '(top-level)'} whose key could sign the audit head")
    return agency


def message(sequence: int, head_hash: str, signed_at: datetime) -> bytes:
    """What is signed: the head and the moment, in a fixed text form."""
    return f"motcua-audit-head\n{sequence}\n{head_hash}\n{signed_at.isoformat()}".encode()


def _signed_at(moment: datetime) -> datetime:
    return moment.astimezone(timezone.get_fixed_timezone(0)).replace(microsecond=0)


def sign_head(*, at: datetime | None = None) -> SignedHead:
    """Sign the chain's current head now; raises NoKey or signing.SigningError."""
    agency = signing_agency()
    signed_at = _signed_at(at or timezone.now())
    chain.link_waiting()  # the reads waiting until now are under this signature
    with transaction.atomic():
        head = ChainHead.objects.select_for_update().get(pk=1)
        data = message(head.sequence, head.hash, signed_at)
        try:
            with signing.open_signer(agency.electronic_id, agency.name) as signer:
                raw = asyncio.run(signer.async_sign_raw(data, "sha256"))
                certificate = x509.load_der_x509_certificate(signer.signing_cert.dump())
        except FileNotFoundError as error:
            raise NoKey(str(error)) from error
        signed = SignedHead.objects.create(
            sequence=head.sequence,
            hash=head.hash,
            signed_at=signed_at,
            key_name=agency.electronic_id,
            certificate=certificate.public_bytes(serialization.Encoding.PEM).decode(),
            signature=base64.b64encode(raw).decode(),
        )
    chain.append(
        "audit.head_signed",
        actor=chain.SYSTEM,
        target=f"audit:{signed.sequence}",
        detail={"hash": signed.hash, "key": signed.key_name},
    )
    return signed


def sign_daily(now: datetime) -> SignedHead | None:
    """The periodic job: sign once per local day, when there is something to sign."""
    today = timezone.localdate(now)
    latest = SignedHead.objects.order_by("-signed_at").first()
    if latest is not None and timezone.localdate(latest.signed_at) == today:
        return None
    if ChainHead.objects.get(pk=1).sequence == 0:
        return None
    try:
        return sign_head(at=now)
    except (NoKey, signing.SigningError) as error:
        logger.warning("The audit head was not signed: %s", error)
        return None


# --- checking -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    valid: bool
    reason: str = ""


def _trusted_certificates() -> list[x509.Certificate]:
    return [
        x509.load_der_x509_certificate(cert.dump())
        for cert in signing.load_certificates(signing.trusted_root_paths())
    ]


def _configured_certificate(key_name: str) -> x509.Certificate | None:
    """The certificate of the key configured today for ``key_name``, if it opens."""
    try:
        with signing.open_signer(key_name) as signer:
            return x509.load_der_x509_certificate(signer.signing_cert.dump())
    except (signing.SigningError, OSError, ValueError):
        return None


def _is_trusted(certificate: x509.Certificate, key_name: str) -> bool:
    """Issued by one of the trusted roots, or the very certificate configured for the key:
    never trusted merely because it is in the database next to the signature."""
    for root in _trusted_certificates():
        try:
            certificate.verify_directly_issued_by(root)
            return True
        except (ValueError, TypeError, InvalidSignature):
            continue
    return _configured_certificate(key_name) == certificate


def check_signature(signed: SignedHead) -> Check:
    try:
        certificate = x509.load_pem_x509_certificate(signed.certificate.encode())
        raw = base64.b64decode(signed.signature, validate=True)
    except ValueError:
        return Check(False, "unreadable certificate or signature")
    if not _is_trusted(certificate, signed.key_name):
        return Check(False, "certificate not issued by a trusted root")
    data = message(signed.sequence, signed.hash, _signed_at(signed.signed_at))
    key = certificate.public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(raw, data, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(raw, data, ec.ECDSA(hashes.SHA256()))
        else:
            return Check(False, f"unsupported key type {type(key).__name__}")
    except InvalidSignature:
        return Check(False, "signature does not match")
    return Check(True)
