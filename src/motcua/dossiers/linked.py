"""Linked procedures (liên thông): a parent dossier whose procedure lists child procedures
creates one child dossier per child procedure, at the agency that handles it near the
parent's agency, follows them, and is decided when they all are — by the system, through the
same move (and so with the same signed result) as an approver's decision.

Both are follow-ups of moves (registered in :mod:`.followups`): the parent's acceptance
starts the children; each move of a child is recorded on the parent."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import ProcedureVersion
from motcua.identity.models import OfficerRole, User

from .codes import next_dossier_code
from .models import Dossier, DossierEvent, Outcome
from .moves import Move, locked, transition
from .processing import go_to_return_step
from .rules import require
from .steps import handling_agencies_near, officers_for, start_step, steps_of
from .workflow import Action, Status, WorkflowError

Role = OfficerRole.Role
FINISHED = frozenset(
    {Status.DECIDED, Status.RETURNED, Status.REFUSED, Status.WITHDRAWN, Status.STOPPED}
)


def start_children(parent: Dossier, accepted: DossierEvent, move: Move) -> None:
    """When a linked group is accepted, create and start its children; the parent moves to
    processing, held by the receiver who accepted it, and waits for them."""
    if accepted.from_status != Status.SUBMITTED or not parent.version.linked_codes:
        return
    officer, at = accepted.actor, accepted.at
    children = [
        _create_child(parent, code, officer=officer, at=at) for code in parent.version.linked_codes
    ]
    transition(
        parent,
        Action.FORWARD,
        actor=officer,
        actor_role=Role.RECEIVER,
        actor_agency=parent.agency,
        move=Move(
            at=at,
            step_position=parent.step_position,
            step_due_at=parent.step_due_at,
            note=_("Chuyển hồ sơ liên thông: %(codes)s")
            % {"codes": ", ".join(c.code for c in children)},
            details={"children": [c.code for c in children]},
            to_handler=officer,
            to_agency=parent.agency,
            to_role=Role.RECEIVER,
            tell_applicant=False,
        ),
    )


def _create_child(parent: Dossier, code: str, *, officer: User | None, at: datetime) -> Dossier:
    version = (
        ProcedureVersion.objects.in_force(at.date())
        .filter(procedure__code=code)
        .select_related("procedure")
        .first()
    )
    if version is None:
        raise WorkflowError(
            _("Thủ tục liên thông %(code)s không còn hiệu lực trong danh mục.") % {"code": code}
        )
    agencies = handling_agencies_near(version, parent.agency.unit)
    if not agencies:
        raise WorkflowError(
            _("Chưa có cơ quan nào giải quyết thủ tục %(code)s cho địa bàn %(unit)s.")
            % {"code": code, "unit": parent.agency.unit}
        )
    agency = agencies[0]
    variant = version.variants.order_by("position").first()
    if variant is None:
        raise WorkflowError(_("Thủ tục %(code)s chưa có trường hợp nào.") % {"code": code})
    child = Dossier(
        code=next_dossier_code(agency, timezone.localdate(at)),
        version=version,
        variant=variant,
        agency=agency,
        parent=parent,
        channel=parent.channel,
        applicant=parent.applicant,
        applicant_type=parent.applicant_type,
        applicant_name=parent.applicant_name,
        applicant_id_number=parent.applicant_id_number,
        applicant_phone=parent.applicant_phone,
        applicant_email=parent.applicant_email,
        applicant_address=parent.applicant_address,
        organisation_name=parent.organisation_name,
        organisation_tax_code=parent.organisation_tax_code,
        summary=f"{version.name} — {parent.applicant_name}"[:500],
        data=parent.data,
        result_delivery=parent.result_delivery,
        delivery_address=parent.delivery_address,
        submitted_at=parent.submitted_at,
        accepted_at=at,
        counting_from=parent.counting_from,
        # The group's time limit binds every child.
        due_at=parent.due_at,
        original_due_at=parent.due_at,
        handler_agency=agency,
        handler_role=Role.SPECIALIST,
    )
    first = next((s for s in steps_of(version) if s.role != Role.RECEIVER), None)
    role = first.role if first else Role.SPECIALIST
    officers = officers_for(agency, role)
    start_step(
        child,
        first,
        at=at,
        agency=agency,
        handler=officers[0] if len(officers) == 1 else None,
        role=role,
    )
    # The child's creation is its acceptance, with its parent's: from nothing to processing.
    transition(
        child,
        Action.ACCEPT,
        actor=officer,
        actor_role=Role.RECEIVER,
        actor_agency=parent.agency,
        move=Move(
            at=at,
            note=_("Tiếp nhận liên thông từ hồ sơ %(code)s") % {"code": parent.code},
            details={"parent": parent.code},
            to_handler=child.handler,
            to_agency=agency,
            to_role=role,
        ),
    )
    return child


def follow_child(child: Dossier, event: DossierEvent, move: Move) -> None:
    """Record a child's move on the parent's timeline; decide the parent when every child
    has finished."""
    if child.parent_id is None or event.from_status in (None, event.to_status):
        return  # not a child, its creation (the parent records it), or no change of status
    parent = locked(Dossier(pk=child.parent_id))
    if parent.status in (Status.RETURNED, Status.REFUSED, Status.WITHDRAWN, Status.STOPPED):
        return
    note = _("%(code)s (%(name)s): %(status)s") % {
        "code": child.code,
        "name": child.version.name,
        "status": child.status_label,
    }
    transition(
        parent,
        Action.CHILD_UPDATE,
        actor=None,
        move=Move(at=event.at, note=note, details={"child": child.code, "status": child.status}),
    )
    statuses = list(parent.children.values_list("status", "outcome"))
    if parent.status != Status.PROCESSING or any(s not in FINISHED for s, _o in statuses):
        return
    approved = all(
        s in (Status.DECIDED, Status.RETURNED) and o == Outcome.APPROVED for s, o in statuses
    )
    require(Action.DECIDE, actor=None, dossier=parent, at=event.at)
    parent.outcome = Outcome.APPROVED if approved else Outcome.REJECTED
    parent.outcome_note = "" if approved else _("Có thủ tục liên thông không được giải quyết.")
    parent.decided_at = event.at
    parent.late_mark = ""
    go_to_return_step(parent, event.at)
    transition(
        parent,
        Action.DECIDE,
        actor=None,
        move=Move(
            at=event.at,
            note=_("Các thủ tục liên thông đã giải quyết xong."),
            details={"outcome": parent.outcome},
            to_handler=parent.handler,
            to_agency=parent.handler_agency,
            to_role=parent.handler_role,
        ),
    )
