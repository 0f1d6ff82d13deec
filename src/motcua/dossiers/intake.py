"""Submission and the one-stop desk: submit online, receive in person or by post, accept,
refuse, ask for a supplement, and take the supplement back (with the papers it brings)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.fees import claimable
from motcua.catalog.models import ProcedureVariant, ProcedureVersion
from motcua.catalog.schema_forms import validate as validate_answers
from motcua.core.calendar import DueDateError, compute_due
from motcua.identity.models import Agency, OfficerRole, User
from motcua.waitroom.rules import online_submission_problem

from .clock import close, resume_clock, supplement_deadline_default
from .codes import next_dossier_code
from .digitisation import mark_files
from .fees import claims_problem
from .files import NewUpload, StoredUploads
from .models import (
    Channel,
    Dossier,
    DossierEvent,
    DossierFile,
    Draft,
    IdempotencyRecord,
    ResultDelivery,
)
from .moves import Move, transition
from .rules import locked_for, may_receive, performs
from .steps import handles, start_step, steps_of
from .workflow import Action, NotPermitted, Status, WorkflowError

RECEIVER = OfficerRole.Role.RECEIVER


@dataclass
class Applicant:
    name: str
    id_number: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    type: int = 1
    organisation_name: str = ""
    organisation_tax_code: str = ""


@dataclass
class Submission:
    version: ProcedureVersion
    variant: ProcedureVariant
    agency: Agency
    applicant: Applicant
    data: dict[str, Any]
    result_delivery: str = ResultDelivery.DESK
    delivery_address: str = ""
    # Files already stored (a draft's come with the draft) and new ones to store with it.
    files: list[DossierFile] = field(default_factory=list)
    uploads: list[NewUpload] = field(default_factory=list)
    # Codes of the procedure's exemptions the applicant declares belonging to.
    exemption_claims: list[str] = field(default_factory=list)


class SubmissionRejected(WorkflowError):
    """The submission cannot be made as it is: ``problems`` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


def check_submission(sub: Submission) -> list[str]:
    """Everything wrong with a submission, as messages for the applicant."""
    problems: list[str] = []
    if sub.variant.version_id != sub.version.pk:
        problems.append(_("Trường hợp đã chọn không thuộc thủ tục này."))
    if not handles(sub.version, sub.agency):
        problems.append(
            _("%(agency)s không giải quyết thủ tục này; hãy chọn một đơn vị trong danh sách.")
            % {"agency": sub.agency}
        )
    if not sub.applicant.name.strip():
        problems.append(_("Cần có họ tên người nộp hồ sơ."))
    if not (sub.applicant.phone or sub.applicant.email or sub.applicant.id_number):
        problems.append(_("Cần có số điện thoại, thư điện tử hoặc số giấy tờ tùy thân để tra cứu."))
    if sub.result_delivery not in ResultDelivery.values:
        problems.append(_("Hình thức nhận kết quả không hợp lệ."))
    if sub.result_delivery == ResultDelivery.POST and not sub.delivery_address.strip():
        problems.append(_("Nhận kết quả qua bưu chính cần địa chỉ nhận."))
    problems += [p.message for p in validate_answers(sub.version.form_schema, sub.data)]
    offered = {e.code for e in claimable(sub.version, variant=sub.variant.code)}
    if not set(sub.exemption_claims) <= offered:
        problems.append(_("Đối tượng miễn, giảm đã chọn không áp dụng cho thủ tục này."))
    return problems


def _summary(version: ProcedureVersion, applicant: Applicant) -> str:
    who = applicant.organisation_name or applicant.name
    return f"{version.name} — {who}"[:500]


@dataclass(frozen=True)
class Submitted:
    """What :func:`submit_dossier` did: ``created`` False when an earlier submission with
    the same key is answered instead. A new dossier comes with the rows its move wrote (its
    history and files), so that the answer is built from them without reading them back."""

    dossier: Dossier
    created: bool
    events: list[DossierEvent] = field(default_factory=list)
    files: list[DossierFile] = field(default_factory=list)

    def answered(self) -> Dossier:
        """The new dossier with its history and files in hand and no linked children yet,
        for building the answer to its submitter; not an instance to move further (its
        relations are not read again)."""
        if self.created:
            self.dossier._prefetched_objects_cache = {  # type: ignore[attr-defined]
                "events": self.events,
                "files": self.files,
                "children": [],
            }
        return self.dossier


def earlier_submission(user: User, key: str) -> Dossier | None:
    """The dossier ``user`` already submitted with Idempotency-Key ``key``, if any."""
    if not key:
        return None
    found = IdempotencyRecord.objects.filter(user=user, key=key).select_related("dossier")
    record = found.first()
    return record.dossier if record is not None else None


def submit_dossier(
    *,
    submission: Submission,
    submitted_by: User | None,
    channel: int = Channel.ONLINE,
    at: datetime | None = None,
    idempotency_key: str = "",
    fingerprint: str = "",
    key_checked: bool = False,
    draft: Draft | None = None,
) -> Submitted:
    """Create a dossier in status 1 with its code. Online, by the applicant; in person or by
    post, by a receiver at the desk on the applicant's behalf, with the papers they scan in
    (``submission.uploads``: stored with the dossier, or not at all).

    The code is taken before the dossier's transaction opens when the caller has none open
    (the API): the unit's counter row is then locked for that one statement rather than for
    the whole submission, which was what held concurrent submissions to one unit back
    (ADR 0010). A submission that fails after that leaves its number unused: codes may skip
    a number, they never repeat one. Inside a caller's transaction the code is taken in it.

    A submission with an ``idempotency_key`` is made once: an earlier dossier with the key is
    answered instead (``created`` False), unless ``key_checked`` says the caller has just
    looked the key up and found none (it is not read twice). The key is recorded in the
    dossier's transaction, with the ``fingerprint`` of the request it came with when the door
    has one (the API's). Two submissions with one key at once: one makes the dossier, the
    other raises IntegrityError (and leaves nothing); the caller then finds the first one's."""
    if idempotency_key and submitted_by is not None and not key_checked:
        earlier = earlier_submission(submitted_by, idempotency_key)
        if earlier is not None:
            return Submitted(earlier, created=False)
    problems = check_submission(submission)
    if not problems and submission.exemption_claims:
        why = claims_problem(
            submission.version,
            variant=submission.variant.code,
            channel=channel,
            claims=submission.exemption_claims,
        )
        problems = [why] if why else []
    at = at or timezone.now()
    if not problems and channel == Channel.ONLINE:
        started_at = draft.created_at if draft is not None else None
        why = online_submission_problem(
            submission.version.procedure_id, submitted_by, at, started_at
        )
        problems = [why] if why else []
    if problems:
        raise SubmissionRejected(problems)
    if channel != Channel.ONLINE and not may_receive(submitted_by, submission.agency):
        raise NotPermitted(_("Chỉ cán bộ một cửa của đơn vị mới tiếp nhận hồ sơ trực tiếp."))
    code = next_dossier_code(submission.agency, timezone.localdate(at))
    with StoredUploads() as stored, transaction.atomic():
        made = _create(submission, submitted_by, channel, at, code, draft, stored)
        if idempotency_key and submitted_by is not None:
            IdempotencyRecord.objects.create(
                user=submitted_by,
                key=idempotency_key,
                fingerprint=fingerprint,
                dossier=made.dossier,
            )
        return made


def _create(
    submission: Submission,
    submitted_by: User | None,
    channel: int,
    at: datetime,
    code: str,
    draft: Draft | None,
    stored: StoredUploads,
) -> Submitted:
    is_desk = channel != Channel.ONLINE
    applicant = submission.applicant
    dossier = Dossier(
        code=code,
        version=submission.version,
        variant=submission.variant,
        agency=submission.agency,
        channel=channel,
        applicant=None if is_desk else submitted_by,
        applicant_type=applicant.type,
        applicant_name=applicant.name.strip(),
        applicant_id_number=applicant.id_number,
        applicant_phone=applicant.phone,
        applicant_email=applicant.email,
        applicant_address=applicant.address,
        organisation_name=applicant.organisation_name,
        organisation_tax_code=applicant.organisation_tax_code,
        summary=_summary(submission.version, applicant),
        data=submission.data,
        exemption_claims=sorted(set(submission.exemption_claims)),
        applicant_verified=bool(not is_desk and submitted_by and submitted_by.identity_verified),
        result_delivery=submission.result_delivery,
        delivery_address=submission.delivery_address,
        submitted_at=at,
        handler_agency=submission.agency,
        # A walk-in dossier is held by the receiver in front of the citizen.
        handler=submitted_by if is_desk else None,
        handler_role=RECEIVER,
    )

    files: list[DossierFile] = []

    def attach_files(created: Dossier) -> None:
        files.extend(submission.files)
        files.extend(draft.files.all() if draft is not None else [])
        for upload in files:
            upload.dossier, upload.draft = created, None
            upload.save(update_fields=["dossier", "draft"])
        for new in submission.uploads:
            files.append(stored.store(new, uploaded_by=submitted_by, dossier=created))
        # The new dossier's files are these: its move's follow-ups (the national portal's
        # payload) read them from here rather than from the table.
        created._prefetched_objects_cache = {"files": files}  # type: ignore[attr-defined]
        mark_files(created, {upload.origin for upload in files})

    event = transition(
        dossier,
        Action.RECEIVE if is_desk else Action.SUBMIT,
        actor=submitted_by,
        actor_role=RECEIVER if is_desk else "",
        actor_agency=submission.agency if is_desk else None,
        move=Move(at=at, details={"channel": channel}, actor_name=applicant.name),
        then=attach_files,
    )
    # Not kept on the instance the caller may move further: only the answer reads them.
    dossier._prefetched_objects_cache = {}  # type: ignore[attr-defined]
    if draft is not None:
        draft.delete()
    files.sort(key=lambda upload: (upload.uploaded_at, upload.pk))
    return Submitted(dossier, created=True, events=[event], files=files)


@performs(Action.ACCEPT)
@transaction.atomic
def accept_dossier(
    *, dossier: Dossier, officer: User, at: datetime | None = None, note: str = ""
) -> Dossier:
    """Status 2 and the receipt (form 01): the appointment comes from the working-time engine,
    counted from the next working day when received after the hand-over cut-off. A linked
    group starts its children, and fees paid at reception are asked (follow-ups of the move)."""
    dossier, at = locked_for(Action.ACCEPT, dossier=dossier, actor=officer, at=at)
    variant = dossier.variant
    try:
        due = compute_due(at, value=variant.time_limit, unit=variant.time_unit, apply_cutoff=True)
    except DueDateError as error:
        raise WorkflowError(error.message) from error
    dossier.accepted_at = at
    dossier.counting_from = due.counting_from
    dossier.due_at = dossier.original_due_at = due.due
    receiving = next((s for s in steps_of(dossier.version) if s.role == RECEIVER), None)
    start_step(
        dossier,
        receiving,
        at=at,
        agency=dossier.handler_agency or dossier.agency,
        handler=officer,
        role=RECEIVER,
    )
    transition(
        dossier,
        Action.ACCEPT,
        actor=officer,
        actor_role=RECEIVER,
        actor_agency=dossier.agency,
        move=Move(
            note=note,
            at=at,
            step_position=dossier.step_position,
            step_name=receiving.name if receiving else "",
            to_handler=officer,
            to_agency=dossier.agency,
            to_role=RECEIVER,
            details={"due_at": due.due.isoformat(), "counting_from": due.counting_from.isoformat()},
        ),
    )
    return dossier


@performs(Action.REFUSE)
@transaction.atomic
def refuse_dossier(
    *, dossier: Dossier, officer: User, reasons: list[str], at: datetime | None = None
) -> Dossier:
    """Status 3 with form 03 (phiếu từ chối tiếp nhận), with reasons."""
    reasons = [r.strip() for r in reasons if r.strip()]
    if not reasons:
        raise WorkflowError(_("Cần ghi rõ lý do từ chối tiếp nhận."))
    dossier, at = locked_for(Action.REFUSE, dossier=dossier, actor=officer, at=at)
    close(dossier, at)
    transition(
        dossier,
        Action.REFUSE,
        actor=officer,
        actor_role=RECEIVER,
        actor_agency=dossier.agency,
        move=Move(note="; ".join(reasons), at=at, details={"reasons": reasons}),
    )
    return dossier


@performs(Action.REQUEST_SUPPLEMENT)
@transaction.atomic
def request_supplement(
    *,
    dossier: Dossier,
    officer: User,
    items: list[dict[str, str]],
    deadline: datetime | None = None,
    at: datetime | None = None,
) -> Dossier:
    """Status 5 with form 02: everything missing, once; the legal clock pauses until the
    applicant supplies it, and the dossier is refused when the deadline passes."""
    items = [i for i in items if i.get("name", "").strip()]
    if not items:
        raise WorkflowError(_("Cần liệt kê giấy tờ phải bổ sung, hoàn thiện và lý do."))
    dossier, at = locked_for(Action.REQUEST_SUPPLEMENT, dossier=dossier, actor=officer, at=at)
    deadline = deadline or supplement_deadline_default(at)
    if deadline <= at:
        raise WorkflowError(_("Hạn bổ sung phải sau thời điểm yêu cầu."))
    back_to = dossier.status
    dossier.supplement_count += 1
    dossier.supplement_deadline = deadline
    dossier.paused_at = at
    transition(
        dossier,
        Action.REQUEST_SUPPLEMENT,
        actor=officer,
        actor_role=dossier.handler_role,
        actor_agency=dossier.handler_agency,
        move=Move(
            at=at,
            step_position=dossier.step_position,
            note="; ".join(f"{i['name']}: {i.get('reason', '')}" for i in items),
            details={"items": items, "deadline": deadline.isoformat(), "back_to": back_to},
        ),
    )
    return dossier


@performs(Action.SUPPLEMENT, actor="by")
def provide_supplement(
    *,
    dossier: Dossier,
    by: User,
    files: list[DossierFile] | None = None,
    uploads: list[NewUpload] | None = None,
    note: str = "",
    at: datetime | None = None,
) -> Dossier:
    """The applicant (online, or at the desk that takes their papers) supplies what was asked:
    ``files`` already added to the dossier and ``uploads`` stored now, all or nothing. The
    dossier goes back where it was, and the due date moves by the working time spent waiting."""
    with StoredUploads() as stored, transaction.atomic():
        dossier, at = locked_for(Action.SUPPLEMENT, dossier=dossier, actor=by, at=at)
        for file in files or []:
            if file.dossier_id != dossier.pk:
                raise WorkflowError(_("Có tệp không thuộc hồ sơ này; hãy tải tệp lên hồ sơ trước."))
        kind = DossierFile.Kind.SUPPLEMENT
        given = list(files or []) + [
            stored.store(new, uploaded_by=by, dossier=dossier, kind=kind) for new in uploads or []
        ]
        return _supplied(dossier, by, given, note, at)


def _supplied(
    dossier: Dossier, by: User, files: list[DossierFile], note: str, at: datetime
) -> Dossier:
    asked = dossier.events.filter(action=Action.REQUEST_SUPPLEMENT).order_by("-at", "-id").first()
    back_to = int((asked.details if asked else {}).get("back_to", Status.SUBMITTED))
    resume_clock(dossier, at)
    for upload in files:
        upload.dossier, upload.draft, upload.kind = dossier, None, DossierFile.Kind.SUPPLEMENT
        upload.save(update_fields=["dossier", "draft", "kind"])
    mark_files(dossier, {upload.origin for upload in files})
    dossier.supplement_deadline = None
    transition(
        dossier,
        Action.SUPPLEMENT,
        actor=by,
        actor_role=dossier.handler_role if by.is_officer else "",
        move=Move(at=at, note=note, details={"files": [f.pk for f in files]}, tell_applicant=False),
        to_status=back_to,
    )
    return dossier
