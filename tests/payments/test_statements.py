"""VietQR transfers are confirmed by the bank: a statement file or the bank's signed
notification; each line is matched by reference and amount and credits once."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from motcua.dossiers.models import Dossier
from motcua.dossiers.workflow import Status
from motcua.payments.models import Payment
from motcua.payments.services import start_payment
from motcua.payments.statements import webhook_signature

from .test_crediting import _waiting

HOOK = "/thanh-toan/ngan-hang/thong-bao/"
# The development collecting account (providers._development): the agency's own.
OWN = ("--bank", "970418", "--account", "1234567890")


def _qr_payment(world, amount: int = 15000) -> Payment:
    return start_payment(dossier=_waiting(world, amount), provider="vietqr", by=world["citizen"])


def test_a_statement_credits_the_matching_transfers_once(world, tmp_path):
    paid, short = _qr_payment(world), _qr_payment(world)
    statement = tmp_path / "sao-ke.csv"
    statement.write_text(
        "\ufefftransaction,amount,description\n"
        f"FT2612040001,15.000,CK {paid.reference.lower()} thanh toan le phi\n"
        f"FT2612040002,10000,{short.reference} nop thieu\n"
        "FT2612040003,50000,chuyen tien khong ghi ma\n"
        "FT2612040004,-20000,phi ngan hang\n"
        "FT2612040005,abc,dong hong\n",
        encoding="utf-8",
    )
    out, err = StringIO(), StringIO()
    call_command("import_statement", str(statement), *OWN, stdout=out, stderr=err)
    assert "accepted: 1" in out.getvalue() and "wrong_amount: 1" in out.getvalue()
    assert "unknown_order: 1" in out.getvalue() and "line 6" in err.getvalue()
    assert Payment.objects.get(pk=paid.pk).status == "paid"
    assert Payment.objects.get(pk=short.pk).status == "pending"
    assert Dossier.objects.get(pk=paid.dossier_id).status == Status.PROCESSING
    again = StringIO()
    call_command("import_statement", str(statement), *OWN, stdout=again, stderr=StringIO())
    assert "accepted" not in again.getvalue()  # the same statement twice credits nothing more
    with pytest.raises(CommandError):
        call_command("import_statement", str(tmp_path / "missing.csv"), *OWN)


def test_the_banks_signed_notification_credits_and_a_forged_one_is_refused(client, world, settings):
    settings.BANK_WEBHOOK_SECRET = "bi-mat-ngan-hang"
    payment = _qr_payment(world)
    body = json.dumps(
        {
            "transactions": [
                {
                    "id": "FT1",
                    "amount": 15000,
                    "description": payment.reference,
                    "bank": "970418",
                    "account": "1234567890",
                }
            ]
        }
    ).encode()
    forged = client.post(HOOK, body, content_type="application/json", headers={"X-Signature": "00"})
    assert forged.status_code == 403
    assert Payment.objects.get(pk=payment.pk).status == "pending"
    signature = webhook_signature(body, "bi-mat-ngan-hang")
    answer = client.post(HOOK, body, content_type="application/json",
                         headers={"X-Signature": signature})  # fmt: skip
    assert answer.json() == {"outcomes": {"accepted": 1}}
    replay = client.post(HOOK, body, content_type="application/json",
                         headers={"X-Signature": signature})  # fmt: skip
    assert replay.json() == {"outcomes": {"already_paid": 1}}
    odd = b'{"transactions": [{"id": 1, "amount": "x"}]}'
    assert client.post(HOOK, odd, content_type="application/json",
                       headers={"X-Signature": webhook_signature(odd, "bi-mat-ngan-hang")}
                       ).status_code == 400  # fmt: skip
    settings.BANK_WEBHOOK_SECRET = ""
    assert client.post(HOOK, body, content_type="application/json",
                       headers={"X-Signature": signature}).status_code == 403  # fmt: skip
