"""A payment is credited once, for its own amount, by one bank transaction; whatever else
arrives is refused with a reason, kept as an event, and changes nothing."""

from __future__ import annotations

import re
import threading

import pytest
from django.db import connection

from motcua.dossiers.fees import bill_for
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import accept_dossier, forward_dossier, request_payment
from motcua.dossiers.workflow import Status
from motcua.payments.models import Payment, PaymentEvent
from motcua.payments.services import (
    Outcome,
    PaymentError,
    credit,
    fail,
    record_cash,
    start_payment,
)

KIND = PaymentEvent.Kind.CALLBACK


def _waiting(world, amount: int = 8000) -> Dossier:
    dossier = world.submit()
    accept_dossier(dossier=dossier, officer=world["receiver"])
    forward_dossier(dossier=dossier, officer=world["receiver"])
    request_payment(
        dossier=Dossier.objects.get(pk=dossier.pk), officer=world["specialist"], amount=amount
    )
    return Dossier.objects.get(pk=dossier.pk)


def _credit(payment: Payment, amount: int | None = None, txn: str = "14100001") -> str:
    return credit(
        provider=payment.provider,
        reference=payment.reference,
        amount=payment.amount if amount is None else amount,
        provider_transaction=txn,
        kind=KIND,
        payload={"test": True},
    )


def test_a_payment_starts_only_for_what_is_asked_and_a_retry_gets_the_same_one(world):
    with pytest.raises(PaymentError):
        start_payment(dossier=world.submit(), provider="vnpay", by=world["citizen"])
    dossier = _waiting(world, amount=15000)
    first = start_payment(dossier=dossier, provider="vnpay", by=world["citizen"])
    assert (first.amount, first.status, first.agency) == (15000, "pending", world.committee)
    assert start_payment(dossier=dossier, provider="vnpay", by=world["citizen"]) == first
    assert first.reference.startswith("MC") and len(first.reference) == 16
    with pytest.raises(PaymentError):
        start_payment(dossier=dossier, provider="bitcoin", by=world["citizen"])


def test_a_credit_resumes_the_dossier_numbers_a_receipt_and_counts_once(world):
    dossier = _waiting(world)
    payment = start_payment(dossier=dossier, provider="vnpay", by=world["citizen"])
    assert _credit(payment) == Outcome.ACCEPTED
    payment.refresh_from_db()
    assert payment.status == "paid"
    assert re.fullmatch(r"\d{7}/20\d\d", payment.receipt_number), payment.receipt_number
    assert Dossier.objects.get(pk=dossier.pk).status == Status.PROCESSING
    # The same callback again, or another transaction for it: nothing more.
    assert _credit(payment) == Outcome.ALREADY
    assert _credit(payment, txn="14100002") == Outcome.ALREADY
    assert Payment.objects.get(pk=payment.pk).provider_transaction == "14100001"
    assert list(payment.events.values_list("outcome", flat=True)) == [
        "accepted", "accepted", "already_paid", "duplicate_transaction",
    ]  # fmt: skip


def test_a_wrong_amount_or_an_unknown_order_changes_nothing(world):
    dossier = _waiting(world)
    payment = start_payment(dossier=dossier, provider="vnpay", by=world["citizen"])
    assert _credit(payment, amount=1000) == Outcome.WRONG_AMOUNT
    assert credit(provider="vnpay", reference="MCNOTHINGHERE00", amount=8000,
                  provider_transaction="1", kind=KIND) == Outcome.UNKNOWN  # fmt: skip
    assert credit(provider="national", reference=payment.reference, amount=8000,
                  provider_transaction="1", kind=KIND) == Outcome.UNKNOWN  # fmt: skip
    assert Payment.objects.get(pk=payment.pk).status == "pending"
    assert Dossier.objects.get(pk=dossier.pk).status == Status.PAYMENT_REQUESTED
    assert PaymentEvent.objects.filter(payment=None, outcome="unknown_order").count() == 2


def test_one_bank_transaction_never_credits_two_payments(world):
    first = start_payment(dossier=_waiting(world), provider="vnpay", by=world["citizen"])
    second = start_payment(dossier=_waiting(world), provider="vnpay", by=world["citizen"])
    assert _credit(first, txn="777") == Outcome.ACCEPTED
    assert _credit(second, txn="777") == Outcome.DUPLICATE
    assert Payment.objects.get(pk=second.pk).status == "pending"


def test_a_cancelled_payment_closes_and_a_new_one_may_start(world):
    dossier = _waiting(world)
    payment = start_payment(dossier=dossier, provider="vnpay", by=world["citizen"])
    assert (
        fail(provider="vnpay", reference=payment.reference, kind=KIND, cancelled=True) == "failed"
    )
    assert Payment.objects.get(pk=payment.pk).status == "cancelled"
    again = start_payment(dossier=dossier, provider="vnpay", by=world["citizen"])
    assert again != payment


def test_the_bill_lists_the_variants_published_fees(world):
    bill = bill_for(world.submit())
    assert all(line.amount != 0 for line in bill.lines)
    assert bill.total == sum(line.amount or 0 for line in bill.lines)


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_callbacks_credit_once():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL's row locks")
    from tests.dossiers.world import build_world

    world = build_world()
    payment = start_payment(dossier=_waiting(world), provider="vnpay", by=world["citizen"])
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def callback() -> None:
        try:
            start.wait()
            outcomes.append(_credit(payment))
        finally:
            connection.close()

    threads = [threading.Thread(target=callback) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [Outcome.ACCEPTED, Outcome.ALREADY]
    credited = Payment.objects.get(pk=payment.pk).events.filter(kind=KIND, outcome="accepted")
    assert credited.count() == 1


def test_a_dossier_is_never_paid_twice_through_two_open_payments(world):
    """A QR shown at the desk, then cash taken because the bank app hung: the transfer that
    arrives later is refused as not due (to refund), not credited a second time."""
    dossier = _waiting(world, amount=35000)
    shown = start_payment(dossier=dossier, provider="vietqr", by=world["receiver"])
    online = start_payment(dossier=dossier, provider="vnpay", by=world["citizen"])
    cash = record_cash(dossier=dossier, officer=world["receiver"], receipt="BL-0001")
    assert cash.status == "paid"
    assert {
        p.status for p in (Payment.objects.get(pk=shown.pk), Payment.objects.get(pk=online.pk))
    } == {"cancelled"}
    assert _credit(shown, txn="FT-LATE") == Outcome.NOT_DUE
    assert _credit(online, txn="VNP-LATE") == Outcome.NOT_DUE
    assert Payment.objects.filter(dossier=dossier, status="paid").count() == 1
    refused = PaymentEvent.objects.filter(payment__dossier=dossier, outcome=Outcome.NOT_DUE)
    assert refused.count() == 2
    # A payment for an amount no longer asked is refused the same way.
    other = _waiting(world, amount=20000)
    old = start_payment(dossier=other, provider="vnpay", by=world["citizen"])
    request_payment(
        dossier=Dossier.objects.get(pk=other.pk), officer=world["specialist"], amount=25000
    )
    assert _credit(old, txn="VNP-OLD") == Outcome.NOT_DUE
    assert Dossier.objects.get(pk=other.pk).status == Status.PAYMENT_REQUESTED
