"""Fees asked of the applicant (status 6): asked by an officer or by the step that collects
them, asked again with a new amount, a declared exemption refused, and the payment confirmed
(the payments module credits it; the dossier goes on from where the fees were asked)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.identity.models import Agency, User

from .clock import resume_clock
from .fees import bill_for
from .models import Dossier, DossierEvent
from .moves import Move, transition
from .rules import locked_for, performs
from .steps import step_at
from .workflow import PAYMENT_RETURNS, Action, Status, WorkflowError


@performs(Action.REQUEST_PAYMENT)
@transaction.atomic
def request_payment(
    *, dossier: Dossier, officer: User, amount: int, note: str = "", at: datetime | None = None
) -> Dossier:
    """Status 6: the applicant must pay a fee or charge (the payments module collects it);
    the clock waits for the applicant."""
    if amount <= 0:
        raise WorkflowError(_("Số tiền phải lớn hơn 0 đồng."))
    dossier, at = locked_for(Action.REQUEST_PAYMENT, dossier=dossier, actor=officer, at=at)
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
    by: User | None,
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
    transition(
        dossier,
        Action.REQUEST_PAYMENT,
        actor=by,
        actor_role=dossier.handler_role if role is None else role,
        actor_agency=agency or dossier.handler_agency,
        move=Move(
            at=at, note=note, step_position=dossier.step_position, details={"amount": int(amount)}
        ),
    )
    return dossier


@performs(Action.REFUSE_EXEMPTION)
@transaction.atomic
def refuse_exemption_claims(
    *, dossier: Dossier, officer: User, reason: str, at: datetime | None = None
) -> Dossier:
    """The proof of a declared exemption is missing or wrong: the claims are dropped (kept in
    the event), the applicant is told why, and a dossier waiting for payment is asked the
    amount recomputed without them."""
    if not reason.strip():
        raise WorkflowError(_("Cần ghi lý do không chấp nhận miễn, giảm."))
    dossier, at = locked_for(Action.REFUSE_EXEMPTION, dossier=dossier, actor=officer, at=at)
    dropped = list(dossier.exemption_claims)
    dossier.exemption_claims = []
    transition(
        dossier,
        Action.REFUSE_EXEMPTION,
        actor=officer,
        actor_role=dossier.handler_role,
        actor_agency=dossier.handler_agency,
        move=Move(at=at, note=reason, step_position=dossier.step_position,
                  details={"claims": dropped}),
    )  # fmt: skip
    if dossier.status == Status.PAYMENT_REQUESTED:
        bill = bill_for(dossier)
        if bill.complete and bill.total > 0:
            note = _("Số tiền tính lại do không chấp nhận miễn, giảm: %(reason)s") % {
                "reason": reason.strip()
            }
            ask_for_payment(dossier, by=officer, amount=bill.total, note=note, at=at)
    return dossier


def collect_fees_at_step(dossier: Dossier, event: DossierEvent, move: Move) -> None:
    """A follow-up of acceptance and hand-over: a dossier reaching a step that collects fees
    is asked for them (status 6), once: not when it was paid before (sent back and forwarded
    again), nor when it owes nothing. When a fee of its case has no published amount the
    officer states the amount instead. Asked as the move's author, in the role and unit they
    moved it from."""
    reached = event.action == Action.ACCEPT or event.step_position != dossier.step_position
    if event.from_status is None or not reached:
        return  # a new linked child, or a hand-over within the same step
    step = step_at(dossier, dossier.step_position)
    if step is None or not step.collects_fees:
        return
    if dossier.status not in (Status.ACCEPTED, Status.PROCESSING):
        return
    if dossier.events.filter(action=Action.CONFIRM_PAYMENT).exists():
        return
    bill = bill_for(dossier)
    if bill.total <= 0 or not bill.complete:
        return
    note = _("Nộp phí, lệ phí trước bước “%(step)s” theo quy trình của thủ tục.") % {
        "step": step.name
    }
    ask_for_payment(
        dossier, by=event.actor, amount=bill.total, note=note, at=event.at,
        role=event.actor_role, agency=event.actor_agency,
    )  # fmt: skip


@transaction.atomic
def confirm_payment(
    *, dossier: Dossier, by: User | None, reference: str, at: datetime | None = None
) -> Dossier:
    """Paid (cash recorded at the desk, or a provider's confirmation, ``by`` None): the dossier
    goes on from where the fees were asked (reception or processing). The payments module
    calls this as it credits a payment; it performs the CONFIRM_PAYMENT action."""
    dossier, at = locked_for(Action.CONFIRM_PAYMENT, dossier=dossier, actor=by, at=at)
    resume_clock(dossier, at)
    # Back where the fees were asked: reception (2) or processing (4).
    asked_from = (
        dossier.events.filter(action=Action.REQUEST_PAYMENT)
        .exclude(from_status=Status.PAYMENT_REQUESTED)
        .order_by("-at", "-pk")
        .values_list("from_status", flat=True)
        .first()
    )
    transition(
        dossier,
        Action.CONFIRM_PAYMENT,
        actor=by,
        move=Move(at=at, note=reference, details={"reference": reference}, tell_applicant=False),
        to_status=asked_from if asked_from in PAYMENT_RETURNS else Status.PROCESSING,
    )
    return dossier
