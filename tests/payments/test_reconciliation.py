"""The daily reconciliation per agency and provider, on the page, in CSV and in XLSX; and cash
recorded at the desk is a payment with its receipt like any other."""

from __future__ import annotations

import io

from django.urls import reverse
from openpyxl import load_workbook

from motcua.dossiers.models import Dossier
from motcua.dossiers.workflow import Status
from motcua.payments.models import Payment, PaymentEvent
from motcua.payments.services import credit, start_payment

from .test_crediting import _waiting


def _day_of_payments(world) -> None:
    paid = start_payment(dossier=_waiting(world, 8000), provider="vnpay", by=world["citizen"])
    credit(provider="vnpay", reference=paid.reference, amount=8000, provider_transaction="1",
           kind=PaymentEvent.Kind.CALLBACK)  # fmt: skip
    waiting = start_payment(dossier=_waiting(world, 15000), provider="vnpay", by=None)
    credit(provider="vnpay", reference=waiting.reference, amount=1, provider_transaction="2",
           kind=PaymentEvent.Kind.CALLBACK)  # fmt: skip


def test_the_reconciliation_counts_expected_confirmed_pending_and_mismatched(
    client, world, settings
):
    settings.OFFICER_2FA_REQUIRED = False
    _day_of_payments(world)
    client.force_login(world["receiver"])
    page = client.get(reverse("backoffice:reconciliation"))
    assert page.status_code == 200
    (row,) = page.context["rows"]
    assert (row.expected, row.expected_amount, row.confirmed, row.confirmed_amount) == (
        2, 23000, 1, 8000,
    )  # fmt: skip
    assert (row.pending, row.pending_amount, row.mismatched) == (1, 15000, 1)
    csv = client.get(reverse("backoffice:reconciliation"), {"dinh-dang": "csv"})
    assert "VNPay" in csv.content.decode("utf-8-sig")
    xlsx = client.get(reverse("backoffice:reconciliation"), {"dinh-dang": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [cell.value for cell in sheet[2]][2:6] == [2, 23000, 1, 8000]
    bad = client.get(reverse("backoffice:reconciliation"), {"ngay": "31/02/2026"})
    assert bad.status_code == 400
    client.force_login(world["receiver2"])  # another ward sees none of it
    assert client.get(reverse("backoffice:reconciliation")).context["rows"] == []


def test_cash_at_the_desk_is_a_paid_payment_with_a_receipt(client, world, settings):
    settings.OFFICER_2FA_REQUIRED = False
    dossier = _waiting(world, 8000)
    client.force_login(world["receiver"])
    url = reverse("backoffice:dossier-action", args=[dossier.code, "xac-nhan-nop-phi"])
    assert client.post(url, {"reference": "BL-0042"}).status_code == 302
    payment = Payment.objects.get(dossier=dossier)
    assert (payment.provider, payment.status, payment.amount) == ("cash", "paid", 8000)
    assert payment.provider_transaction == "BL-0042" and payment.receipt_number
    assert Dossier.objects.get(pk=dossier.pk).status == Status.PROCESSING
    other = _waiting(world, 8000)
    again = client.post(
        reverse("backoffice:dossier-action", args=[other.code, "xac-nhan-nop-phi"]),
        {"reference": "BL-0042"},
    )
    assert again.status_code == 409  # one paper receipt, one payment
    assert Dossier.objects.get(pk=other.pk).status == Status.PAYMENT_REQUESTED


def test_the_officer_sees_the_dossiers_payments_and_prints_the_receipt(client, world, settings):
    settings.OFFICER_2FA_REQUIRED = False
    dossier = _waiting(world, 8000)
    payment = start_payment(dossier=dossier, provider="vnpay", by=world["citizen"])
    credit(provider="vnpay", reference=payment.reference, amount=8000, provider_transaction="9",
           kind=PaymentEvent.Kind.CALLBACK)  # fmt: skip
    payment.refresh_from_db()
    client.force_login(world["receiver"])
    page = client.get(reverse("backoffice:dossier", args=[dossier.code])).content.decode()
    assert payment.reference in page and f"Biên lai số {payment.receipt_number}" in page
    pdf = client.get(reverse("backoffice:payment-receipt", args=[dossier.code, payment.reference]))
    assert pdf["Content-Type"] == "application/pdf"
    client.force_login(world["receiver2"])
    assert (
        client.get(
            reverse("backoffice:payment-receipt", args=[dossier.code, payment.reference])
        ).status_code
        == 404
    )
