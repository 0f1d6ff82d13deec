"""A callback credits a payment only for the agency the payment belongs to: signed with that
agency's own secret, naming its own merchant code, or (a bank transfer) received on its own
account. Two wards collect through their own VNPay merchants, platform partner codes and bank
accounts; every callback below is genuinely signed by one of them and names the other's
payment."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from motcua.payments import national, vnpay
from motcua.payments.models import Payment, PaymentEvent
from motcua.payments.reconciliation import reconcile
from motcua.payments.services import start_payment
from motcua.payments.statements import webhook_signature

from .test_crediting import _waiting

IPN = "/thanh-toan/vnpay/ipn/"
RETURN = "/thanh-toan/vnpay/ket-qua/"
HOOK = "/thanh-toan/ngan-hang/thong-bao/"
CONFIRM = "/thanh-toan/quoc-gia/xac-nhan/"
HOAN_KIEM, BA_DINH = "000.01.99.H26", "000.02.99.H26"  # the world's two wards


def _agency(tmn: str, secret_env: str, bin_: str, account: str, partner: str) -> dict:
    return {
        "vnpay": {"tmn_code": tmn, "secret_env": secret_env, "url": "https://pay.example/"},
        "vietqr": {"bin": bin_, "account": account, "account_name": "UBND"},
        "national": {"partner_code": partner, "secret_env": secret_env, "url": "https://x/"},
    }


@pytest.fixture
def two_wards(settings, monkeypatch):
    """Hoàn Kiếm and Ba Đình, each with its merchant code, secret and account."""
    monkeypatch.setenv("SECRET_HK", "bi-mat-hoan-kiem")
    monkeypatch.setenv("SECRET_BD", "bi-mat-ba-dinh")
    settings.PAYMENT_PROVIDERS = {
        HOAN_KIEM: _agency("HOANKIEM1", "SECRET_HK", "970418", "1111111111", "HNHK01"),
        BA_DINH: _agency("BADINH1", "SECRET_BD", "970415", "2222222222", "HNBD01"),
    }
    return settings


def _ipn(payment: Payment, tmn: str, secret: str, **changes: str) -> dict[str, str]:
    params = {
        "vnp_TmnCode": tmn, "vnp_TxnRef": payment.reference,
        "vnp_Amount": str(payment.amount * 100), "vnp_ResponseCode": "00",
        "vnp_TransactionStatus": "00", "vnp_TransactionNo": "14226112",
        "vnp_BankCode": "NCB", "vnp_PayDate": "20261204101500", "vnp_OrderInfo": "x",
        **changes,
    }  # fmt: skip
    params["vnp_SecureHash"] = vnpay.sign(params, secret)
    return params


def _hoan_kiem_payment(world, provider: str) -> Payment:
    payment = start_payment(dossier=_waiting(world, 15000), provider=provider, by=None)
    assert payment.agency.electronic_id == HOAN_KIEM
    return payment


def _outcomes() -> list[str]:
    return list(PaymentEvent.objects.filter(kind="callback").values_list("outcome", flat=True))


def test_an_ipn_signed_by_another_agencys_merchant_is_refused_as_unsigned(
    client, world, two_wards, announced
):
    payment = _hoan_kiem_payment(world, "vnpay")
    # Ba Đình's merchant code and Ba Đình's real secret, naming Hoàn Kiếm's payment.
    forged = _ipn(payment, "BADINH1", "bi-mat-ba-dinh")
    assert client.get(IPN, forged).json()["RspCode"] == "97"
    assert Payment.objects.get(pk=payment.pk).status == "pending"
    event = PaymentEvent.objects.get(kind="callback")
    assert event.outcome == "bad_signature" and event.payload["size"] > 0
    assert len(event.payload["sha256"]) == 64
    assert [e["event"] for e in announced] == ["payment.callback_refused"]
    # A cancellation signed the same way closes nothing either.
    assert client.get(IPN, _ipn(payment, "BADINH1", "bi-mat-ba-dinh",
                                vnp_ResponseCode="24")).json()["RspCode"] == "97"  # fmt: skip
    assert Payment.objects.get(pk=payment.pk).status == "pending"
    # Hoàn Kiếm's own merchant and secret credit it.
    assert client.get(IPN, _ipn(payment, "HOANKIEM1", "bi-mat-hoan-kiem")).json()["RspCode"] == "00"
    assert Payment.objects.get(pk=payment.pk).status == "paid"


def test_an_ipn_naming_another_merchant_code_is_refused_even_with_the_right_secret(
    client, world, two_wards, monkeypatch, announced
):
    # Both merchants were given the same secret (a copy-paste in the configuration): the
    # signature verifies, but the IPN is Ba Đình's merchant's, not Hoàn Kiếm's.
    monkeypatch.setenv("SECRET_BD", "bi-mat-hoan-kiem")
    payment = _hoan_kiem_payment(world, "vnpay")
    for code in ("00", "24"):
        wrong = _ipn(payment, "BADINH1", "bi-mat-hoan-kiem", vnp_ResponseCode=code)
        assert client.get(IPN, wrong).json()["RspCode"] == "01"
    assert Payment.objects.get(pk=payment.pk).status == "pending"
    refused = PaymentEvent.objects.filter(outcome="wrong_payee")
    assert refused.count() == 2 and all(e.payment_id == payment.pk for e in refused)
    assert refused[0].payload["vnp_TmnCode"] == "BADINH1"
    assert {e["target"] for e in announced} == {f"payment:{payment.reference}"}
    assert {e["detail"]["outcome"] for e in announced} == {"wrong_payee"}
    # The return page does not present it as this payment's outcome either.
    page = client.get(RETURN, _ipn(payment, "BADINH1", "bi-mat-hoan-kiem"))
    assert page.status_code == 400 and page.context["payment"] is None


def test_a_transfer_to_another_agencys_account_does_not_credit(
    client, world, two_wards, settings, announced
):
    settings.BANK_WEBHOOK_SECRET = "bi-mat-ngan-hang"
    payment = _hoan_kiem_payment(world, "vietqr")

    def notify(bank: str, account: str, ident: str) -> dict:
        line = {"id": ident, "amount": 15000, "description": f"CK {payment.reference}",
                "bank": bank, "account": account}  # fmt: skip
        body = json.dumps({"transactions": [line]}).encode()
        signature = webhook_signature(body, "bi-mat-ngan-hang")
        return client.post(HOOK, body, content_type="application/json",
                           headers={"X-Signature": signature}).json()  # fmt: skip

    # Money received on Ba Đình's account, or on Hoàn Kiếm's number at another bank.
    assert notify("970415", "2222222222", "FT1") == {"outcomes": {"wrong_payee": 1}}
    assert notify("970415", "1111111111", "FT2") == {"outcomes": {"wrong_payee": 1}}
    assert Payment.objects.get(pk=payment.pk).status == "pending"
    event = PaymentEvent.objects.filter(outcome="wrong_payee").first()
    assert event.payment_id == payment.pk and event.payload["account"] == "2222222222"
    assert [e["detail"]["outcome"] for e in announced] == ["wrong_payee", "wrong_payee"]
    # The collecting unit sees them among the day's mismatches, to sort out with the other.
    (row,) = reconcile([payment.agency], timezone.localdate(event.at))
    assert row.mismatched == 2
    # A notification without the receiving account is not one we can bind: 400.
    bare = json.dumps({"transactions": [{"id": "FT3", "amount": 15000,
                                         "description": payment.reference}]}).encode()  # fmt: skip
    assert client.post(HOOK, bare, content_type="application/json",
                       headers={"X-Signature": webhook_signature(bare, "bi-mat-ngan-hang")}
                       ).status_code == 400  # fmt: skip
    assert notify("970418", "1111111111", "FT4") == {"outcomes": {"accepted": 1}}


def test_a_statement_of_another_agencys_account_does_not_credit(world, two_wards, tmp_path):
    payment = _hoan_kiem_payment(world, "vietqr")
    statement = tmp_path / "sao-ke.csv"
    statement.write_text(f"transaction,amount,description\nFT1,15000,{payment.reference}\n")
    out = StringIO()
    call_command("import_statement", str(statement), "--bank", "970415",
                 "--account", "2222222222", stdout=out)  # fmt: skip
    assert "wrong_payee: 1" in out.getvalue()
    assert Payment.objects.get(pk=payment.pk).status == "pending"
    out = StringIO()
    call_command("import_statement", str(statement), "--bank", "970418",
                 "--account", "1111111111", stdout=out)  # fmt: skip
    assert "accepted: 1" in out.getvalue()


def _confirm(payment: Payment, partner: str, secret: str) -> dict:
    return national.confirm_message(
        result_code="00", partner_code=partner, reference=payment.reference,
        amount=payment.amount, transaction_id="NP1", paid_at=payment.created_at,
        description="x", secret=secret,
    )  # fmt: skip


def test_a_national_confirmation_for_another_partner_does_not_credit(
    client, world, two_wards, monkeypatch
):
    payment = _hoan_kiem_payment(world, "national")
    other = _confirm(payment, "HNBD01", "bi-mat-ba-dinh")
    assert client.post(CONFIRM, other, content_type="application/json").json()["MaLoi"] == "97"
    monkeypatch.setenv("SECRET_BD", "bi-mat-hoan-kiem")  # the same secret for both partners
    shared = _confirm(payment, "HNBD01", "bi-mat-hoan-kiem")
    assert client.post(CONFIRM, shared, content_type="application/json").json()["MaLoi"] == "01"
    assert Payment.objects.get(pk=payment.pk).status == "pending"
    assert _outcomes() == ["bad_signature", "wrong_payee"]
    own = _confirm(payment, "HNHK01", "bi-mat-hoan-kiem")
    assert client.post(CONFIRM, own, content_type="application/json").json()["MaLoi"] == "00"
    assert Payment.objects.get(pk=payment.pk).status == "paid"
