"""Public verification of issued documents: upload a PDF, or ask by the document's code.
No token: a bank or a school checks a result the citizen handed them. Calls are counted per
client address like the portal's page.

And the citizen's data store: what they may reuse, and reusing it in a submitted dossier.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Router, Schema
from ninja.files import UploadedFile

from motcua.core.admission import refusal, retry_after
from motcua.core.http import client_ip
from motcua.core.public_urls import document_url
from motcua.core.throttle import verifications
from motcua.documents import services
from motcua.documents.models import IssuedDocument
from motcua.documents.store import reuse_in_dossier, store_items
from motcua.dossiers.models import DossierFile
from motcua.dossiers.workflow import Status, WorkflowError
from motcua.identity.models import User

from .auth import bearer
from .dossier_schemas import FileOut
from .dossier_views import local
from .dossiers import reachable
from .errors import ApiError
from .schemas import ErrorOut, RowId

router = Router(tags=["results"])


class SignatureOut(Schema):
    signed: bool
    intact: bool
    valid: bool
    trusted: bool
    revoked: bool | None
    modified_after_signing: bool
    signer_name: str
    signer_subject: str
    certificate_serial: str
    signed_at: datetime | None
    timestamped: bool
    timestamp_valid: bool | None
    problems: list[str]


class DocumentOut(Schema):
    code: str
    kind: str
    title: str
    number: str
    agency: str
    dossier_code: str | None
    issued_at: datetime
    pages: int
    sha256: str
    url: str
    file_url: str


class VerifyOut(Schema):
    verdict: str
    message: str
    issued_by_us: bool
    # An internal document of the agency (forms 04, 06): only that it exists, its hash and
    # its signature status are told; ``document`` is null and the signer's names are empty.
    internal: bool = False
    sha256: str
    signature: SignatureOut
    document: DocumentOut | None


def _document_out(document: IssuedDocument) -> dict[str, Any]:
    return {
        "code": document.code,
        "kind": document.kind,
        "title": document.title,
        "number": document.number,
        "agency": document.agency.name,
        "dossier_code": document.dossier.code if document.dossier_id else None,  # type: ignore[union-attr]
        "issued_at": local(document.issued_at),
        "pages": document.pages,
        "sha256": document.sha256,
        "url": document_url(document.code),
        "file_url": settings.PUBLIC_URL + reverse("portal:document-file", args=[document.code]),
    }


def _out(check: services.FileCheck) -> dict[str, Any]:
    v = check.verification
    named = not check.internal  # an internal slip's signer is an officer, not for the public
    return {
        "verdict": check.verdict,
        "message": str(services.VERDICTS[check.verdict]),
        "issued_by_us": check.issued_by_us,
        "internal": check.internal,
        "sha256": v.sha256,
        "signature": {
            "signed": v.signed,
            "intact": v.intact,
            "valid": v.valid,
            "trusted": v.trusted,
            "revoked": v.revoked,
            "modified_after_signing": v.modified_after_signing,
            "signer_name": (v.signer_name or "") if named else "",
            "signer_subject": (v.signer_subject or "") if named else "",
            "certificate_serial": (v.certificate_serial or "") if named else "",
            "signed_at": local(v.signed_at),
            "timestamped": v.timestamped,
            "timestamp_valid": v.timestamp_valid,
            "problems": [str(p) for p in v.problems],
        },
        "document": _document_out(check.document) if check.document and named else None,
    }


def _count(request: HttpRequest) -> None:
    verifications().take(client_ip(request))


@router.post(
    "/results/verify",
    auth=None,
    response={200: VerifyOut, 413: ErrorOut, 422: ErrorOut, 429: ErrorOut, 503: ErrorOut},
    summary="Verify a PDF: signature, signer, time, trust, revocation, and whether we issued it",
)
def verify(request: HttpRequest, file: File[UploadedFile]) -> Any:
    _count(request)
    limit = int(settings.UPLOAD_MAX_MB * 1024 * 1024)
    content = file.read(limit + 1)
    if len(content) > limit:
        raise ApiError(_("Tệp lớn hơn %(mb)s MB cho phép.") % {"mb": settings.UPLOAD_MAX_MB}, 413)
    if not content:
        raise ApiError(_("Tệp trống."), 422)
    try:
        return _out(services.check_file(content))
    except services.VerificationBusy as busy:
        # Every upload worker is taken: 503 with Retry-After, as under any overload.
        return refusal(request, status=503, seconds=retry_after(), message=busy.message)


@router.get(
    "/results/{result_code}",
    auth=None,
    response={200: VerifyOut, 404: ErrorOut, 429: ErrorOut},
    summary="An issued document by its code, with its stored file verified now",
)
def result(request: HttpRequest, result_code: str) -> dict[str, Any]:
    _count(request)
    document = services.by_code(result_code)
    if document is None:
        raise ApiError(_("Không có văn bản nào mang mã này."), 404)
    try:
        check = services.check_stored(document)
    except FileNotFoundError:
        raise ApiError(_("Không có văn bản nào mang mã này."), 404) from None
    return _out(check)


# --- the citizen's data store ----------------------------------------------------------------


class StoreItemOut(Schema):
    id: int
    title: str
    name: str
    type: str
    size: int
    at: datetime
    dossier_code: str
    source: str
    document_code: str | None


class ReuseIn(Schema):
    source: RowId
    requirement: RowId | None = None


@router.get(
    "/store",
    auth=bearer,
    response={200: list[StoreItemOut], 401: ErrorOut},
    summary="The citizen's data store: issued results and earlier papers, to reuse",
)
def store(request: HttpRequest) -> list[dict[str, Any]]:
    user: User = request.user  # type: ignore[assignment]
    return [
        {
            "id": item.file.pk,
            "title": item.title,
            "name": item.file.original_name,
            "type": item.file.content_type,
            "size": item.file.size,
            "at": local(item.at),
            "dossier_code": item.dossier_code,
            "source": item.note,
            "document_code": item.document.code if item.document else None,
        }
        for item in store_items(user)
    ]


@router.post(
    "/dossiers/{code}/files/reuse",
    auth=bearer,
    response={201: FileOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Attach a paper from the data store instead of uploading it again",
)
def reuse(request: HttpRequest, code: str, payload: ReuseIn) -> tuple[int, dict[str, Any]]:
    user: User = request.user  # type: ignore[assignment]
    dossier = reachable(user, code)
    waiting = (Status.SUBMITTED, Status.SUPPLEMENT_REQUESTED)
    if dossier.applicant_id != user.pk or dossier.status not in waiting:
        raise ApiError(_("Không thể thêm tệp vào hồ sơ ở trạng thái hiện tại."), 409)
    requirement = None
    if payload.requirement is not None:
        requirement = dossier.version.documents.filter(pk=payload.requirement).first()
        if requirement is None:
            raise ApiError(_("Thành phần hồ sơ đã chọn không thuộc thủ tục này."), 422)
    kind = (
        DossierFile.Kind.SUPPLEMENT
        if dossier.status == Status.SUPPLEMENT_REQUESTED
        else DossierFile.Kind.COMPONENT
    )
    try:
        reused = reuse_in_dossier(
            dossier=dossier, requirement=requirement, source_id=payload.source, user=user, kind=kind
        )
    except WorkflowError as error:
        raise ApiError(error.message, 422) from error
    return 201, {
        "id": reused.pk,
        "name": reused.original_name,
        "size": reused.size,
        "type": reused.content_type,
        "kind": reused.kind,
        "requirement": reused.requirement_name,
        "uploaded_at": local(reused.uploaded_at),
        "origin": reused.origin,
        "source": reused.source_note,
    }
