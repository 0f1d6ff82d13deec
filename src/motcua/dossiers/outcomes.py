"""Payment requested, the apology slip, withdrawal, stop, and the return of the result."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import ProcedureStep
from motcua.identity.models import Agency, OfficerRole, User

from .access import officer_scope
from .fees import bill_for
from .intake import _close, _resume_clock
from .models import Dossier, ResultDelivery
from .services_common import after_move, locked, require_actor
from .workflow import PAYMENT_RETURNS, Action, Move, Status, WorkflowError, transition

Role = OfficerRole.Role


@transaction.atomic
def request_payment(
    *, dossier: Dossier, officer: User, amount: int, note: str = "", at: datetime | None = None
) -> Dossier:
    """Status 6: the applicant must pay a fee or charge (the payments module collects it);
    the clock waits for the applicant."""
    if amount <= 0:
        raise WorkflowError(_("Số tiền phải lớn hơn 0 đồng."))
    dossier = locked(dossier)
    require_actor(officer, dossier)
    if requested_amount(dossier) == amount:
        raise WorkflowError(_("Hồ sơ đang chờ nộp đúng số tiền này."))
    return ask_for_payment(dossier, by=officer, amount=amount, note=note, at=at)


def requested_amount(dossier: Dossier) -> int | None:
    """The amount of the dossier's open payment request (status 6), as last asked."""
    if dossier.status != Status.PAYMENT_REQUESTED:
        return None
    details = (
        dossier.events.filter(action=Action.REQUEST_PAYMENT)
        .order_by("-at", "-pk")
        .values_list("details", flat=True)
        .first()
    )
    amount = (details or {}).get("amount")
    return int(amount) if isinstance(amount, int) and amount > 0 else None


def ask_for_payment(
    dossier: Dossier,
    *,
    by: User,
    amount: int,
    note: str,
    at: datetime | None = None,
    role: str | None = None,
    agency: Agency | None = None,
) -> Dossier:
    """The move to status 6 on a dossier the caller has locked and checked; asked again while
    waiting, the clock stays paused from the first request."""
    at = at or timezone.now()
    if dossier.status != Status.PAYMENT_REQUESTED:
        dossier.paused_at = at
    event = transition(
        dossier,
        Action.REQUEST_PAYMENT,
        actor=by,
        actor_role=dossier.handler_role if role is None else role,
        actor_agency=agency or dossier.handler_agency,
        move=Move(
            at=at, note=note, step_position=dossier.step_position, details={"amount": int(amount)}
        ),
    )
    after_move(dossier, event)
    return dossier


@transaction.atomic
def refuse_exemption_claims(
    *, dossier: Dossier, officer: User, reason: str, at: datetime | None = None
) -> Dossier:
    """The proof of a declared exemption is missing or wrong: the claims are dropped (kept in
    the event), the applicant is told why, and a dossier waiting for payment is asked the
    amount recomputed without them."""
    if not reason.strip():
        raise WorkflowError(_("Cần ghi lý do không chấp nhận miễn, giảm."))
    dossier = locked(dossier)
    if not officer_scope(officer).covers(dossier.handler_agency_id):
        raise WorkflowError(_("Hồ sơ này không thuộc phạm vi xử lý của bạn."))
    if not dossier.exemption_claims:
        raise WorkflowError(_("Người nộp không kê khai đối tượng miễn, giảm nào."))
    at = at or timezone.now()
    dropped = list(dossier.exemption_claims)
    dossier.exemption_claims = []
    event = transition(
        dossier,
        Action.REFUSE_EXEMPTION,
        actor=officer,
        actor_role=dossier.handler_role,
        actor_agency=dossier.handler_agency,
        move=Move(at=at, note=reason, step_position=dossier.step_position,
                  details={"claims": dropped}),
    )  # fmt: skip
    after_move(dossier, event)
    if dossier.status == Status.PAYMENT_REQUESTED:
        bill = bill_for(dossier)
        if bill.complete and bill.total > 0:
            note = _("Số tiền tính lại do không chấp nhận miễn, giảm: %(reason)s") % {
                "reason": reason.strip()
            }
            ask_for_payment(dossier, by=officer, amount=bill.total, note=note, at=at)
    return dossier


def collect_fees_at_step(
    dossier: Dossier,
    step: ProcedureStep,
    *,
    by: User,
    at: datetime,
    role: str,
    agency: Agency | None,
) -> None:
    """A dossier reaching a step that collects fees is asked for them (status 6), once: not
    when it was paid before (sent back and forwarded again), nor when it owes nothing. When a
    fee of its case has no published amount the officer states the amount instead."""
    if not step.collects_fees or dossier.status not in (Status.ACCEPTED, Status.PROCESSING):
        return
    if dossier.events.filter(action=Action.CONFIRM_PAYMENT).exists():
        return
    bill = bill_for(dossier)
    if bill.total <= 0 or not bill.complete:
        return
    note = _("Nộp phí, lệ phí trước bước “%(step)s” theo quy trình của thủ tục.") % {
        "step": step.name
    }
    # Recorded as the hand-over's author's, in the role and unit they forwarded from.
    ask_for_payment(dossier, by=by, amount=bill.total, note=note, at=at, role=role, agency=agency)


@transaction.atomic
def confirm_payment(
    *, dossier: Dossier, by: User | None, reference: str, at: datetime | None = None
) -> Dossier:
    """Paid (a cash receipt at the desk, or a provider's confirmation): the dossier goes on from
    where the fees were asked (reception or processing)."""
    dossier = locked(dossier)
    if by is not None and not officer_scope(by).covers(dossier.handler_agency_id):
        raise WorkflowError(_("Bạn không có quyền xác nhận thanh toán cho hồ sơ này."))
    at = at or timezone.now()
    _resume_clock(dossier, at)
    # Back where the fees were asked: reception (2) or processing (4).
    asked_from = (
        dossier.events.filter(action=Action.REQUEST_PAYMENT)
        .exclude(from_status=Status.PAYMENT_REQUESTED)
        .order_by("-at", "-pk")
        .values_list("from_status", flat=True)
        .first()
    )
    event = transition(
        dossier,
        Action.CONFIRM_PAYMENT,
        actor=by,
        move=Move(at=at, note=reference, details={"reference": reference}),
        to_status=asked_from if asked_from in PAYMENT_RETURNS else Status.PROCESSING,
    )
    after_move(dossier, event, tell_applicant=False)
    return dossier


@transaction.atomic
def issue_apology(
    *,
    dossier: Dossier,
    officer: User,
    reason: str,
    new_due_at: datetime,
    at: datetime | None = None,
) -> Dossier:
    """Form 05: before the due date, the handler apologises and sets a new date; the
    applicant is told (email or SMS for online dossiers) and the slip stays in the history."""
    if not reason.strip():
        raise WorkflowError(_("Cần ghi lý do chậm trả kết quả."))
    dossier = locked(dossier)
    require_actor(officer, dossier)
    at = at or timezone.now()
    if dossier.due_at is None:
        raise WorkflowError(_("Hồ sơ chưa có ngày hẹn trả."))
    if at >= dossier.due_at:
        raise WorkflowError(_("Phiếu xin lỗi phải ban hành trước ngày hẹn trả; hồ sơ đã quá hạn."))
    if new_due_at <= dossier.due_at:
        raise WorkflowError(_("Ngày hẹn mới phải sau ngày hẹn hiện tại."))
    old = dossier.due_at
    dossier.due_at = new_due_at
    dossier.late_mark = ""
    event = transition(
        dossier,
        Action.APOLOGISE,
        actor=officer,
        actor_role=dossier.handler_role,
        actor_agency=dossier.handler_agency,
        move=Move(
            at=at,
            note=reason.strip(),
            step_position=dossier.step_position,
            details={"old_due_at": old.isoformat(), "new_due_at": new_due_at.isoformat()},
        ),
    )
    after_move(dossier, event)
    return dossier


@transaction.atomic
def withdraw_dossier(
    *, dossier: Dossier, by: User, reason: str = "", at: datetime | None = None
) -> Dossier:
    """Status 7: the applicant withdraws (online, or at the desk in writing)."""
    dossier = locked(dossier)
    own = dossier.applicant_id == by.pk
    desk = officer_scope(by).holds(Role.RECEIVER, dossier.agency_id)
    if not (own or desk):
        raise WorkflowError(_("Chỉ người nộp hồ sơ mới rút được hồ sơ."))
    at = at or timezone.now()
    _close(dossier, at)
    event = transition(dossier, Action.WITHDRAW, actor=by, move=Move(at=at, note=reason.strip()))
    after_move(dossier, event)
    return dossier


@transaction.atomic
def stop_dossier(
    *, dossier: Dossier, officer: User, reason: str, at: datetime | None = None
) -> Dossier:
    """Status 8: a leader of the handling unit stops processing, with the reason."""
    if not reason.strip():
        raise WorkflowError(_("Cần ghi lý do dừng xử lý."))
    dossier = locked(dossier)
    scope = officer_scope(officer)
    agencies = {dossier.handler_agency_id, dossier.agency_id}
    if not any(scope.holds(r, a) for r in (Role.APPROVER, Role.UNIT_ADMIN) for a in agencies):
        raise WorkflowError(_("Chỉ lãnh đạo hoặc quản trị đơn vị mới dừng xử lý hồ sơ."))
    at = at or timezone.now()
    _close(dossier, at)
    event = transition(
        dossier,
        Action.STOP,
        actor=officer,
        actor_role=Role.APPROVER,
        actor_agency=dossier.handler_agency,
        move=Move(at=at, note=reason.strip()),
    )
    after_move(dossier, event)
    return dossier


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
    delivered online."""
    if method not in ResultDelivery.values:
        raise WorkflowError(_("Hình thức trả kết quả không hợp lệ."))
    if method == ResultDelivery.POST and not tracking_number.strip():
        raise WorkflowError(_("Trả qua bưu chính cần số vận đơn."))
    dossier = locked(dossier)
    require_actor(officer, dossier)
    if dossier.parent_id is not None:
        raise WorkflowError(_("Kết quả hồ sơ liên thông được trả cùng hồ sơ cha."))
    at = at or timezone.now()
    dossier.result_delivery = method
    dossier.postal_tracking_number = tracking_number.strip()
    dossier.returned_at = at
    _close(dossier, at)
    event = transition(
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
    after_move(dossier, event)
    for child in dossier.children.filter(status=Status.DECIDED):
        child = locked(child)
        child.returned_at = at
        _close(child, at)
        child_event = transition(
            child,
            Action.RETURN_RESULT,
            actor=officer,
            move=Move(at=at, note=_("Trả cùng hồ sơ %(code)s") % {"code": dossier.code}),
        )
        after_move(child, child_event, tell_applicant=False)
    return dossier
