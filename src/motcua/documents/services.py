"""Issuing signed PDFs: a dossier's result when it is decided (a follow-up of the decision's
move, registered when the app is ready), its slips (forms 01–05) when someone first asks for
them, a unit's ledger (form 06), the receipt of a payment.

Rendering, signing and storing happen inside the caller's transaction: if any of them fails,
the decision is not recorded either (a result that could not be signed was not issued). The
stored file is the only copy that verifies as issued by us (``IssuedDocument.sha256``).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core.public_urls import document_url
from motcua.dossiers.codes import next_in_sequence
from motcua.dossiers.digitisation import mark
from motcua.dossiers.inspect import WORKERS, inspector
from motcua.dossiers.models import Dossier, DossierEvent, DossierFile, Outcome
from motcua.dossiers.moves import Move
from motcua.dossiers.workflow import Action, WorkflowError
from motcua.identity.models import Agency, User

from . import signing
from .access import is_internal
from .models import DocumentSequence, IssuedDocument, new_document_code
from .render import (
    RenderedPdf,
    render_ledger,
    render_receipt,
    render_result,
    render_slip,
    result_name,
)
from .signing import SigningError, sign_pdf
from .slips import KINDS
from .verification import Verification, translated, verify_in_worker, verify_pdf

PDF = "application/pdf"
F = TypeVar("F", bound=Callable[..., Any])


def in_vietnamese(issue: F) -> F:
    """A document is issued in Vietnamese whoever asks for it and in whatever language their
    screen is: it is signed and stored once, and served to everyone after."""

    @functools.wraps(issue)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with translation.override("vi"):
            return issue(*args, **kwargs)

    return cast(F, wrapper)


class IssueError(WorkflowError):
    """The document could not be issued (no signing key, a broken template…): nothing is."""


def next_number(agency: Agency, symbol: str, at: datetime) -> str:
    """ "15/KQ-…": the agency's running number for the year, then the document's symbol."""
    year = timezone.localdate(at).year
    number = next_in_sequence(DocumentSequence, agency_id=agency.pk, year=year)
    return f"{number}/{symbol}"


def _sign_and_store(
    *,
    rendered: RenderedPdf,
    code: str,
    kind: str,
    title: str,
    number: str,
    agency: Agency,
    dossier: Dossier | None,
    officer: User | None,
    signer_label: str,
    owner: User | None = None,
    file_kind: str | None = None,
) -> IssuedDocument:
    try:
        signed = sign_pdf(
            rendered.content,
            agency_id=agency.electronic_id,
            signer_label=signer_label,
            agency_name=agency.name,
            box=rendered.signature_box,
            reason=title,
            location=agency.unit.name if agency.unit_id else agency.name,
            officer=officer.get_username() if officer is not None else "",
        )
    except SigningError as error:
        raise IssueError(str(error)) from error
    content = signed.content
    document = IssuedDocument(
        code=code,
        dossier=dossier,
        agency=agency,
        kind=kind,
        title=title[:300],
        number=number,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        pages=rendered.pages,
        signer_name=signer_label[:200],
        signer_agency=agency,
        signed_by=officer,
        certificate_subject=signed.certificate_subject[:500],
        certificate_serial=signed.certificate_serial[:80],
        timestamped=signed.timestamped,
        issued_at=signed.signed_at,
        owner=owner,
    )
    document.file.save(f"{code}.pdf", ContentFile(content), save=False)
    try:
        if dossier is not None and file_kind is not None:
            # The same stored object, listed with the dossier's files: nothing is copied.
            document.dossier_file = DossierFile.objects.create(
                dossier=dossier,
                kind=file_kind,
                requirement_name=title[:300],
                file=document.file.name,
                original_name=f"{title[:180]} ({code}).pdf",
                content_type=PDF,
                size=len(content),
                sha256=document.sha256,
                uploaded_by=officer,
                origin=DossierFile.Origin.ISSUED,
                source_note=_("Mã văn bản %(code)s") % {"code": code},
            )
        document.save()
    except BaseException:
        # The rows were not written: leave no stored file that nothing points at.
        document.file.storage.delete(document.file.name)
        raise
    return document


# --- the result ------------------------------------------------------------------------------


def result_title(dossier: Dossier) -> str:
    if dossier.children.exists():
        return _("Thông báo kết quả giải quyết hồ sơ liên thông")
    if dossier.outcome == Outcome.REJECTED:
        return _("Thông báo từ chối giải quyết hồ sơ")
    return result_name(dossier.version) or _("Kết quả giải quyết thủ tục hành chính")


def result_owner(dossier: Dossier) -> User | None:
    """Whose data store keeps the result: the account that submitted it; for a dossier
    received at the desk, the citizen whose verified identity (VNeID) has the applicant's ID
    number, so that a walk-in's result reaches their account too."""
    if dossier.applicant_id is not None:
        return dossier.applicant
    number = dossier.applicant_id_number.strip()
    if not number:
        return None
    return User.objects.filter(
        kind=User.Kind.CITIZEN, national_id=number, identity_verified=True
    ).first()


@in_vietnamese
def issue_result(
    *, dossier: Dossier, officer: User | None, at: datetime | None = None
) -> IssuedDocument:
    """The decided dossier's result, signed with its agency's key as ``officer`` decided it
    (the agency itself when the system decided: a linked group, once its children are done);
    kept in the applicant's data store and counted as an electronic result."""
    at = at or timezone.now()
    agency = dossier.handler_agency if dossier.agency_id is None else dossier.agency
    code = new_document_code()
    title = result_title(dossier)
    number = next_number(agency, "KQ", at)
    signer = (officer.full_name or officer.get_username()) if officer is not None else agency.name
    rendered = render_result(
        dossier,
        document_code=code,
        verify_url=document_url(code),
        signer_title=_("TM. %(agency)s") % {"agency": agency.name.upper()},
        signer_name=signer,
        number=number,
    )
    document = _sign_and_store(
        rendered=rendered,
        code=code,
        kind=IssuedDocument.Kind.RESULT,
        title=title,
        number=number,
        agency=agency,
        dossier=dossier,
        officer=officer,
        signer_label=signer,
        owner=result_owner(dossier),
        file_kind=DossierFile.Kind.RESULT,
    )
    mark(dossier, "has_e_result")
    return document


def issue_decided_result(dossier: Dossier, event: DossierEvent, move: Move) -> None:
    """A follow-up of every decision, whoever or whatever decides (an approver, or the system
    for a linked group): its signed result, in the decision's transaction, so that a result
    that cannot be signed leaves the decision unrecorded too."""
    if getattr(settings, "ISSUE_RESULTS", True):
        issue_result(dossier=dossier, officer=event.actor, at=event.at)


# --- slips -----------------------------------------------------------------------------------


def _slip_events(dossier: Dossier, number: str) -> list[DossierEvent]:
    actions = KINDS[number].actions
    return list(dossier.events.filter(action__in=actions).order_by("at", "pk"))


@in_vietnamese
@transaction.atomic
def slip_document(dossier: Dossier, number: str, *, transfer: Any = None) -> IssuedDocument | None:
    """Slip ``number`` of ``dossier`` as a signed PDF: the one issued before while nothing it
    shows has changed since, else a new one. None when the dossier has no such slip. The
    receipt (01) carries ``transfer``, the VietQR of fees asked at reception, while they are
    asked; asked or paid since it was issued, it is issued anew."""
    if number not in KINDS:
        return None
    events = _slip_events(dossier, number)
    if not events:
        return None
    last_event = events[-1]
    if number == "04":
        # The control slip grows with every hand-over: it is as new as the latest move.
        last_event = dossier.events.order_by("-at", "-pk").first() or last_event
    if number == "01":
        paying = (Action.REQUEST_PAYMENT, Action.CONFIRM_PAYMENT)
        latest = dossier.events.filter(action__in=paying).order_by("-at", "-pk").first()
        if latest is not None and latest.at > last_event.at:
            last_event = latest
    existing = (
        IssuedDocument.objects.filter(dossier=dossier, kind=number).order_by("-issued_at").first()
    )
    if (
        existing is not None
        and existing.issued_at >= last_event.at
        and existing.file.storage.exists(existing.file.name)  # else issued anew, not a 404
    ):
        return existing
    code = new_document_code()
    rendered = render_slip(
        dossier, number, document_code=code, verify_url=document_url(code), transfer=transfer
    )
    if rendered is None:
        return None
    signer = events[-1]
    agency = signer.actor_agency or dossier.agency
    label = signer.actor_name or agency.name
    return _sign_and_store(
        rendered=rendered,
        code=code,
        kind=number,
        title=str(KINDS[number].title),
        number="",
        agency=agency,
        dossier=dossier,
        officer=signer.actor,
        signer_label=label,
        file_kind=None,
    )


# --- the ledger (form 06) --------------------------------------------------------------------


@in_vietnamese
@transaction.atomic
def issue_ledger(
    *,
    agency: Agency,
    officer: User,
    rows: list[Dossier],
    start: date,
    end: date,
) -> IssuedDocument:
    code = new_document_code()
    rendered = render_ledger(
        rows,
        agency=agency,
        period_start=start,
        period_end=end,
        document_code=code,
        verify_url=document_url(code),
        signer_name=officer.full_name or officer.get_username(),
    )
    return _sign_and_store(
        rendered=rendered,
        code=code,
        kind=IssuedDocument.Kind.LEDGER,
        title=_("Sổ theo dõi hồ sơ từ %(start)s đến %(end)s")
        % {"start": start.strftime("%d/%m/%Y"), "end": end.strftime("%d/%m/%Y")},
        number="",
        agency=agency,
        dossier=None,
        officer=officer,
        signer_label=officer.full_name or officer.get_username(),
    )


# --- reading ---------------------------------------------------------------------------------


def read(document: IssuedDocument) -> bytes:
    with document.file.open("rb") as handle:
        content: bytes = handle.read()
    return content


def by_code(code: str) -> IssuedDocument | None:
    cleaned = code.strip().upper()
    if len(cleaned) != 16:
        return None
    return (
        IssuedDocument.objects.select_related("agency", "dossier", "signer_agency")
        .filter(code=cleaned)
        .first()
    )


def by_hash(sha256: str) -> IssuedDocument | None:
    return IssuedDocument.objects.select_related("agency").filter(sha256=sha256).first()


# --- verification ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FileCheck:
    """What the verification page and API say of a file: its signature (``verification``)
    and whether it is, byte for byte, a document the system issued (``document``)."""

    verification: Verification
    document: IssuedDocument | None

    @property
    def issued_by_us(self) -> bool:
        return self.document is not None

    @property
    def internal(self) -> bool:
        """An internal document of the agency (forms 04, 06): only that it exists, its hash
        and its signature status are shown publicly (documents.access)."""
        return self.document is not None and is_internal(self.document)

    @property
    def verdict(self) -> str:
        verdict = str(self.verification.verdict)
        if verdict == "valid" and self.document is None:
            return "not_issued"
        return verdict


VERDICTS = {
    "valid": gettext_lazy(
        "Văn bản hợp lệ: chữ ký số còn nguyên vẹn, tin cậy, và đúng là bản đã cấp."
    ),
    "not_issued": gettext_lazy(
        "Chữ ký số hợp lệ, nhưng tệp này không phải bản hệ thống đã cấp (không khớp mã băm)."
    ),
    "tampered": gettext_lazy("Văn bản đã bị sửa đổi sau khi ký: không còn giá trị."),
    "untrusted": gettext_lazy("Chữ ký số không thuộc tổ chức chứng thực được tin cậy."),
    "revoked": gettext_lazy("Chứng thư số của người ký đã bị thu hồi."),
    "unsigned": gettext_lazy("Tệp PDF không có chữ ký số."),
    "malformed": gettext_lazy("Tệp không phải PDF hợp lệ hoặc bị hỏng."),
}


class VerificationBusy(Exception):
    """Every worker that opens uploads is taken: the caller answers 503 (try again)."""

    def __init__(self) -> None:
        self.message = _(
            "Hệ thống đang bận kiểm tra các tệp khác. Không có gì được lưu; "
            "vui lòng gửi lại sau ít phút."
        )
        super().__init__(self.message)


def check_file(content: bytes) -> FileCheck:
    """Verify any uploaded PDF — anyone's, anonymously — in the bounded worker that opens
    dossier uploads (dossiers.inspect: its own process, memory and time limits), never in the
    web process: a PDF built to exhaust the parser costs a worker, which is replaced. Only
    when a worker is free (VerificationBusy otherwise), so anonymous checks never queue ahead
    of dossiers. Never raises on bad input: a file the worker could not finish is malformed."""
    roots = [str(path) for path in signing.trusted_root_paths()]
    crls = [str(path) for path in signing.crl_paths()]
    verdict, found = inspector.run(verify_in_worker, content, roots, crls, busy_at=WORKERS)
    if verdict == "busy":
        raise VerificationBusy()
    digest = hashlib.sha256(content).hexdigest()
    if verdict == "ok" and isinstance(found, Verification):
        verification = translated(found)
    else:
        verification = Verification(sha256=digest, malformed=True, problems=[_(
            "Tệp quá phức tạp để kiểm tra an toàn (cần quá nhiều bộ nhớ hoặc thời gian)."
        )])  # fmt: skip
    return FileCheck(verification, by_hash(digest))


def check_stored(document: IssuedDocument) -> FileCheck:
    """The stored file of ``document``, verified afresh (a revocation shows at once)."""
    return FileCheck(verify_pdf(read(document)), document)


# --- receipts of fees and charges ------------------------------------------------------------


@in_vietnamese
@transaction.atomic
def issue_receipt(
    *,
    dossier: Dossier,
    agency: Agency,
    receipt_number: str,
    amount: int,
    lines: list[tuple[str, int]],
    method: str,
    transaction_id: str,
    paid_at: datetime,
    collector: User | None,
) -> IssuedDocument:
    """The electronic receipt (biên lai điện tử) of one payment, signed with the collecting
    agency's key, kept with the dossier and in the payer's data store."""
    code = new_document_code()
    signer = (collector.full_name or collector.get_username()) if collector else agency.name
    rendered = render_receipt(
        dossier,
        agency=agency,
        document_code=code,
        verify_url=document_url(code),
        number=receipt_number,
        receipt_number=receipt_number,
        amount=amount,
        lines=lines,
        method=method,
        transaction=transaction_id,
        paid_at=paid_at,
        signer_name=signer,
    )
    return _sign_and_store(
        rendered=rendered,
        code=code,
        kind=IssuedDocument.Kind.FEE_RECEIPT,
        title=_("Biên lai thu phí, lệ phí số %(number)s") % {"number": receipt_number},
        number=receipt_number,
        agency=agency,
        dossier=dossier,
        officer=collector,
        signer_label=signer,
        owner=result_owner(dossier),
    )
