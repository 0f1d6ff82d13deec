from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from ninja import Schema
from pydantic import Field as P

# A row's id as a client sends it: the database's 64-bit signed range, else a 422 (a bigger
# number overflowed the driver and answered 500).
RowId = Annotated[int, P(ge=1, le=2**63 - 1)]


class ErrorOut(Schema):
    """Every refusal: a sentence in the caller's language. Some add fields: ``errors`` (422,
    the fields at fault), ``retry_after`` (429 and 503, seconds)."""

    detail: str


class VariantOut(Schema):
    code: str
    name: str
    time_limit: float
    time_unit: str
    time_note: str


class ProcedureSummaryOut(Schema):
    code: str
    name: str
    name_en: str
    field: str
    field_name: str
    levels: list[str]
    online_level: str
    legacy_online_level: int
    effective_from: date
    variants: list[VariantOut]


class RequiredDocumentOut(Schema):
    """A paper the procedure asks for (not a document the system issued: results.DocumentOut)."""

    name: str
    originals: int
    copies: int
    submission: str
    mandatory: bool
    condition: str
    template: str
    variants: list[str]


class FeeOut(Schema):
    kind: str
    name: str
    amount: int | None
    unit: str
    variant: str | None
    legal_basis: str
    note: str
    verified: bool


class ExemptionOut(Schema):
    """An exemption (miễn, giảm) the system applies; ``claim``: the applicant declares it at
    submission (``exemption_claims``) and the officer checks the proof."""

    code: str
    text: str
    percent: int
    applies_to: str
    claim: bool
    legal_basis: str


class StepOut(Schema):
    position: int
    name: str
    role: str
    unit_level: str
    working_hours: float


class DueOut(Schema):
    variant: str
    due_at: datetime


class ProcedureOut(ProcedureSummaryOut):
    version: int
    effective_to: date | None
    implementing_agency: str
    agencies: list[str]
    applicant_types: list[str]
    summary: str
    results: list[str]
    legal_basis: list[str]
    requirements: list[str]
    fee_exemptions: list[str] = P(description="Every exemption as worded, for people to read")
    exemptions: list[ExemptionOut]
    documents: list[RequiredDocumentOut]
    fees: list[FeeOut]
    steps: list[StepOut]
    form_schema: dict[str, object]
    linked_procedures: list[str]
    provenance: dict[str, object]
    due_if_submitted_now: list[DueOut]


class ProcedurePage(Schema):
    count: int
    page: int
    page_size: int
    items: list[ProcedureSummaryOut]


class UnitOut(Schema):
    code: str
    name: str
    level: str
    division_type: str
    parent_code: str | None


class AgencyOut(Schema):
    electronic_id: str
    name: str
    kind: str
    is_demo_code: bool


class DeskOut(Schema):
    name: str
    address: str
    phone: str
    email: str
    opening_hours: str
    agencies: list[str]


class UnitDetailOut(UnitOut):
    children_count: int
    agencies: list[AgencyOut]
    desks: list[DeskOut]


class UnitPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[UnitOut]


class DueDateOut(Schema):
    start: datetime
    counting_from: datetime
    value: float
    unit: str
    cutoff_applied: bool
    due: datetime
