"""Starting a payment and crediting it exactly once (what a dossier owes: dossiers.fees).

Every provider ends in :func:`credit` (a signed callback, a bank statement line, a periodic
query, a cash entry at the desk): under a row lock on the payment, a payment is credited once,
for its own amount, by one bank transaction; anything else is refused with a reason and kept
as an event. A credited payment resumes the dossier that waited for it (status 6 → 4).
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.dossiers import services as dossier_services
from motcua.dossiers.codes import next_in_sequence
from motcua.dossiers.models import Dossier
from motcua.dossiers.rules import locked_for, performs
from motcua.dossiers.workflow import Action, WorkflowError
from motcua.identity.models import Agency, User

from .models import Payment, PaymentEvent, Provider, ReceiptSequence
from .providers import payee_of

# No 0/O, 1/I/L: the reference is read off a bank statement and typed at a desk.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


class PaymentError(WorkflowError):
    """A payment that cannot be started now; ``message`` is for the person who tried."""


# --- starting ----------------------------------------------------------------------------------


def new_reference() -> str:
    """ "MC" and 14 characters from 31 (69 bits): unguessable, so a forged callback cannot
    name someone's pending payment by chance; short enough for a bank transfer's note."""
    return "MC" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(14))


@transaction.atomic
def start_payment(
    *, dossier: Dossier, provider: str, by: User | None, at: datetime | None = None
) -> Payment:
    """A pending payment of what the dossier owes now, through ``provider``; the same pending
    payment again when one is open for this provider and amount (a double click, a retry)."""
    if provider not in Provider.values or provider == Provider.CASH:
        raise PaymentError(_("Hình thức thanh toán không được hỗ trợ."))
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    amount = dossier_services.requested_amount(dossier)
    if amount is None:
        raise PaymentError(_("Hồ sơ không có khoản phí, lệ phí nào đang chờ thanh toán."))
    # Paid, a dossier no longer waits (status 6 → 2 or 4): there is no "paid already" here.
    theirs = Payment.objects.filter(dossier=dossier)
    open_one = theirs.filter(
        provider=provider, amount=amount, status=Payment.Status.PENDING
    ).first()
    if open_one is not None:
        return open_one
    payment = Payment.objects.create(
        dossier=dossier,
        agency=dossier.handler_agency or dossier.agency,
        provider=provider,
        reference=new_reference(),
        amount=amount,
        created_by=by,
        created_at=at or timezone.now(),
    )
    record(payment.provider, PaymentEvent.Kind.CREATED, Outcome.ACCEPTED, payment=payment)
    return payment


# --- crediting -----------------------------------------------------------------------------------


class Outcome:
    ACCEPTED = "accepted"
    ALREADY = "already_paid"
    UNKNOWN = "unknown_order"
    WRONG_AMOUNT = "wrong_amount"
    BAD_SIGNATURE = "bad_signature"
    DUPLICATE = "duplicate_transaction"
    # Money for a dossier that no longer waits for this amount (paid another way, asked a new
    # amount, withdrawn): not credited; the officer refunds it.
    NOT_DUE = "not_due"
    FAILED = "failed"
    # Signed, but naming another merchant code or a bank account that is not the paying
    # agency's own: money or a message meant for another agency never settles this payment.
    WRONG_PAYEE = "wrong_payee"


def _paid_elsewhere(payment: Payment, payee: tuple[str, ...] | None) -> bool:
    """Whether a notification's payee (merchant code, or bank and account) is not the one the
    payment's agency collects with; ``None`` is a payee we need not check (cash at the desk,
    our own query signed with the agency's own secret)."""
    return payee is not None and payee != payee_of(payment.agency, payment.provider)


def record(
    provider: str,
    kind: str,
    outcome: str,
    *,
    payment: Payment | None = None,
    payload: dict[str, Any] | None = None,
    remote_address: str = "",
) -> PaymentEvent:
    return PaymentEvent.objects.create(
        payment=payment,
        provider=provider,
        kind=kind,
        outcome=outcome,
        payload=payload or {},
        remote_address=remote_address[:45],
    )


def _receipt_number(agency: Agency, at: datetime) -> str:
    year = timezone.localdate(at).year
    number = next_in_sequence(ReceiptSequence, agency_id=agency.pk, year=year)
    return f"{number:07d}/{year}"


def credit(
    *,
    provider: str,
    reference: str,
    amount: int,
    provider_transaction: str,
    kind: str,
    payload: dict[str, Any] | None = None,
    remote_address: str = "",
    by: User | None = None,
    at: datetime | None = None,
    payee: tuple[str, ...] | None = None,
) -> str:
    """Credit payment ``reference`` with ``amount`` đồng from ``provider_transaction``; one of
    the Outcome values. Only ACCEPTED changed anything (besides the event it leaves).
    ``payee``, from a notification, is who it says was paid (providers.PAYEE_FIELDS): it must
    be the payment's own agency's, else WRONG_PAYEE."""
    at = at or timezone.now()
    event: dict[str, Any] = {"payload": payload, "remote_address": remote_address}
    try:
        with transaction.atomic():
            # The dossier first, as starting a payment does: two payments of one dossier
            # (a desk QR and a VNPay tab) are credited one after the other, never both.
            dossier_id = (
                Payment.objects.filter(reference=reference, provider=provider)
                .values_list("dossier_id", flat=True)
                .first()
            )
            if dossier_id is None:
                record(provider, kind, Outcome.UNKNOWN, **event)
                return Outcome.UNKNOWN
            Dossier.objects.select_for_update().filter(pk=dossier_id).first()
            payment = (
                Payment.objects.select_for_update(of=("self",))
                .select_related("dossier", "agency")
                .get(reference=reference, provider=provider)
            )
            if _paid_elsewhere(payment, payee):
                record(provider, kind, Outcome.WRONG_PAYEE, payment=payment, **event)
                return Outcome.WRONG_PAYEE
            if payment.status == Payment.Status.PAID:
                same = payment.provider_transaction == provider_transaction
                record(provider, kind, Outcome.ALREADY if same else Outcome.DUPLICATE,
                       payment=payment, **event)  # fmt: skip
                return Outcome.ALREADY
            if amount != payment.amount:
                record(provider, kind, Outcome.WRONG_AMOUNT, payment=payment, **event)
                return Outcome.WRONG_AMOUNT
            if dossier_services.requested_amount(payment.dossier) != payment.amount:
                record(provider, kind, Outcome.NOT_DUE, payment=payment, **event)
                return Outcome.NOT_DUE
            payment.status = Payment.Status.PAID
            payment.paid_at = at
            payment.provider_transaction = provider_transaction[:60]
            payment.receipt_number = _receipt_number(payment.agency, at)
            payment.save(
                update_fields=["status", "paid_at", "provider_transaction", "receipt_number"]
            )
            record(provider, kind, Outcome.ACCEPTED, payment=payment, **event)
            # The request is paid: the dossier's other open payments (a QR shown at the desk, a
            # VNPay page left open) are closed, and money that still comes through them is
            # refused as not due.
            Payment.objects.filter(dossier=payment.dossier, status=Payment.Status.PENDING).exclude(
                pk=payment.pk
            ).update(status=Payment.Status.CANCELLED)
            from .delivery import send_receipt_after_commit  # it builds on this module

            # The receipt is signed and sent after the commit: a failure there never undoes this.
            transaction.on_commit(lambda: send_receipt_after_commit(payment.pk))
            dossier_services.confirm_payment(
                dossier=payment.dossier, by=by, reference=payment.reference, at=at
            )
            return Outcome.ACCEPTED
    except IntegrityError:
        # This bank transaction already credited another payment: never twice.
        record(provider, kind, Outcome.DUPLICATE, **event)
        return Outcome.DUPLICATE


def fail(
    *,
    provider: str,
    reference: str,
    kind: str,
    cancelled: bool,
    payload: dict[str, Any] | None = None,
    remote_address: str = "",
    payee: tuple[str, ...] | None = None,
) -> str:
    """The provider says the payment did not go through: a pending payment is closed (the
    citizen may start another); a paid one stays paid. ``payee`` as for :func:`credit`."""
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update()
            .filter(reference=reference, provider=provider)
            .first()
        )
        if payment is None:
            record(provider, kind, Outcome.UNKNOWN, payload=payload, remote_address=remote_address)
            return Outcome.UNKNOWN
        if _paid_elsewhere(payment, payee):
            record(provider, kind, Outcome.WRONG_PAYEE, payment=payment, payload=payload,
                   remote_address=remote_address)  # fmt: skip
            return Outcome.WRONG_PAYEE
        if payment.status != Payment.Status.PENDING:
            record(provider, kind, Outcome.ALREADY, payment=payment, payload=payload,
                   remote_address=remote_address)  # fmt: skip
            return Outcome.ALREADY
        payment.status = Payment.Status.CANCELLED if cancelled else Payment.Status.FAILED
        payment.save(update_fields=["status"])
        record(provider, kind, Outcome.FAILED, payment=payment, payload=payload,
               remote_address=remote_address)  # fmt: skip
        return Outcome.FAILED


@performs(Action.CONFIRM_PAYMENT)
@transaction.atomic
def record_cash(*, dossier: Dossier, officer: User, receipt: str = "") -> Payment:
    """Cash paid at the desk that collects it (the action table's CONFIRM_PAYMENT): a paid
    payment with its electronic receipt number, through the same crediting as any provider;
    ``receipt`` is a paper receipt's number, if one was given. The dossier resumes (status 6
    → 4)."""
    dossier, _at = locked_for(Action.CONFIRM_PAYMENT, dossier=dossier, actor=officer)
    amount = dossier_services.requested_amount(dossier)
    if amount is None:
        raise PaymentError(_("Hồ sơ không có khoản phí, lệ phí nào đang chờ thanh toán."))
    payment = Payment.objects.create(
        dossier=dossier,
        agency=dossier.handler_agency or dossier.agency,
        provider=Provider.CASH,
        reference=new_reference(),
        amount=amount,
        created_by=officer,
    )
    record(Provider.CASH, PaymentEvent.Kind.CREATED, Outcome.ACCEPTED, payment=payment)
    outcome = credit(
        provider=Provider.CASH,
        reference=payment.reference,
        amount=amount,
        provider_transaction=receipt.strip() or payment.reference,
        kind=PaymentEvent.Kind.CASH,
        payload={"officer": officer.get_username(), "receipt": receipt.strip()},
        by=officer,
    )
    if outcome == Outcome.NOT_DUE:
        raise PaymentError(_("Hồ sơ vừa được thanh toán hoặc đổi số tiền; vui lòng tải lại trang."))
    if outcome != Outcome.ACCEPTED:
        raise PaymentError(_("Số biên lai này đã được dùng cho một khoản thu khác."))
    payment.refresh_from_db()
    return payment
