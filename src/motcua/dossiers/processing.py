"""Processing by the procedure's internal steps: claim, forward, send back, transfer, consult,
answer, decide — every hand-over an event, one accountable handler at a time. Who may take
each is the action table's (:mod:`.rules`); each service checks it under the row lock."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import ProcedureStep
from motcua.identity.models import Agency, OfficerRole, User

from .access import officer_scope
from .models import Consultation, Dossier, DossierEvent, Outcome
from .moves import Move, transition
from .rules import locked_for, performs, transfer_targets
from .steps import (
    default_agency_for_step,
    forward_choices,
    next_step,
    officers_for,
    previous_step,
    start_step,
    step_at,
    step_due,
    steps_of,
    target_agency,
    target_handler,
)
from .workflow import Action, WorkflowError

Role = OfficerRole.Role
# A consulted unit answers within two working days unless the asker sets another date.
CONSULT_HOURS = Decimal(16)


def _closing_move(
    dossier: Dossier,
    at: datetime,
    *,
    note: str = "",
    details: dict[str, Any] | None = None,
    to_handler: User | None = None,
    to_agency: Agency | None = None,
    to_role: str = "",
    tell_applicant: bool = True,
) -> Move:
    """The event fields for closing the current step (form 04's hand-over row)."""
    step = step_at(dossier, dossier.step_position)
    return Move(
        at=at,
        step_position=dossier.step_position,
        step_name=step.name if step else "",
        step_due_at=dossier.step_due_at,
        note=note,
        details=dict(details or {}),
        to_handler=to_handler,
        to_agency=to_agency,
        to_role=to_role,
        tell_applicant=tell_applicant,
    )


def _hand_over(
    dossier: Dossier,
    action: str,
    *,
    officer: User,
    step: ProcedureStep | None,
    agency: Agency,
    handler: User | None,
    role: str,
    note: str,
    at: datetime | None,
) -> Dossier:
    """Close the current step and start ``step`` in ``agency``: one hand-over row of form 04."""
    at = at or timezone.now()
    from_agency, from_role = dossier.handler_agency, dossier.handler_role
    move = _closing_move(
        dossier, at, note=note, to_handler=handler, to_agency=agency, to_role=role,
        tell_applicant=False,
    )  # fmt: skip
    start_step(dossier, step, at=at, agency=agency, handler=handler, role=role)
    transition(
        dossier, action, actor=officer, actor_role=from_role, actor_agency=from_agency, move=move
    )
    return dossier


@performs(Action.CLAIM)
@transaction.atomic
def claim_dossier(*, dossier: Dossier, officer: User, at: datetime | None = None) -> Dossier:
    """Take a dossier waiting in the pool of one's unit and role."""
    dossier, at = locked_for(Action.CLAIM, dossier=dossier, actor=officer, at=at)
    dossier.handler = officer
    transition(
        dossier,
        Action.CLAIM,
        actor=officer,
        actor_role=dossier.handler_role,
        actor_agency=dossier.handler_agency,
        move=Move(
            at=at,
            step_position=dossier.step_position,
            to_handler=officer,
            to_agency=dossier.handler_agency,
            to_role=dossier.handler_role,
            tell_applicant=False,
        ),
    )
    return dossier


@performs(Action.FORWARD)
@transaction.atomic
def forward_dossier(
    *,
    dossier: Dossier,
    officer: User,
    to_handler: User | None = None,
    to_agency: Agency | None = None,
    note: str = "",
    at: datetime | None = None,
) -> Dossier:
    """Hand the dossier to the next step. Within the unit, to a named officer (required when
    several hold the role); to another unit, into that unit's pool for the role."""
    dossier, at = locked_for(Action.FORWARD, dossier=dossier, actor=officer, at=at)
    choices = forward_choices(dossier)
    step = choices.step
    assert step is not None  # the rule's HAS_NEXT_STEP
    agency = target_agency(choices, to_agency)
    handler = target_handler(dossier, step.role, agency, to_handler)
    return _hand_over(
        dossier,
        Action.FORWARD,
        officer=officer,
        step=step,
        agency=agency,
        handler=handler,
        role=step.role,
        note=note,
        at=at,
    )


@performs(Action.SEND_BACK)
@transaction.atomic
def send_back_dossier(
    *, dossier: Dossier, officer: User, reason: str, at: datetime | None = None
) -> Dossier:
    """Return the dossier to the previous step, to the officer who handled it there."""
    if not reason.strip():
        raise WorkflowError(_("Cần ghi lý do trả lại bước trước."))
    dossier, at = locked_for(Action.SEND_BACK, dossier=dossier, actor=officer, at=at)
    step = previous_step(dossier)
    assert step is not None  # the rule's HAS_PREVIOUS_STEP
    handed = (
        DossierEvent.objects.filter(
            dossier=dossier, step_position=step.position, action__in=[Action.FORWARD, Action.ACCEPT]
        )
        .select_related("actor", "actor_agency")
        .order_by("-at", "-id")
        .first()
    )
    agency = (handed.actor_agency if handed and handed.actor_agency else None) or dossier.agency
    handler = handed.actor if handed and handed.actor and handed.action == Action.FORWARD else None
    if handed and handed.action == Action.ACCEPT:
        handler = handed.actor
    return _hand_over(
        dossier,
        Action.SEND_BACK,
        officer=officer,
        step=step,
        agency=agency,
        handler=handler,
        role=step.role,
        note=reason.strip(),
        at=at,
    )


@performs(Action.TRANSFER)
@transaction.atomic
def transfer_dossier(
    *, dossier: Dossier, officer: User, to_agency: Agency, reason: str, at: datetime | None = None
) -> Dossier:
    """Move the dossier to another unit or level of its province (ward → city department, or
    another ward), into that unit's pool for the current step's role."""
    if not reason.strip():
        raise WorkflowError(_("Cần ghi lý do chuyển đơn vị xử lý."))
    dossier, at = locked_for(Action.TRANSFER, dossier=dossier, actor=officer, at=at)
    if to_agency.pk == dossier.handler_agency_id:
        raise WorkflowError(_("Hồ sơ đang ở chính đơn vị này."))
    _require_in_province(dossier, to_agency)
    role = dossier.handler_role or Role.SPECIALIST
    if role == Role.RECEIVER:
        role = Role.SPECIALIST  # the desk transfers for processing, not for another intake
    step = step_at(dossier, dossier.step_position)
    return _hand_over(
        dossier,
        Action.TRANSFER,
        officer=officer,
        step=step,
        agency=to_agency,
        handler=None,
        role=role,
        note=reason.strip(),
        at=at,
    )


def _require_in_province(dossier: Dossier, agency: Agency) -> None:
    if not transfer_targets(dossier).filter(pk=agency.pk).exists():
        raise WorkflowError(
            _("%(agency)s không thuộc tỉnh, thành phố của hồ sơ; hãy chọn đơn vị trong danh sách.")
            % {"agency": agency}
        )


@performs(Action.CONSULT)
@transaction.atomic
def consult_unit(
    *,
    dossier: Dossier,
    officer: User,
    to_agency: Agency,
    question: str,
    due_at: datetime | None = None,
    at: datetime | None = None,
) -> Consultation:
    """Ask another unit's opinion; the dossier stays with its handler."""
    if not question.strip():
        raise WorkflowError(_("Cần ghi nội dung xin ý kiến."))
    dossier, at = locked_for(Action.CONSULT, dossier=dossier, actor=officer, at=at)
    if to_agency.pk == dossier.handler_agency_id:
        raise WorkflowError(_("Hãy chọn một đơn vị khác để xin ý kiến."))
    _require_in_province(dossier, to_agency)
    consultation = Consultation.objects.create(
        dossier=dossier,
        from_agency=dossier.handler_agency or dossier.agency,
        to_agency=to_agency,
        asked_by=officer,
        question=question.strip(),
        asked_at=at,
        due_at=due_at or step_due(at, CONSULT_HOURS),
    )
    transition(
        dossier,
        Action.CONSULT,
        actor=officer,
        actor_role=dossier.handler_role,
        actor_agency=dossier.handler_agency,
        move=Move(
            at=at,
            step_position=dossier.step_position,
            to_agency=to_agency,
            note=question.strip(),
            details={"consultation": consultation.pk},
            tell_applicant=False,
        ),
    )
    return consultation


@performs(Action.ANSWER)
@transaction.atomic
def answer_consultation(
    *,
    dossier: Dossier,
    officer: User,
    consultation_id: int,
    answer: str,
    at: datetime | None = None,
) -> Consultation:
    """Answer a question put to one of the officer's units about this dossier."""
    if not answer.strip():
        raise WorkflowError(_("Cần ghi ý kiến trả lời."))
    dossier, at = locked_for(Action.ANSWER, dossier=dossier, actor=officer, at=at)
    consultation = (
        Consultation.objects.select_for_update().filter(pk=consultation_id, dossier=dossier).first()
    )
    if consultation is None or not officer_scope(officer).covers(consultation.to_agency_id):
        raise WorkflowError(_("Hồ sơ không có yêu cầu xin ý kiến này gửi đơn vị của bạn."))
    if consultation.answered_at is not None:
        raise WorkflowError(_("Đơn vị đã trả lời xin ý kiến này."))
    consultation.answer, consultation.answered_by, consultation.answered_at = (
        answer.strip(),
        officer,
        at,
    )
    consultation.save()
    transition(
        dossier,
        Action.ANSWER,
        actor=officer,
        actor_agency=consultation.to_agency,
        move=Move(
            at=at,
            note=answer.strip(),
            details={"consultation": consultation.pk},
            tell_applicant=False,
        ),
    )
    return consultation


@performs(Action.DECIDE)
@transaction.atomic
def decide_dossier(
    *, dossier: Dossier, officer: User, approve: bool, note: str = "", at: datetime | None = None
) -> Dossier:
    """The approver's decision: status 9, approved or rejected with reasons; the dossier goes
    on to the remaining steps (filing, then the desk that returns the result). The signed
    result is issued with it, in the same transaction (a follow-up of the move)."""
    if not approve and not note.strip():
        raise WorkflowError(_("Cần ghi lý do từ chối giải quyết."))
    dossier, at = locked_for(Action.DECIDE, dossier=dossier, actor=officer, at=at)
    dossier.outcome = Outcome.APPROVED if approve else Outcome.REJECTED
    dossier.outcome_note = note.strip()
    dossier.decided_at = at
    dossier.late_mark = ""
    from_agency = dossier.handler_agency
    move = _closing_move(dossier, at, note=note.strip(), details={"outcome": dossier.outcome})
    continue_after_decision(dossier, at)
    move.to_handler, move.to_agency, move.to_role = (
        dossier.handler,
        dossier.handler_agency,
        dossier.handler_role,
    )
    transition(
        dossier,
        Action.DECIDE,
        actor=officer,
        actor_role=Role.APPROVER,
        actor_agency=from_agency,
        move=move,
    )
    return dossier


def continue_after_decision(dossier: Dossier, at: datetime) -> None:
    """After the decision: the next step (filing…) in the same unit, else the desk of the
    dossier's agency, which returns the result."""
    step = next_step(dossier)
    if step is not None and step.role != Role.RECEIVER:
        agency = default_agency_for_step(dossier, step)
        officers = officers_for(agency, step.role)
        handler = officers[0] if len(officers) == 1 else None
        start_step(dossier, step, at=at, agency=agency, handler=handler, role=step.role)
        return
    go_to_return_step(dossier, at)


def go_to_return_step(dossier: Dossier, at: datetime) -> None:
    """The desk of the dossier's agency returns the result: the receiver who accepted it
    when they still can, else the only receiver, else the desk's pool."""
    steps = [s for s in steps_of(dossier.version) if s.position > (dossier.step_position or 0)]
    step = next((s for s in reversed(steps) if s.role == Role.RECEIVER), None)
    receivers = officers_for(dossier.agency, Role.RECEIVER)
    returned_by = _who_received(dossier) or (receivers[0] if len(receivers) == 1 else None)
    start_step(dossier, step, at=at, agency=dossier.agency, handler=returned_by, role=Role.RECEIVER)


def _who_received(dossier: Dossier) -> User | None:
    accepted = (
        dossier.events.filter(action=Action.ACCEPT).select_related("actor").order_by("-at").first()
    )
    actor = accepted.actor if accepted else None
    if actor is not None and officer_scope(actor).holds(Role.RECEIVER, dossier.agency_id):
        return actor
    return None
