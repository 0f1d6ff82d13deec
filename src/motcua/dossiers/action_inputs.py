"""What each dossier action takes, already parsed: the input column of the action table
(:mod:`.rules`). A door turns its own input (a back-office form, an API body) into one of these
and hands it to :func:`.rules.perform`; the fields are the keyword arguments of the action's
service, so a test checks each against the service's signature."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from motcua.identity.models import Agency, User

from .files import NewUpload
from .models import DossierFile


@dataclass(frozen=True)
class NoInput:
    """Claim: the button is the answer."""


@dataclass(frozen=True)
class AcceptInput:
    note: str = ""


@dataclass(frozen=True)
class RefuseInput:
    reasons: list[str]


@dataclass(frozen=True)
class SupplementRequestInput:
    items: list[dict[str, str]]
    deadline: datetime | None = None


@dataclass(frozen=True)
class SupplementInput:
    """Files already added to the dossier (``files``), new ones to store (``uploads``), or
    only a note of the papers received."""

    note: str = ""
    files: list[DossierFile] = field(default_factory=list)
    uploads: list[NewUpload] = field(default_factory=list)


@dataclass(frozen=True)
class ForwardInput:
    to_handler: User | None = None
    to_agency: Agency | None = None
    note: str = ""


@dataclass(frozen=True)
class ReasonInput:
    """Send back, stop, refuse a declared exemption: a reason the next reader sees."""

    reason: str


@dataclass(frozen=True)
class TransferInput:
    to_agency: Agency
    reason: str


@dataclass(frozen=True)
class ConsultInput:
    to_agency: Agency
    question: str
    due_at: datetime | None = None


@dataclass(frozen=True)
class AnswerInput:
    consultation_id: int
    answer: str


@dataclass(frozen=True)
class PaymentRequestInput:
    amount: int
    note: str = ""


@dataclass(frozen=True)
class CashInput:
    """The number of the paper receipt given at the desk, if any."""

    receipt: str = ""


@dataclass(frozen=True)
class DecideInput:
    approve: bool
    note: str = ""


@dataclass(frozen=True)
class ApologyInput:
    reason: str
    new_due_at: datetime


@dataclass(frozen=True)
class WithdrawInput:
    reason: str = ""


@dataclass(frozen=True)
class ReturnInput:
    method: str
    tracking_number: str = ""
    note: str = ""
