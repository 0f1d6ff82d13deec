"""How a dossier is shown through the API, to whom, and which actions it offers them."""

from __future__ import annotations

import functools
from datetime import datetime, tzinfo
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language

from motcua.catalog.fees import Bill
from motcua.dossiers.access import officer_scope
from motcua.dossiers.fees import bill_for
from motcua.dossiers.models import (
    CHANNEL_NAMES,
    ApplicantType,
    Channel,
    Consultation,
    Dossier,
    DossierEvent,
    DossierFile,
    in_hand,
)
from motcua.dossiers.relations import Situation
from motcua.dossiers.rules import DOOR_ACTIONS, offered
from motcua.dossiers.selectors import timeline
from motcua.dossiers.steps import step_at
from motcua.dossiers.workflow import Action, Status
from motcua.identity.models import Agency, User

CHANNELS = {name: int(value) for value, name in CHANNEL_NAMES.items()}
APPLICANT_TYPE_NAMES = {
    ApplicantType.CITIZEN: "citizen",
    ApplicantType.BUSINESS: "business",
    ApplicantType.AGENCY: "agency",
    ApplicantType.OTHER: "other",
}
APPLICANT_TYPES = {name: int(value) for value, name in APPLICANT_TYPE_NAMES.items()}

# The actions the API performs: every action a person takes (the domain's action table).
API_ACTIONS = DOOR_ACTIONS
# Internal moves: the applicant sees that they happened, not the officers' notes or names.
INTERNAL = frozenset(
    {
        Action.CLAIM,
        Action.FORWARD,
        Action.SEND_BACK,
        Action.TRANSFER,
        Action.CONSULT,
        Action.ANSWER,
        Action.LATE_WARNING,
    }
)


def local(moment: datetime | None, zone: tzinfo | None = None) -> datetime | None:
    """``moment`` in ``zone``, by default the current time zone (looked up at each call: a
    caller with many moments looks it up once and passes it)."""
    if moment is None:
        return None
    return timezone.localtime(moment, zone)


def is_staff_reader(user: User) -> bool:
    return bool(user.is_officer or officer_scope(user).is_system_admin)


def agency_ref(agency: Agency | None) -> dict[str, str] | None:
    if agency is None:
        return None
    return {"electronic_id": agency.electronic_id, "name": agency.name}


def status_of(code: int) -> dict[str, Any]:
    return {"code": int(code), "name": _status_name(int(code), get_language())}


@functools.lru_cache(maxsize=256)
def _status_name(code: int, language: str | None) -> str:
    # A lazy label translated at each of an inbox page's rows was 3 % of its CPU (issue 18).
    return str(Status(code).label)


def summary_out(user: User, dossier: Dossier) -> dict[str, Any]:
    staff = is_staff_reader(user)
    return {
        "code": dossier.code,
        "procedure": {"code": dossier.version.procedure.code, "name": dossier.version.name},
        "unit": agency_ref(dossier.agency),
        "status": status_of(dossier.status),
        "channel": CHANNEL_NAMES[Channel(dossier.channel)],
        "applicant_name": dossier.organisation_name or dossier.applicant_name,
        "submitted_at": local(dossier.submitted_at),
        "due_at": local(dossier.due_at),
        "step_due_at": local(dossier.step_due_at),
        "late_mark": dossier.late_mark,
        "handler_unit": agency_ref(dossier.handler_agency),
        "handler": dossier.handler.username if staff and dossier.handler else None,
    }


def summary_of_row(
    row: dict[str, Any], *, staff: bool, zone: tzinfo | None = None
) -> dict[str, Any]:
    """``summary_out`` of a row read as ``dossiers.selectors.INBOX_VALUES`` (the inbox's
    pages); tests/api/test_inbox_shape.py holds both to the same bytes. ``zone``: the
    current time zone, looked up once for a page's rows by the caller."""
    handler_unit = (
        None
        if row["handler_agency_id"] is None
        else {
            "electronic_id": row["handler_agency__electronic_id"],
            "name": row["handler_agency__name"],
        }
    )
    return {
        "code": row["code"],
        "procedure": {"code": row["version__procedure__code"], "name": row["version__name"]},
        "unit": {"electronic_id": row["agency__electronic_id"], "name": row["agency__name"]},
        "status": status_of(row["status"]),
        "channel": CHANNEL_NAMES[Channel(row["channel"])],
        "applicant_name": row["organisation_name"] or row["applicant_name"],
        "submitted_at": local(row["submitted_at"], zone),
        "due_at": local(row["due_at"], zone),
        "step_due_at": local(row["step_due_at"], zone),
        "late_mark": row["late_mark"],
        "handler_unit": handler_unit,
        "handler": row["handler__username"] if staff else None,
    }


def _event(event: DossierEvent, *, staff: bool) -> dict[str, Any]:
    hidden = not staff and event.action in INTERNAL
    return {
        "at": local(event.at),
        "action": event.action,
        "action_label": event.action_label,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "note": "" if hidden else event.note,
        "unit": agency_ref(event.actor_agency),
        "actor": event.actor_name if staff else None,
    }


def _consultation(consultation: Consultation) -> dict[str, Any]:
    return {
        "id": consultation.pk,
        "from_unit": agency_ref(consultation.from_agency),
        "to_unit": agency_ref(consultation.to_agency),
        "question": consultation.question,
        "asked_at": local(consultation.asked_at),
        "due_at": local(consultation.due_at),
        "answer": consultation.answer,
        "answered_at": local(consultation.answered_at),
    }


def _step(dossier: Dossier) -> dict[str, Any] | None:
    if dossier.handler_agency_id is None or not dossier.is_open:
        return None
    step = step_at(dossier, dossier.step_position)
    return {
        "position": dossier.step_position,
        "name": step.name if step else "",
        "role": dossier.handler_role,
        "started_at": local(dossier.step_started_at),
        "due_at": local(dossier.step_due_at),
    }


def fees_out(bill: Bill) -> dict[str, Any]:
    return {
        "lines": [
            {
                "name": line.name,
                "kind": line.kind,
                "unit_amount": line.unit_amount,
                "quantity": line.quantity,
                "exemption": line.exemption.code if line.exemption else None,
                "amount": line.amount,
            }
            for line in bill.lines
        ],
        "total": bill.total,
        "reduced": bill.reduced,
        "complete": bill.complete,
    }


def dossier_out(user: User, dossier: Dossier) -> dict[str, Any]:
    """Everything about ``dossier`` that ``user`` (who may see it) may read."""
    staff = is_staff_reader(user)
    consultations = (
        list(dossier.consultations.select_related("from_agency", "to_agency")) if staff else []
    )
    children = in_hand(dossier, "children")  # a dossier just submitted has none
    if children is None:
        children = list(
            dossier.children.select_related("agency", "version__procedure").order_by("code")
        )
    return {
        **summary_out(user, dossier),
        "variant": {"code": dossier.variant.code, "name": dossier.variant.name},
        "applicant": {
            "type": APPLICANT_TYPE_NAMES[ApplicantType(dossier.applicant_type)],
            "name": dossier.applicant_name,
            "id_number": dossier.applicant_id_number,
            "phone": dossier.applicant_phone,
            "email": dossier.applicant_email,
            "address": dossier.applicant_address,
            "organisation_name": dossier.organisation_name,
            "organisation_tax_code": dossier.organisation_tax_code,
        },
        "data": dossier.data,
        "exemption_claims": list(dossier.exemption_claims or []),
        "fees": fees_out(bill_for(dossier)),
        "result_delivery": dossier.result_delivery,
        "delivery_address": dossier.delivery_address,
        "postal_tracking_number": dossier.postal_tracking_number,
        "accepted_at": local(dossier.accepted_at),
        "original_due_at": local(dossier.original_due_at),
        "supplement_deadline": local(dossier.supplement_deadline),
        "decided_at": local(dossier.decided_at),
        "returned_at": local(dossier.returned_at),
        "outcome": dossier.outcome,
        "outcome_note": dossier.outcome_note,
        "step": _step(dossier),
        "parent": dossier.parent.code if dossier.parent else None,
        "children": [
            {
                "code": child.code,
                "procedure": {"code": child.version.procedure.code, "name": child.version.name},
                "unit": agency_ref(child.agency),
                "status": status_of(child.status),
            }
            for child in children
        ],
        "files": [
            {
                "id": f.pk,
                "name": f.original_name,
                "size": f.size,
                "type": f.content_type,
                "kind": f.kind,
                "requirement": f.requirement_name,
                "uploaded_at": local(f.uploaded_at),
                "origin": f.origin,
                "source": f.source_note,
                "document_code": issued_code(f),
            }
            for f in dossier.files.all()
        ],
        "consultations": [_consultation(c) for c in consultations],
        "history": [_event(e, staff=staff) for e in timeline(dossier)],
        "actions": offered(Situation(user, dossier)),
    }


def issued_code(upload: DossierFile) -> str | None:
    """The document code of a file the system issued (a signed result), else None."""
    if upload.origin != DossierFile.Origin.ISSUED:
        return None
    document = getattr(upload, "issued", None)
    return document.code if document is not None else None
