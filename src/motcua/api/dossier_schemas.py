"""Typed input and output of the dossier endpoints (the OpenAPI document is built from them)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import AfterValidator, BaseModel
from pydantic import Field as P

from .schemas import RowId

# --- input -------------------------------------------------------------------------------

EARLIEST_YEAR, LATEST_YEAR = 1990, 2100


def _local(moment: datetime) -> datetime:
    """A time without an offset is Hà Nội time; far-away years are a mistake, not a date."""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise ValueError(
            _("Thời điểm phải trong khoảng năm %(start)s–%(end)s.")
            % {"start": EARLIEST_YEAR, "end": LATEST_YEAR}
        )
    return moment


class In(BaseModel):
    """A JSON object sent by a client. A plain pydantic model, not a ninja ``Schema``: a Schema
    reads attributes of whatever it is given, so ``[1, 2]`` would pass as an empty body."""


LocalDateTime = Annotated[datetime, AfterValidator(_local)]
Text = Annotated[str, P(max_length=2000)]
Reason = Annotated[str, P(min_length=1, max_length=2000)]
Username = Annotated[str, P(max_length=150)]
ElectronicId = Annotated[str, P(max_length=20, description="Agency electronic ID")]
Code = Annotated[str, P(max_length=64)]


class ApplicantIn(In):
    type: Literal["citizen", "business", "agency", "other"] = "citizen"
    name: str = P("", max_length=150)
    id_number: str = P("", max_length=20)
    phone: str = P("", max_length=20)
    email: str = P("", max_length=254)
    address: str = P("", max_length=300)
    organisation_name: str = P("", max_length=255)
    organisation_tax_code: str = P("", max_length=14)


class SubmitIn(In):
    procedure: str = P(..., max_length=20, description="Procedure code, e.g. 1.001193")
    variant: str = P("", max_length=64, description="Variant code; optional when only one")
    unit: ElectronicId = P(..., description="Electronic ID of the handling agency")
    data: dict[str, Any] = P(default_factory=dict, description="Answers to the procedure's form")
    result_delivery: Literal["desk", "post", "online"] = "desk"
    delivery_address: str = P("", max_length=300)
    channel: Literal["online", "in_person", "post"] = P(
        "online", description="in_person or post: an officer of the desk submits on behalf"
    )
    applicant: ApplicantIn | None = P(
        None, description="Required from an officer; for a citizen it only fills profile gaps"
    )
    exemption_claims: list[Code] = P(
        default_factory=list,
        max_length=20,
        description="Codes of the procedure's exemptions (miễn, giảm) the applicant declares",
    )


class NoteIn(In):
    note: Text = ""


class EmptyIn(In):
    pass


class RefuseIn(In):
    reasons: list[Reason] = P(..., min_length=1, max_length=20)


class SupplementItemIn(In):
    name: str = P(..., min_length=1, max_length=500)
    reason: Text = ""


class RequestSupplementIn(In):
    items: list[SupplementItemIn] = P(..., min_length=1, max_length=50)
    deadline: LocalDateTime | None = None


class SupplementIn(In):
    note: Text = ""
    file_ids: list[RowId] = P(default_factory=list, max_length=50)


class ForwardIn(In):
    to_handler: Username = P("", description="Username of the officer of the next step")
    to_agency: ElectronicId = ""
    note: Text = ""


class ReasonIn(In):
    reason: Reason


class WithdrawIn(In):
    reason: Text = ""


class TransferIn(In):
    to_agency: ElectronicId
    reason: Reason


class ConsultIn(In):
    to_agency: ElectronicId
    question: Reason
    due_at: LocalDateTime | None = None


class AnswerIn(In):
    consultation_id: RowId
    answer: Reason


class PaymentIn(In):
    amount: int = P(..., gt=0, le=10**12, description="In đồng")
    note: Text = ""


class ConfirmPaymentIn(In):
    reference: str = P(..., min_length=1, max_length=200)


class DecideIn(In):
    approve: bool
    note: Text = ""


class ApologiseIn(In):
    reason: Reason
    new_due_at: LocalDateTime


class ReturnResultIn(In):
    method: Literal["desk", "post", "online"]
    tracking_number: str = P("", max_length=40)
    note: Text = ""


# --- output ------------------------------------------------------------------------------


class ProblemOut(Schema):
    """One problem, located like Ninja's own validation errors."""

    type: str
    loc: list[str | int]
    msg: str


class ProblemsOut(Schema):
    detail: str
    errors: list[ProblemOut] = []


class CodeName(Schema):
    code: str
    name: str


class StatusOut(Schema):
    code: int
    name: str


class AgencyRef(Schema):
    electronic_id: str
    name: str


class ApplicantOut(Schema):
    type: str
    name: str
    id_number: str
    phone: str
    email: str
    address: str
    organisation_name: str
    organisation_tax_code: str


class CurrentStepOut(Schema):
    position: int | None
    name: str
    role: str
    started_at: datetime | None
    due_at: datetime | None


class FileOut(Schema):
    id: int
    name: str
    size: int
    type: str
    kind: str
    requirement: str
    uploaded_at: datetime
    # upload, scan (digitised at the desk), reused (from the data store) or issued (signed by us)
    origin: str = "upload"
    source: str = ""
    # An issued document's code: GET /api/v1/results/{document_code} verifies it.
    document_code: str | None = None


class EventOut(Schema):
    at: datetime
    action: str
    action_label: str
    from_status: int | None
    to_status: int | None
    note: str
    unit: AgencyRef | None
    actor: str | None


class LinkedOut(Schema):
    code: str
    procedure: CodeName
    unit: AgencyRef
    status: StatusOut


class ConsultationOut(Schema):
    id: int
    from_unit: AgencyRef
    to_unit: AgencyRef
    question: str
    asked_at: datetime
    due_at: datetime | None
    answer: str
    answered_at: datetime | None


class DossierSummaryOut(Schema):
    code: str
    procedure: CodeName
    unit: AgencyRef
    status: StatusOut
    channel: str
    applicant_name: str
    submitted_at: datetime
    due_at: datetime | None
    step_due_at: datetime | None
    late_mark: str
    handler_unit: AgencyRef | None
    handler: str | None


class FeeLineOut(Schema):
    name: str
    kind: Literal["fee", "charge"]
    unit_amount: int | None = P(description="Whole đồng per unit; null when not published")
    quantity: int
    exemption: str | None = P(description="Code of the exemption applied to this line")
    amount: int | None = P(description="Due after the exemption, whole đồng")


class FeesOut(Schema):
    lines: list[FeeLineOut]
    total: int = P(description="Whole đồng due, exemptions applied")
    reduced: int = P(description="Whole đồng taken off by exemptions")
    complete: bool = P(description="False when a line has no published amount")


class DossierOut(Schema):
    code: str
    procedure: CodeName
    variant: CodeName
    unit: AgencyRef
    status: StatusOut
    channel: str
    applicant: ApplicantOut
    data: dict[str, Any]
    exemption_claims: list[str]
    fees: FeesOut
    result_delivery: str
    delivery_address: str
    postal_tracking_number: str
    submitted_at: datetime
    accepted_at: datetime | None
    due_at: datetime | None
    original_due_at: datetime | None
    supplement_deadline: datetime | None
    decided_at: datetime | None
    returned_at: datetime | None
    outcome: str
    outcome_note: str
    late_mark: str
    step: CurrentStepOut | None
    handler_unit: AgencyRef | None
    handler: str | None
    parent: str | None
    children: list[LinkedOut]
    files: list[FileOut]
    consultations: list[ConsultationOut]
    history: list[EventOut]
    actions: list[str]


class DossierPage(Schema):
    count: int
    count_capped: bool = False  # the inbox stops counting at INBOX_COUNT_CAP
    page: int
    page_size: int
    items: list[DossierSummaryOut]


class LookupOut(Schema):
    code: str
    status: StatusOut
    procedure: CodeName
    unit: str
    submitted_at: datetime
    accepted_at: datetime | None
    due_at: datetime | None
    returned_at: datetime | None


class PageQuery(Schema):
    page: int = P(1, ge=1, le=100_000)
    page_size: int = P(20, ge=1, le=100)


class InboxQuery(PageQuery):
    box: Literal["mine", "pool", "new", "consult", "all"] = "mine"
    q: str = P("", max_length=100, description="Part of a dossier code or applicant name")


class LookupQuery(Schema):
    code: str = P(..., min_length=1, max_length=40)
    contact: str = P(
        ..., min_length=1, max_length=40, description="Phone or ID number given in the dossier"
    )
