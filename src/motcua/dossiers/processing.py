"""Processing by the procedure's internal steps: claim, forward, send back, transfer, consult,
decide — every hand-over an event, one accountable handler at a time."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import ProcedureStep
from motcua.identity.models import Agency, OfficerRole, User

from .access import officer_scope
from .models import Consultation, Dossier, DossierEvent, Outcome
from .outcomes import collect_fees_at_step
from .services_common import after_move, locked, require_actor
from .steps import (
    agencies_for_step,
    default_agency_for_step,
    next_step,
    officers_for,
    previous_step,
    require_officer_holding,
    start_step,
    step_at,
    step_due,
    steps_of,
)
from .workflow import Action, Move, Status, WorkflowError, transition

Role = OfficerRole.Role
# A consulted unit answers within two working days unless the asker sets another date.
CONSULT_HOURS = Decimal(16)


def _closing_move(dossier: Dossier, at: datetime, **extra: object) -> Move:
    """The event fields for closing the current step (form 04's hand-over row)."""
    step = step_at(dossier, dossier.step_position)
    return Move(
        at=at,
        step_position=dossier.step_position,
        step_name=step.name if step else "",
        step_due_at=dossier.step_due_at,
        **extra,  # type: ignore[arg-type]
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
    move = _closing_move(dossier, at, note=note, to_handler=handler, to_agency=agency, to_role=role)
    start_step(dossier, step, at=at, agency=agency, handler=handler, role=role)
    event = transition(
        dossier, action, actor=officer, actor_role=from_role, actor_agency=from_agency, move=move
    )
    after_move(dossier, event, tell_applicant=False)
    return dossier


@transaction.atomic
def claim_dossier(*, dossier: Dossier, officer: User, at: datetime | None = None) -> Dossier:
    """Take a dossier waiting in the pool of one's unit and role."""
    dossier = locked(dossier)
    if dossier.handler_id is not None:
        raise WorkflowError(
            _("Hồ sơ đã có người nhận xử lý: %(name)s.") % {"name": dossier.handler}
        )
    if not officer_scope(officer).holds(dossier.handler_role, dossier.handler_agency_id):
        raise WorkflowError(_("Hồ sơ này không thuộc phạm vi xử lý của bạn."))
    at = at or timezone.now()
    dossier.handler = officer
    event = transition(
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
        ),
    )
    after_move(dossier, event, tell_applicant=False)
    return dossier


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
    dossier = locked(dossier)
    require_actor(officer, dossier)
    if dossier.awaits_children:
        raise WorkflowError(
            _("Hồ sơ liên thông đang chờ các hồ sơ con; hồ sơ tự chuyển khi các hồ sơ con xong.")
        )
    current = step_at(dossier, dossier.step_position)
    if current is not None and dossier.status == Status.PROCESSING and is_decision_step(current):
        raise WorkflowError(_("Bước phê duyệt kết thúc bằng quyết định, không chuyển tiếp."))
    step = next_step(dossier)
    if step is None:
        raise WorkflowError(_("Đây là bước cuối của quy trình; không còn bước để chuyển."))
    agency = _target_agency(dossier, step, to_agency)
    handler = _target_handler(dossier, step.role, agency, to_handler)
    at = at or timezone.now()
    from_role, from_agency = dossier.handler_role, dossier.handler_agency
    _hand_over(
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
    collect_fees_at_step(dossier, step, by=officer, at=at, role=from_role, agency=from_agency)
    return dossier


def is_decision_step(step: ProcedureStep) -> bool:
    """The procedure's last approver step, where the result is signed. An earlier approver
    step (a leader assigning the dossier, or reviewing a draft) hands the dossier on."""
    if step.role != Role.APPROVER:
        return False
    later = step.version.steps.filter(position__gt=step.position, role=Role.APPROVER)
    return not later.exists()


def _target_agency(dossier: Dossier, step: object, chosen: Agency | None) -> Agency:
    candidates = agencies_for_step(dossier, step)  # type: ignore[arg-type]
    if chosen is not None:
        if chosen.pk not in {a.pk for a in candidates}:
            raise WorkflowError(
                _("%(agency)s không thực hiện bước này của thủ tục.") % {"agency": chosen}
            )
        return chosen
    current = dossier.handler_agency
    if current is not None and current.pk in {a.pk for a in candidates}:
        return current
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise WorkflowError(_("Không có đơn vị nào thực hiện được bước tiếp theo."))
    raise WorkflowError(_("Hãy chọn đơn vị thực hiện bước tiếp theo."))


def _target_handler(
    dossier: Dossier, role: str, agency: Agency, chosen: User | None
) -> User | None:
    if chosen is not None:
        require_officer_holding(chosen, role, agency)
        return chosen
    if dossier.handler_agency_id != agency.pk:
        return None  # another unit: its pool, until someone there claims it
    officers = officers_for(agency, role)
    if len(officers) == 1:
        return officers[0]
    if not officers:
        return None
    raise WorkflowError(_("Có nhiều cán bộ có thể xử lý bước tiếp theo; hãy chọn một người."))


@transaction.atomic
def send_back_dossier(
    *, dossier: Dossier, officer: User, reason: str, at: datetime | None = None
) -> Dossier:
    """Return the dossier to the previous step, to the officer who handled it there."""
    if not reason.strip():
        raise WorkflowError(_("Cần ghi lý do trả lại bước trước."))
    dossier = locked(dossier)
    require_actor(officer, dossier)
    step = previous_step(dossier)
    if step is None:
        raise WorkflowError(_("Hồ sơ đang ở bước đầu tiên; không có bước trước để trả lại."))
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


@transaction.atomic
def transfer_dossier(
    *, dossier: Dossier, officer: User, to_agency: Agency, reason: str, at: datetime | None = None
) -> Dossier:
    """Move the dossier to another unit or level (ward → city department, or a district),
    into that unit's pool for the current step's role."""
    if not reason.strip():
        raise WorkflowError(_("Cần ghi lý do chuyển đơn vị xử lý."))
    dossier = locked(dossier)
    require_actor(officer, dossier)
    if to_agency.pk == dossier.handler_agency_id:
        raise WorkflowError(_("Hồ sơ đang ở chính đơn vị này."))
    at = at or timezone.now()
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
    dossier = locked(dossier)
    require_actor(officer, dossier)
    if to_agency.pk == dossier.handler_agency_id:
        raise WorkflowError(_("Hãy chọn một đơn vị khác để xin ý kiến."))
    at = at or timezone.now()
    consultation = Consultation.objects.create(
        dossier=dossier,
        from_agency=dossier.handler_agency or dossier.agency,
        to_agency=to_agency,
        asked_by=officer,
        question=question.strip(),
        asked_at=at,
        due_at=due_at or step_due(at, CONSULT_HOURS),
    )
    event = transition(
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
        ),
    )
    after_move(dossier, event, tell_applicant=False)
    return consultation


@transaction.atomic
def answer_consultation(
    *, consultation: Consultation, officer: User, answer: str, at: datetime | None = None
) -> Consultation:
    if not answer.strip():
        raise WorkflowError(_("Cần ghi ý kiến trả lời."))
    if not officer_scope(officer).covers(consultation.to_agency_id):
        raise WorkflowError(_("Bạn không thuộc đơn vị được xin ý kiến."))
    if consultation.answered_at is not None:
        raise WorkflowError(_("Đơn vị đã trả lời xin ý kiến này."))
    dossier = locked(consultation.dossier)
    at = at or timezone.now()
    consultation.answer, consultation.answered_by, consultation.answered_at = (
        answer.strip(),
        officer,
        at,
    )
    consultation.save()
    event = transition(
        dossier,
        Action.ANSWER,
        actor=officer,
        actor_agency=consultation.to_agency,
        move=Move(at=at, note=answer.strip(), details={"consultation": consultation.pk}),
    )
    after_move(dossier, event, tell_applicant=False)
    return consultation


@transaction.atomic
def decide_dossier(
    *, dossier: Dossier, officer: User, approve: bool, note: str = "", at: datetime | None = None
) -> Dossier:
    """The approver's decision: status 9, approved or rejected with reasons; the dossier goes
    on to the remaining steps (filing, then the desk that returns the result)."""
    dossier = locked(dossier)
    require_actor(officer, dossier)
    step = step_at(dossier, dossier.step_position)
    if step is not None and step.role != Role.APPROVER:
        raise WorkflowError(_("Chỉ bước phê duyệt của lãnh đạo mới ghi quyết định."))
    if not approve and not note.strip():
        raise WorkflowError(_("Cần ghi lý do từ chối giải quyết."))
    at = at or timezone.now()
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
    event = transition(
        dossier,
        Action.DECIDE,
        actor=officer,
        actor_role=Role.APPROVER,
        actor_agency=from_agency,
        move=move,
    )
    after_move(dossier, event)
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
