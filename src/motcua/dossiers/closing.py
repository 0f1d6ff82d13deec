"""How a dossier ends besides refusal: withdrawn by the applicant (status 7), stopped by a
leader (8), or its result returned (10) — with the children of a linked group."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.identity.models import OfficerRole, User

from .clock import close
from .models import Dossier, ResultDelivery
from .moves import Move, locked, transition
from .rules import locked_for, performs
from .workflow import Action, Status, WorkflowError

Role = OfficerRole.Role


@performs(Action.WITHDRAW, actor="by")
@transaction.atomic
def withdraw_dossier(
    *, dossier: Dossier, by: User, reason: str = "", at: datetime | None = None
) -> Dossier:
    """Status 7: the applicant withdraws (online, or at the desk in writing)."""
    dossier, at = locked_for(Action.WITHDRAW, dossier=dossier, actor=by, at=at)
    close(dossier, at)
    transition(dossier, Action.WITHDRAW, actor=by, move=Move(at=at, note=reason.strip()))
    return dossier


@performs(Action.STOP)
@transaction.atomic
def stop_dossier(
    *, dossier: Dossier, officer: User, reason: str, at: datetime | None = None
) -> Dossier:
    """Status 8: a leader of the handling unit stops processing, with the reason."""
    if not reason.strip():
        raise WorkflowError(_("Cần ghi lý do dừng xử lý."))
    dossier, at = locked_for(Action.STOP, dossier=dossier, actor=officer, at=at)
    close(dossier, at)
    transition(
        dossier,
        Action.STOP,
        actor=officer,
        actor_role=Role.APPROVER,
        actor_agency=dossier.handler_agency,
        move=Move(at=at, note=reason.strip()),
    )
    return dossier


@performs(Action.RETURN_RESULT)
@transaction.atomic
def return_result(
    *,
    dossier: Dossier,
    officer: User,
    method: str,
    tracking_number: str = "",
    note: str = "",
    at: datetime | None = None,
) -> Dossier:
    """Status 10: the result handed over at the desk, posted (with the tracking number), or
    delivered online; a linked group's children are returned with it."""
    if method not in ResultDelivery.values:
        raise WorkflowError(_("Hình thức trả kết quả không hợp lệ."))
    if method == ResultDelivery.POST and not tracking_number.strip():
        raise WorkflowError(_("Trả qua bưu chính cần số vận đơn."))
    dossier, at = locked_for(Action.RETURN_RESULT, dossier=dossier, actor=officer, at=at)
    dossier.result_delivery = method
    dossier.postal_tracking_number = tracking_number.strip()
    dossier.returned_at = at
    close(dossier, at)
    transition(
        dossier,
        Action.RETURN_RESULT,
        actor=officer,
        actor_role=Role.RECEIVER,
        actor_agency=dossier.handler_agency,
        move=Move(
            at=at,
            note=note,
            step_position=dossier.step_position,
            # The return row of form 04 is judged against the appointment.
            step_due_at=dossier.due_at,
            details={"method": method, "tracking_number": tracking_number.strip()},
        ),
    )
    for child in dossier.children.filter(status=Status.DECIDED):
        child = locked(child)
        child.returned_at = at
        close(child, at)
        transition(
            child,
            Action.RETURN_RESULT,
            actor=officer,
            move=Move(at=at, note=_("Trả cùng hồ sơ %(code)s") % {"code": dossier.code}),
        )
    return dossier
