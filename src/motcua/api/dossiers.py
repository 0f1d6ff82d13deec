"""Dossiers through the API: submit, upload files, read, list one's own, the officer's inbox,
and the public lookup by code and contact."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, UploadedFile

from motcua.catalog import schema_forms
from motcua.catalog.models import ProcedureVariant, ProcedureVersion
from motcua.catalog.selectors import agency_by_code, version_to_submit
from motcua.core.http import client_ip
from motcua.core.throttle import Limit, submissions, uploads
from motcua.dossiers.access import visible_dossiers
from motcua.dossiers.applicants import applicant_for
from motcua.dossiers.models import Dossier, DossierFile
from motcua.dossiers.rules import may_add_files, may_receive
from motcua.dossiers.selectors import InboxRows, my_dossiers, public_lookup
from motcua.dossiers.services import (
    Applicant,
    NotPermitted,
    Submission,
    SubmissionRejected,
    UploadError,
    WorkflowError,
    store_upload,
    submit_dossier,
)
from motcua.dossiers.workflow import Status
from motcua.identity.models import Agency, User

from .auth import FailureCounter, Throttled, bearer
from .dossier_schemas import (
    ApplicantIn,
    DossierOut,
    DossierPage,
    FileOut,
    InboxQuery,
    LookupOut,
    LookupQuery,
    PageQuery,
    ProblemsOut,
    SubmitIn,
)
from .dossier_views import (
    APPLICANT_TYPES,
    CHANNELS,
    dossier_out,
    is_staff_reader,
    local,
    status_of,
    summary_of_row,
    summary_out,
)
from .errors import ApiError
from .idempotency import KeyHeader, submitted_once
from .paging import page_of
from .rendering import shaped
from .replica_reads import replica_reads
from .schemas import ErrorOut

# A city-wide inbox never pays for a full count (docs/reports.md).
INBOX_COUNT_CAP = 10_000
router = Router(tags=["dossiers"])
# What ``dossier_out`` prints of the dossier's relations, and nothing more.
SHOWN_RELATED = ("version__procedure", "variant", "agency", "handler", "handler_agency", "parent")

MAX_DATA_BYTES = 200_000  # a form's answers; files go through /files
LOOKUP_FAILURES_PER_ADDRESS = 10
LOOKUP_LOCKOUT_SECONDS = 10 * 60
Problems = tuple[int, dict[str, Any]]


def not_found() -> ApiError:
    # One message whether the dossier does not exist or is someone else's.
    return ApiError(_("Không tìm thấy hồ sơ."), 404)


def _shown(user: Any, code: str) -> Dossier | None:
    """The dossier with ``code`` if ``user`` may see it, with what ``dossier_out`` prints."""
    found = visible_dossiers(user).select_related(*SHOWN_RELATED).prefetch_related("files")
    return found.filter(code=code).first()


def visible(request: HttpRequest, code: str) -> Dossier:
    dossier = _shown(request.user, code)
    if dossier is None:
        raise not_found()
    return dossier


def reachable(user: User, code: str) -> Dossier:
    """The dossier with ``code`` if ``user`` may see it, nothing joined: one query, for the
    checks before a change (the same rule as ``visible``)."""
    try:
        return visible_dossiers(user).get(code=code)
    except Dossier.DoesNotExist:
        raise not_found() from None


# --- submission ----------------------------------------------------------------------------


def _variant(version: ProcedureVersion, code: str) -> ProcedureVariant:
    variants = list(version.variants.all())
    if code:
        chosen = next((v for v in variants if v.code == code), None)
    else:
        chosen = variants[0] if len(variants) == 1 else None
    if chosen is None:
        raise ApiError(
            _("Hãy chọn một trường hợp (variant) của thủ tục: %(codes)s.")
            % {"codes": ", ".join(v.code for v in variants)},
            422,
        )
    return chosen


def _typed(given: ApplicantIn | None) -> Applicant:
    """The applicant as the body gives it (the rule of who applies is the domain's)."""
    given = given or ApplicantIn.model_validate({})
    return Applicant(
        name=given.name.strip(),
        id_number=given.id_number.strip(),
        phone=given.phone.strip(),
        email=given.email.strip(),
        address=given.address.strip(),
        type=APPLICANT_TYPES[given.type],
        organisation_name=given.organisation_name.strip(),
        organisation_tax_code=given.organisation_tax_code.strip(),
    )


def _problems(submission: Submission, problems: list[str]) -> Problems:
    """422 with every problem; an answer of the form is located at its path under ``data``."""
    located = [
        {"type": "form", "loc": ["body", "payload", "data", *_path(p.path)], "msg": p.message}
        for p in schema_forms.validate(submission.version.form_schema, submission.data)
    ]
    in_form = {p["msg"] for p in located}
    errors = [
        {"type": "submission", "loc": ["body", "payload"], "msg": m}
        for m in problems
        if m not in in_form
    ]
    return 422, {"detail": " ".join(problems), "errors": errors + located}


def _path(path: str) -> list[str | int]:
    # "cac_ben.1.ho_ten" (or "cac_ben/1/ho_ten") -> ["cac_ben", 1, "ho_ten"]
    steps = [step for step in path.replace("/", ".").split(".") if step]
    return [int(step) if step.isdigit() else step for step in steps]


def _again(user: User, dossier_id: int) -> Problems:
    """A retry of a submission: the dossier its key made, as it is now."""
    return 200, dossier_out(user, visible_or_own(user, Dossier.objects.get(pk=dossier_id)))


def visible_or_own(user: User, dossier: Dossier) -> Dossier:
    return _shown(user, dossier.code) or dossier


@router.post(
    "/dossiers",
    auth=bearer,
    response={
        200: DossierOut, 201: DossierOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut,
        422: ProblemsOut, 429: ErrorOut,
    },
    summary="Submit a dossier",
    description="A retry with the same Idempotency-Key answers 200 with the dossier it made.",
)  # fmt: skip
def submit(request: HttpRequest, payload: SubmitIn, idempotency_key: KeyHeader = "") -> Problems:
    user: User = request.user  # type: ignore[assignment]
    key = idempotency_key.strip()
    # A retry answers the dossier as it is now (it may have moved on since).
    return submitted_once(
        request,
        key,
        lambda fingerprint: _submit(user, payload, key, fingerprint),
        again=lambda dossier_id: _again(user, dossier_id),
    )


def _submit(user: User, payload: SubmitIn, key: str, fingerprint: str) -> Problems:
    # A retry is answered before this (``submitted_once``, which looked the key up): it is
    # not counted, and submit_dossier does not look the key up again.
    submissions().take(f"user:{user.pk}")
    version = version_to_submit(payload.procedure)
    if version is None:
        raise ApiError(
            _("Không có thủ tục mã %(code)s đang có hiệu lực.") % {"code": payload.procedure}, 404
        )
    agency = agency_by_code(payload.unit)
    if agency is None:
        raise ApiError(_("Không có cơ quan mã %(code)s.") % {"code": payload.unit}, 404)
    if len(json.dumps(payload.data, ensure_ascii=False)) > MAX_DATA_BYTES:
        raise ApiError(_("Nội dung tờ khai quá lớn."), 422)
    channel = CHANNELS[payload.channel]
    _check_channel(user, payload, agency)
    submission = Submission(
        version=version,
        variant=_variant(version, payload.variant),
        agency=agency,
        applicant=applicant_for(user, given=_typed(payload.applicant), data=payload.data),
        data=payload.data,
        result_delivery=payload.result_delivery,
        delivery_address=payload.delivery_address.strip(),
        exemption_claims=payload.exemption_claims,
    )
    try:
        made = submit_dossier(
            submission=submission,
            submitted_by=user,
            channel=channel,
            idempotency_key=key,
            fingerprint=fingerprint,
            key_checked=True,
        )
    except SubmissionRejected as rejected:
        return _problems(submission, rejected.problems)
    except NotPermitted as error:
        raise ApiError(error.message, 403) from error
    except WorkflowError as error:
        raise ApiError(error.message, 422) from error
    # Answered from the rows the submission wrote: the submitter reads their own new dossier.
    return 201, dossier_out(user, made.answered())


def _check_channel(user: User, payload: SubmitIn, agency: Agency) -> None:
    if not user.is_officer:
        if payload.channel != "online":
            raise ApiError(
                _("Chỉ cán bộ một cửa mới tiếp nhận hồ sơ trực tiếp hoặc qua bưu chính."), 403
            )
        return
    if payload.channel == "online":
        raise ApiError(_("Cán bộ nộp hồ sơ thay người dân cần chọn kênh in_person hoặc post."), 422)
    if payload.applicant is None:
        raise ApiError(_("Cần nhập thông tin người nộp hồ sơ (applicant)."), 422)
    if not may_receive(user, agency):
        raise ApiError(_("Chỉ cán bộ một cửa của đơn vị mới tiếp nhận hồ sơ trực tiếp."), 403)


# --- files ---------------------------------------------------------------------------------


def _kind_for(dossier: Dossier) -> str:
    if dossier.status == Status.SUPPLEMENT_REQUESTED:
        return DossierFile.Kind.SUPPLEMENT
    if dossier.status == Status.DECIDED:
        return DossierFile.Kind.RESULT
    if dossier.status == Status.SUBMITTED:
        return DossierFile.Kind.COMPONENT
    return DossierFile.Kind.OTHER


@router.post(
    "/dossiers/{code}/files",
    auth=bearer,
    response={
        201: FileOut,
        401: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
        429: ErrorOut,
    },
    summary="Add a file (PDF, JPEG or PNG) to a dossier",
)
def upload(
    request: HttpRequest,
    code: str,
    file: File[UploadedFile],
    requirement: Form[int | None] = None,
) -> tuple[int, dict[str, Any]]:
    user: User = request.user  # type: ignore[assignment]
    uploads().take(f"user:{user.pk}")
    dossier = reachable(user, code)
    if not may_add_files(user, dossier):
        raise ApiError(_("Không thể thêm tệp vào hồ sơ ở trạng thái hiện tại."), 409)
    document = None
    if requirement is not None:
        document = dossier.version.documents.filter(pk=requirement).first()
        if document is None:
            raise ApiError(_("Thành phần hồ sơ đã chọn không thuộc thủ tục này."), 422)
    try:
        stored = store_upload(
            file,
            name=file.name or "",
            uploaded_by=user,
            dossier=dossier,
            requirement=document,
            kind=_kind_for(dossier),
        )
    except UploadError as error:
        raise ApiError(error.message, 422) from error
    return 201, {
        "id": stored.pk,
        "name": stored.original_name,
        "size": stored.size,
        "type": stored.content_type,
        "kind": stored.kind,
        "requirement": stored.requirement_name,
        "uploaded_at": local(stored.uploaded_at),
    }


# --- reading -------------------------------------------------------------------------------


@router.get(
    "/dossiers/{code}",
    auth=bearer,
    response={200: DossierOut, 401: ErrorOut, 404: ErrorOut},
    summary="One dossier, with its files and history",
)
def get_dossier(request: HttpRequest, code: str) -> dict[str, Any]:
    return dossier_out(request.user, visible(request, code))  # type: ignore[arg-type]


@router.get(
    "/dossiers",
    auth=bearer,
    response={200: DossierPage, 401: ErrorOut, 403: ErrorOut},
    summary="My dossiers (citizens and businesses)",
)
def list_my_dossiers(request: HttpRequest, params: Query[PageQuery]) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    if is_staff_reader(user):
        raise ApiError(_("Cán bộ xem hồ sơ cần xử lý tại /api/v1/inbox."), 403)
    page = page_of(
        my_dossiers(user).select_related("handler_agency"),
        page=params.page,
        page_size=params.page_size,
    )
    return {**page, "items": [summary_out(user, d) for d in page["items"]]}


@router.get(
    "/inbox",
    auth=bearer,
    response={200: DossierPage, 401: ErrorOut, 403: ErrorOut},
    summary="The officer's inbox, soonest due first",
)
def get_inbox(request: HttpRequest, params: Query[InboxQuery]) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not is_staff_reader(user):
        raise ApiError(_("Chỉ cán bộ mới có hộp hồ sơ cần xử lý."), 403)
    rows = InboxRows.of(user, params.box, q=params.q)
    page = page_of(
        rows,
        page=params.page,
        page_size=params.page_size,
        count_cap=INBOX_COUNT_CAP,
        read=InboxRows.values,  # plain rows: no model built (dossiers.selectors.INBOX_VALUES)
    )
    staff = is_staff_reader(user)
    zone = timezone.get_current_timezone()
    items = [summary_of_row(row, staff=staff, zone=zone) for row in page["items"]]
    # Built in DossierPage's shape by page_of and summary_of_row: rendered without validating
    # every row again (motcua.api.rendering).
    return shaped(request, {**page, "items": items})


# --- public lookup -------------------------------------------------------------------------


def _lookup_counter(request: HttpRequest) -> FailureCounter:
    limit = Limit("api-lookup-address", LOOKUP_FAILURES_PER_ADDRESS, LOOKUP_LOCKOUT_SECONDS)
    return FailureCounter(limits=((limit, client_ip(request)),))


@router.get(
    "/lookup",
    response={200: LookupOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Look a dossier up by its code and the phone or ID number given in it",
)
@replica_reads
def lookup(request: HttpRequest, params: Query[LookupQuery]) -> HttpResponse:
    counter = _lookup_counter(request)
    wait = counter.wait()
    if wait:
        raise Throttled(_("Bạn đã tra cứu sai nhiều lần. Vui lòng thử lại sau."), wait)
    dossier = public_lookup(params.code, params.contact)
    if dossier is None:
        counter.record_failure()
        raise ApiError(
            _("Không tìm thấy hồ sơ với mã và số điện thoại hoặc số giấy tờ đã nhập."), 404
        )
    # No personal data: whoever knows a code and a phone number learns only the progress.
    return shaped(request, lookup_out(dossier))


def lookup_out(dossier: Any) -> dict[str, Any]:
    """The lookup's answer in LookupOut's shape (keys in its order, its types): rendered
    without validating it again (tests/api/test_lookup_shape.py holds it to the same bytes)."""
    return {
        "code": dossier.code,
        "status": status_of(dossier.status),
        "procedure": {"code": dossier.version.procedure.code, "name": dossier.version.name},
        "unit": dossier.agency.name,
        "submitted_at": local(dossier.submitted_at),
        "accepted_at": local(dossier.accepted_at),
        "due_at": local(dossier.due_at),
        "returned_at": local(dossier.returned_at),
    }
