"""The VietQR on the desk's screen: the officer shows the citizen at the counter a code for
the exact amount; the bank's signed notification confirms it and the screen says so."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from motcua.payments.models import Payment
from motcua.payments.statements import webhook_signature
from motcua.payments.vietqr import parse_payload
from tests.backoffice.dossier_helpers import page, text

from .test_crediting import _waiting

HOOK = "/thanh-toan/ngan-hang/thong-bao/"


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.OFFICER_2FA_REQUIRED = False


def _refused_back_to_the_dossier(client, dossier, why: str) -> None:
    """No button on the page; a crafted post lands back on it with ``why`` and no payment."""
    assert "Hiện mã VietQR" not in text(client.get(page(dossier.code)))
    response = _start(client, dossier)
    assert response.status_code == 302 and response["Location"] == page(dossier.code)
    assert why in text(client.get(page(dossier.code)))
    assert not Payment.objects.exists()


def _start(client, dossier):
    return client.post(reverse("backoffice:desk-qr-start", args=[dossier.code]))


def test_the_desk_shows_a_code_for_the_exact_amount_and_then_that_it_was_paid(
    client, world, settings
):
    settings.BANK_WEBHOOK_SECRET = "bi-mat"
    dossier = _waiting(world, amount=35000)
    client.force_login(world["receiver"])
    detail = client.get(page(dossier.code))
    assert "Hiện mã VietQR để người nộp quét" in text(detail)
    started = _start(client, dossier)
    assert started.status_code == 302
    payment = Payment.objects.get(dossier=dossier)
    assert (payment.provider, payment.amount, payment.status) == ("vietqr", 35000, "pending")
    assert started["Location"] == reverse(
        "backoffice:desk-qr", args=[dossier.code, payment.reference]
    )
    # Pressed again (or by a colleague): the same pending payment, not a second one.
    assert _start(client, dossier)["Location"] == started["Location"]
    screen = client.get(started["Location"])
    assert screen.status_code == 200
    assert "<svg" in screen.content.decode() and "35.000 đồng" in text(screen)
    decoded = parse_payload(screen.context["transfer"].payload)
    # The dossier code in the additional data, the reference as the transfer note.
    assert (decoded["amount"], decoded["bill_number"]) == (35000, dossier.code)
    assert decoded["purpose"] == payment.reference
    body = json.dumps(
        {
            "transactions": [
                {
                    "id": "FT9",
                    "amount": 35000,
                    "description": payment.reference,
                    "bank": "970418",
                    "account": "1234567890",
                }
            ]
        }
    ).encode()
    client.post(
        HOOK,
        body,
        content_type="application/json",
        headers={"X-Signature": webhook_signature(body, "bi-mat")},
    )
    paid = client.get(started["Location"])
    assert "Đã nhận thanh toán" in text(paid) and "<svg" not in paid.content.decode()
    assert reverse("backoffice:payment-receipt", args=[dossier.code, payment.reference]) in (
        paid.content.decode()
    )


def test_only_a_dossier_waiting_for_payment_gets_a_code(client, world):
    dossier = world.submit()
    client.force_login(world["receiver"])
    _refused_back_to_the_dossier(client, dossier, "không có khoản phí")


def test_other_wards_officers_and_citizens_see_nothing_and_change_nothing(client, world):
    dossier = _waiting(world)
    client.force_login(world["receiver"])
    _start(client, dossier)
    payment = Payment.objects.get()
    screen = reverse("backoffice:desk-qr", args=[dossier.code, payment.reference])
    client.force_login(world["receiver2"])
    assert _start(client, dossier).status_code == 404
    assert client.get(screen).status_code == 404
    client.force_login(world["citizen"])
    assert client.get(screen).status_code in (302, 403)
    assert _start(client, dossier).status_code in (302, 403)
    assert Payment.objects.count() == 1
    client.force_login(world["receiver"])
    assert (
        client.get(reverse("backoffice:desk-qr", args=[dossier.code, "MCNOTAREF"])).status_code
        == 404
    )


def test_a_unit_without_vietqr_gets_no_code_even_by_a_crafted_post(client, world, settings):
    settings.PAYMENT_PROVIDERS = {"*": {"vnpay": {"tmn_code": "X", "secret_env": "NONE"}}}
    dossier = _waiting(world)
    client.force_login(world["receiver"])
    _refused_back_to_the_dossier(client, dossier, "chưa nhận thanh toán qua VietQR")
