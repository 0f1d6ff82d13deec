"""Checking a PDF's digital signature: what the public verification page shows.

verify_pdf() takes any bytes (an upload from anyone) and never raises: a file that is not a
PDF is "malformed", whatever goes wrong inside a signature check makes that signature
count as not intact. Trust is judged offline: TRUSTED_ROOTS (by default the development
root) and the CRLs we hold (signing.crl_paths()), nothing fetched from the network — see
signing.validation_context() for why revocation runs in "hard-fail" mode.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from motcua.documents import signing

logger = logging.getLogger(__name__)

# Worst first: with several signatures, the document is as good as its worst one.
VERDICTS = ("malformed", "tampered", "revoked", "untrusted", "unsigned", "valid")


@dataclass
class Verification:
    signed: bool = False
    intact: bool = False  # the hash of the signed byte ranges is the one that was signed
    valid: bool = False  # the signature over that hash is cryptographically sound
    trusted: bool = False  # the signer's certificate chains to one of TRUSTED_ROOTS
    revoked: bool | None = None  # None: no revocation information to judge by
    covers_whole_file: bool = False  # nothing after the signature, or only allowed updates
    modified_after_signing: bool = False  # any byte after the signed revision
    signer_name: str = ""
    signer_subject: str = ""
    certificate_serial: str = ""  # hex
    signed_at: dt.datetime | None = None  # the timestamp's time if any, else the signer's
    timestamped: bool = False
    timestamp_valid: bool | None = None  # None: no timestamp
    sha256: str = ""  # of the whole file
    problems: list[str] = field(default_factory=list)
    malformed: bool = False
    signature_count: int = 0

    @property
    def verdict(self) -> str:
        """One of "valid", "tampered", "untrusted", "revoked", "unsigned", "malformed"."""
        if self.malformed:
            return "malformed"
        if not self.signed:
            return "unsigned"
        if not (self.intact and self.valid and self.covers_whole_file):
            return "tampered"
        if self.revoked:
            return "revoked"
        if not self.trusted or self.timestamp_valid is False:  # a bad timestamp proves nothing
            return "untrusted"
        return "valid"


MAX_SIGNATURES = 5
MAX_REVISIONS = 12


def verify_pdf(
    content: bytes,
    *,
    trust_roots: list[Path] | None = None,
    crls: list[Path] | None = None,
) -> Verification:
    """Verify every signature of a PDF; the result describes the worst one (the last one
    when all are equally good). ``trust_roots`` and ``crls`` replace the settings' files."""
    if not isinstance(content, bytes):
        try:  # bytearray, memoryview, an uploaded file's buffer...
            content = bytes(content)
        except Exception:
            content = b""
    digest = hashlib.sha256(content).hexdigest()
    malformed = Verification(
        sha256=digest, malformed=True, problems=[_("Tệp không phải PDF hợp lệ hoặc đã hỏng.")]
    )
    try:
        from pyhanko.pdf_utils.reader import PdfFileReader

        reader = PdfFileReader(BytesIO(content), strict=False)
    except Exception as error:  # anything at all: the input is whatever was uploaded
        logger.info("Not a readable PDF: %r", error)
        return malformed
    try:
        signatures = list(reader.embedded_regular_signatures)
    except Exception as error:
        # A readable PDF whose signature value does not even parse was signed, then damaged.
        logger.info("Unreadable signature: %r", error)
        if _has_filled_signature_field(reader):
            return Verification(
                signed=True,
                sha256=digest,
                problems=[_("Không kiểm tra được chữ ký số: chữ ký hỏng hoặc bị sửa.")],
            )
        return malformed
    if not signatures:
        return Verification(sha256=digest, problems=[_("Tệp không có chữ ký số.")])
    # Each signature is checked against every later revision: the work grows with their
    # product. Our documents carry one signature in two or three revisions; a file with dozens
    # is not one of ours and would cost seconds to minutes of CPU per public request.
    try:
        revisions = reader.xrefs.total_revisions
    except Exception:
        revisions = MAX_REVISIONS + 1
    if len(signatures) > MAX_SIGNATURES or revisions > MAX_REVISIONS:
        return Verification(
            signed=True,
            sha256=digest,
            malformed=True,
            signature_count=len(signatures),
            problems=[
                _("Tệp có quá nhiều chữ ký hoặc lần sửa đổi (%(n)s chữ ký, %(r)s lần) để kiểm tra.")
                % {"n": len(signatures), "r": revisions}
            ],
        )

    try:
        roots = signing.load_certificates(
            trust_roots if trust_roots is not None else signing.trusted_root_paths()
        )
        crl_list = signing.load_crls(crls if crls is not None else signing.crl_paths())
    except (OSError, ValueError) as error:
        # Our own configuration is broken: say so loudly in the log, but answer the citizen.
        logger.error("Cannot load trust roots or CRLs: %s", error)
        roots, crl_list = [], []

    results = [_verify_one(sig, roots, crl_list) for sig in signatures]
    worst = min(
        reversed(results), key=lambda result: VERDICTS.index(result.verdict)
    )  # reversed: among equals, the last signature
    worst.sha256 = digest
    worst.signature_count = len(results)
    return worst


def verify_in_worker(content: bytes, roots: list[str], crls: list[str]) -> tuple[str, Any]:
    """:func:`verify_pdf` in a worker process of ``dossiers.inspect`` (bounded memory and
    time), where Django is not set up: trust roots and CRLs come from the web process, and
    messages stay in their Vietnamese source text, translated back there (see
    :func:`translated`). ("ok", Verification)."""
    from django.conf import settings

    if not settings.configured:
        settings.configure(USE_I18N=False)
    return "ok", verify_pdf(
        content, trust_roots=[Path(p) for p in roots], crls=[Path(p) for p in crls]
    )


def translated(verification: Verification) -> Verification:
    """A worker's verification with its problems in the active language (their source text
    is the message id)."""
    verification.problems = [_(str(problem)) for problem in verification.problems]
    return verification


def _has_filled_signature_field(reader: Any) -> bool:
    from pyhanko.sign.fields import enumerate_sig_fields

    try:
        return any(True for _field in enumerate_sig_fields(reader, filled_status=True))
    except Exception:
        return False


def _context(roots: list[Any], crls: list[Any]) -> Any:
    from pyhanko_certvalidator import ValidationContext

    # A fresh context each time: they cache paths and revocation results.
    return ValidationContext(
        trust_roots=roots, crls=crls, allow_fetching=False, revocation_mode="hard-fail"
    )


def _verify_one(embedded: Any, roots: list[Any], crls: list[Any]) -> Verification:
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    result = Verification(signed=True)
    try:
        cert = embedded.signer_cert
        result.signer_name = signing.common_name(cert)
        result.signer_subject = cert.subject.human_friendly
        result.certificate_serial = format(cert.serial_number, "x")
        status = validate_pdf_signature(
            embedded,
            signer_validation_context=_context(roots, crls),
            ts_validation_context=_context(roots, crls),
            # Either usage makes a signing certificate; national CAs issue both kinds.
            key_usage_settings=KeyUsageConstraints(
                key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False
            ),
        )
    except Exception:  # a signature we cannot even check is not a good one
        logger.warning("Signature check failed", exc_info=True)
        result.problems.append(_("Không kiểm tra được chữ ký số: chữ ký hỏng hoặc bị sửa."))
        return result

    result.intact = bool(status.intact)
    result.valid = bool(status.valid)
    result.trusted = bool(status.trusted)
    if status.revoked:
        result.revoked = True
    elif result.trusted and (cert.crl_distribution_points or cert.ocsp_urls):
        # "hard-fail": a certificate that names where its revocation status is could only
        # be trusted if that status was found, and was good.
        result.revoked = False

    coverage = status.coverage
    level = status.modification_level
    result.modified_after_signing = coverage != SignatureCoverageLevel.ENTIRE_FILE
    allowed = {
        ModificationLevel.NONE,
        ModificationLevel.LTA_UPDATES,
        ModificationLevel.FORM_FILLING,
    }
    result.covers_whole_file = coverage == SignatureCoverageLevel.ENTIRE_FILE or (
        coverage == SignatureCoverageLevel.ENTIRE_REVISION
        and level in allowed
        and status.docmdp_ok is not False
    )

    ts = status.timestamp_validity
    result.timestamped = ts is not None
    if ts is not None:
        result.timestamp_valid = bool(ts.intact and ts.valid and ts.trusted)
        result.signed_at = ts.timestamp
    else:
        result.signed_at = status.signer_reported_dt

    if not result.intact:
        result.problems.append(_("Nội dung văn bản đã bị thay đổi sau khi ký."))
    elif not result.valid:
        result.problems.append(_("Chữ ký số không hợp lệ."))
    if not result.covers_whole_file:
        result.problems.append(_("Tệp đã bị sửa đổi sau khi ký."))
    if result.revoked:
        result.problems.append(_("Chứng thư số của người ký đã bị thu hồi."))
    elif not result.trusted and result.intact and result.valid:
        if _revocation_unknown(status):
            result.problems.append(
                _("Không xác định được tình trạng thu hồi của chứng thư số người ký.")
            )
        else:
            result.problems.append(
                _("Chứng thư số của người ký không do tổ chức chứng thực tin cậy cấp.")
            )
    if ts is not None and not result.timestamp_valid:
        if ts.intact and ts.valid:
            result.problems.append(
                _("Dấu thời gian không do đơn vị cấp dấu thời gian tin cậy cấp.")
            )
        else:
            result.problems.append(_("Dấu thời gian không hợp lệ."))
    return result


def _revocation_unknown(status: Any) -> bool:
    indication = getattr(status.trust_problem_indic, "name", "")
    return indication in {"REVOCATION_OUT_OF_BOUNDS", "TRY_LATER"}
