"""Typed input and output of the feedback endpoints (phản ánh, kiến nghị; docs/api.md
"Feedback"). Inputs are plain pydantic models (``In``), as for dossiers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import AfterValidator, BaseModel
from pydantic import Field as P

from .dossier_schemas import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    AgencyRef,
    ElectronicId,
    In,
    PageQuery,
    Reason,
)

Long = Annotated[str, P(max_length=5000)]
ItemCode = Annotated[str, P(min_length=1, max_length=30, description="An item's code")]


def _plausible(day: date) -> date:
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise ValueError(
            _("Thời điểm phải trong khoảng năm %(start)s–%(end)s.")
            % {"start": EARLIEST_YEAR, "end": LATEST_YEAR}
        )
    return day


Day = Annotated[date, AfterValidator(_plausible)]

# --- input -------------------------------------------------------------------------------------


class ContactIn(In):
    contact: str = P(
        ..., min_length=1, max_length=254, description="A phone number or an email address"
    )


class FeedbackIn(In):
    topic: str = P(..., min_length=1, max_length=40, description="A topic's code (GET topics)")
    title: str = P(..., max_length=200)
    body: Long = P(..., description="What happened, where, since when")
    ward: str = P(
        "",
        max_length=10,
        description="Code of the ward (commune) where it happens; optional with a dossier, a "
        "procedure with one agency, or a position",
    )
    dossier: str = P(
        "", max_length=40, description="Code of one of the token holder's own dossiers"
    )
    procedure: str = P("", max_length=20, description="A procedure's code, e.g. 1.001193")
    latitude: float | None = P(None, ge=-90, le=90)
    longitude: float | None = P(None, ge=-180, le=180)
    address: str = P("", max_length=300)
    sender_name: str = P("", max_length=150, description="Without a token: the sender's name")
    sender_phone: str = P("", max_length=20, description="Without a token: phone, or email")
    sender_email: str = P("", max_length=254, description="Without a token: email, or phone")
    code: str = P(
        "",
        max_length=12,
        description="Without a token: the code POST /feedback/contact-codes sent to the phone "
        "(or, without a phone, to the email)",
    )


class InfoIn(In):
    text: Long = P(..., min_length=1, description="The information the agency asked for")


class RatingIn(In):
    rating: Literal["like", "dislike"]
    reason: str = P("", max_length=2000, description="Why (read by the agency's leaders)")


class ClassifyIn(In):
    classification: Literal["regulation", "conduct", "other"]


class FeedbackTransferIn(In):
    to_agency: ElectronicId
    note: Reason


class FeedbackRefuseIn(In):
    reason: Reason


class RequestInfoIn(In):
    request: Reason


class FeedbackAnswerIn(In):
    text: str = P(..., min_length=1, max_length=10000)


class PublishIn(In):
    public_title: str = P(..., min_length=1, max_length=200)
    public_question: Long = P(..., min_length=1)
    public_answer: str = P(..., min_length=1, max_length=10000)


class MergeIn(In):
    original: ItemCode = P(..., description="Code of the item this one duplicates")


class DecideReopenIn(In):
    reopen: bool = P(..., description="true: handle again (15 working days); false: keep")
    note: Reason


# --- output ------------------------------------------------------------------------------------


class Out(BaseModel):
    """Answers are built from dicts (plain pydantic, as the reports are)."""


class Named(Out):
    code: str
    name: str


class TopicOut(Out):
    code: str
    name: str
    description: str
    group: str
    is_private: bool = P(description="Items on this topic and their answers are never published")


class PublicAnswerOut(Out):
    """A published answer: the agency's public wording, without personal data."""

    code: str
    topic: Named
    agency: str
    ward: Named | None
    title: str
    question: str
    answer: str
    received_at: datetime
    answered_at: datetime | None
    published_at: datetime


class PublicPage(Out):
    count: int
    page: int
    page_size: int
    items: list[PublicAnswerOut]


class SentOut(Out):
    channel: Literal["sms", "email"]
    expires_in_minutes: int


class SenderOut(Out):
    name: str
    phone: str
    email: str
    verified: bool


class FeedbackEventOut(Out):
    at: datetime
    action: str
    action_label: str
    from_status: str
    to_status: str
    note: str
    actor: str | None = P(description="Shown to the agency only")


class AttachmentOut(Out):
    name: str
    type: str
    size: int
    from_agency: bool
    uploaded_at: datetime


class ReopenOut(Out):
    requested_at: datetime
    reason: str
    decision: str
    decided_at: datetime | None


class DraftOut(Out):
    """What privacy.public_draft proposes to publish: read and correct it, then publish."""

    public_title: str
    public_question: str
    public_answer: str


class SummaryOut(Out):
    code: str
    topic: Named
    title: str
    status: Named
    channel: str
    classification: str
    agency: AgencyRef
    ward: Named | None
    received_at: datetime
    due_at: datetime | None
    mark: Literal["", "due_soon", "overdue"]
    rating: str
    reopen_requested: bool


class FeedbackOut(SummaryOut):
    body: str
    dossier: str | None
    procedure: str | None
    latitude: float | None
    longitude: float | None
    address: str
    sender: SenderOut | None = P(description="The agency and the sender only")
    refuse_by: datetime
    info_by: datetime
    answer_by: datetime
    publish_by: datetime | None
    info_request: str
    answer: str
    answered_at: datetime | None
    refusal_reason: str
    closed_at: datetime | None
    published_at: datetime | None
    rated_at: datetime | None
    reopen: ReopenOut | None
    repeated_of: str | None
    merged_into: str | None
    attachments: list[AttachmentOut]
    history: list[FeedbackEventOut]
    actions: list[str]
    public_draft: DraftOut | None = P(description="To the agency, while publishing is open")


class CreatedOut(FeedbackOut):
    follow_key: str = P(description="Keep it: GET /feedback/{code}?key=… without a token")
    follow_url: str


class FeedbackPage(Out):
    count: int
    count_capped: bool = False
    page: int
    page_size: int
    items: list[SummaryOut]


class Criterion(Out):
    numerator: int
    denominator: int
    rate: float | None = P(description="numerator / denominator in %, one decimal; null if 0")


class FeedbackFiguresOut(Out):
    start: date
    end: date
    agencies: list[AgencyRef]
    total: int
    on_time: int
    late: int
    disliked: int
    repeated: int
    unsatisfied: int = P(description="Late, disliked or repeated, each item once")
    on_time_rate: Criterion = P(description="Decision 766, 5.2")
    satisfaction_rate: Criterion = P(description="Decision 766, 5.3")
    by_channel: dict[str, int]


# --- queries -----------------------------------------------------------------------------------


class PublicQuery(Schema):
    q: str = P("", max_length=100, description="Words of the title, question or answer")
    page: int = P(1, ge=1, le=100_000)
    page_size: int = P(20, ge=1, le=100)


class KeyQuery(Schema):
    key: str = P("", max_length=64, description="The follow key, without a token")


class FeedbackInboxQuery(PageQuery):
    tab: Literal["open", "reopen", "publish", "all"] = P(
        "open",
        description="open: waiting for the agency, next deadline first; reopen: reopen "
        "requests (leaders); publish: answered, not yet published; all",
    )


class FeedbackFiguresQuery(Schema):
    start: Day | None = P(
        None, alias="from", description="First day received (default: the month's first)"
    )
    end: Day | None = P(
        None, alias="to", description="Last day received, included (default: today)"
    )
    agency: str = P("", max_length=20, description="One of your agencies (electronic ID)")
