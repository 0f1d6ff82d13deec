"""A whole online payment on this machine: the citizen chooses VNPay, the local sandbox shows
its page, paying sends a signed IPN that alone credits the payment, and the citizen lands on
the return page. Forged, replayed, unknown and wrong-amount IPNs change nothing."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import reverse

from motcua.dossiers.models import Dossier
from motcua.dossiers.workflow import Status
from motcua.payments import providers, sandbox, vietqr, vnpay
from motcua.payments.models import Payment, PaymentEvent

from .test_crediting import _waiting

IPN = "/thanh-toan/vnpay/ipn/"


@pytest.fixture
def ipn_through(client, monkeypatch):
    """The sandbox's server-to-server IPN, sent through the test client; answers kept."""
    answers: list[dict] = []

    def deliver(url: str, params: dict) -> dict:
        answer = client.get(urlsplit(url).path, params).json()
        answers.append(answer)
        return answer

    monkeypatch.setattr(sandbox, "deliver_ipn", deliver)
    return answers


def _local(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def _to_sandbox(client, world, amount: int = 8000) -> tuple[Dossier, str]:
    dossier = _waiting(world, amount)
    client.force_login(world["citizen"])
    page = client.get(reverse("portal:pay", args=[dossier.code]))
    assert page.status_code == 200 and "8.000" in page.content.decode()
    chosen = client.post(reverse("portal:pay", args=[dossier.code]), {"provider": "vnpay"})
    assert chosen.status_code == 302 and "/hop-thu-thanh-toan/vnpay/" in chosen.url
    return dossier, _local(chosen.url)


def test_paying_through_the_sandbox_credits_the_dossier_by_the_ipn_alone(
    client, world, ipn_through
):
    dossier, at_sandbox = _to_sandbox(client, world)
    shown = client.get(at_sandbox)
    assert shown.status_code == 200 and "8.000" in shown.content.decode()
    params = dict(parse_qsl(urlsplit(at_sandbox).query))
    back = client.post("/hop-thu-thanh-toan/vnpay/", {**params, "action": "pay"})
    assert ipn_through == [{"RspCode": "00", "Message": "Confirm Success"}]
    payment = Payment.objects.get(dossier=dossier)
    assert payment.status == "paid" and payment.receipt_number
    assert Dossier.objects.get(pk=dossier.pk).status == Status.PROCESSING
    landing = client.get(_local(back.url))
    assert landing.status_code == 200 and "Giao dịch thành công" in landing.content.decode()
    # The same IPN again (VNPay retries): 02, nothing more.
    result = dict(parse_qsl(urlsplit(back.url).query))
    assert client.get(IPN, result).json()["RspCode"] == "02"
    assert payment.events.filter(kind="callback", outcome="accepted").count() == 1


def test_cancelling_closes_the_payment_and_the_dossier_still_waits(client, world, ipn_through):
    dossier, at_sandbox = _to_sandbox(client, world)
    params = dict(parse_qsl(urlsplit(at_sandbox).query))
    back = client.post("/hop-thu-thanh-toan/vnpay/", {**params, "action": "cancel"})
    assert ipn_through[0]["RspCode"] == "00"
    assert Payment.objects.get(dossier=dossier).status == "cancelled"
    assert Dossier.objects.get(pk=dossier.pk).status == Status.PAYMENT_REQUESTED
    assert "Bạn đã hủy giao dịch" in client.get(_local(back.url)).content.decode()


def _signed_ipn(payment: Payment, **changes: str) -> dict[str, str]:
    params = {
        "vnp_TmnCode": "MOTCUA01", "vnp_TxnRef": payment.reference,
        "vnp_Amount": str(payment.amount * 100), "vnp_ResponseCode": "00",
        "vnp_TransactionStatus": "00", "vnp_TransactionNo": "14226112",
        "vnp_BankCode": "NCB", "vnp_PayDate": "20261204101500", "vnp_OrderInfo": "x",
        **changes,
    }  # fmt: skip
    params["vnp_SecureHash"] = vnpay.sign(params, sandbox.sandbox_secret())
    return params


def test_forged_unknown_and_wrong_amount_ipns_are_refused_and_kept(client, world):
    from motcua.payments.services import start_payment

    payment = start_payment(dossier=_waiting(world), provider="vnpay", by=None)
    forged = _signed_ipn(payment)
    forged["vnp_Amount"] = "100"
    assert client.get(IPN, forged).json()["RspCode"] == "97"
    assert (
        client.get(IPN, _signed_ipn(payment, vnp_TxnRef="MCUNKNOWN0000000")).json()["RspCode"]
        == "01"
    )
    assert client.get(IPN, _signed_ipn(payment, vnp_Amount="100")).json()["RspCode"] == "04"
    assert client.get(IPN, {}).json()["RspCode"] == "97"
    assert Payment.objects.get(pk=payment.pk).status == "pending"
    refused = PaymentEvent.objects.exclude(outcome="accepted").values_list("outcome", flat=True)
    assert sorted(refused) == ["bad_signature", "bad_signature", "unknown_order", "wrong_amount"]
    assert client.get(IPN, _signed_ipn(payment)).json()["RspCode"] == "00"


def test_a_vietqr_payment_shows_the_code_for_the_exact_amount(client, world):
    dossier = _waiting(world, 15000)
    client.force_login(world["citizen"])
    chosen = client.post(reverse("portal:pay", args=[dossier.code]), {"provider": "vietqr"})
    page = client.get(chosen.url)
    body = page.content.decode()
    assert page.status_code == 200 and "<svg" in body and "15.000" in body
    payment = Payment.objects.get(dossier=dossier)
    assert payment.reference in body
    fields = vietqr.parse_payload(providers.vietqr_transfer(payment).payload)
    assert (fields["amount"], fields["bill_number"], fields["currency"]) == (
        15000, dossier.code, "704",
    )  # fmt: skip
    assert fields["purpose"] == payment.reference


def test_bad_choices_and_other_peoples_dossiers(client, world):
    dossier = _waiting(world)
    client.force_login(world["citizen"])
    url = reverse("portal:pay", args=[dossier.code])
    assert client.post(url, {"provider": "bitcoin"}).status_code == 400
    assert client.post(url, {}).status_code == 400
    client.force_login(world["other_citizen"])
    assert client.get(url).status_code == 404
    client.force_login(world["citizen"])
    assert client.get(reverse("portal:pay", args=[world.submit().code])).status_code == 409


def test_the_api_starts_a_payment_once_per_key_and_lists_it(client, world):
    from tests.api.caller import ApiCaller

    dossier = _waiting(world, 15000)
    citizen = ApiCaller.for_user(client, world["citizen"])
    url = f"/dossiers/{dossier.code}/payments"
    first = citizen.post(url, {"provider": "vietqr"}, headers={"Idempotency-Key": "k1"})
    assert first.status_code == 201, first.json()
    body = first.json()
    assert body["amount"] == 15000 and body["vietqr_payload"].startswith("000201")
    again = citizen.post(url, {"provider": "vietqr"}, headers={"Idempotency-Key": "k1"})
    assert again.json()["reference"] == body["reference"]
    redirect = citizen.post(url, {"provider": "vnpay"}).json()
    assert "vnp_SecureHash=" in redirect["redirect_url"]
    listed = citizen.get(url).json()
    assert {p["provider"] for p in listed} == {"vietqr", "vnpay"}
    assert citizen.post(url, {"provider": "bitcoin"}).status_code == 422
    stranger = ApiCaller.for_user(client, world["other_citizen"])
    assert stranger.get(url).status_code == 404


def test_a_parameter_sent_twice_is_not_trusted(client, world):
    from motcua.payments.services import start_payment

    payment = start_payment(dossier=_waiting(world), provider="vnpay", by=None)
    signed = _signed_ipn(payment)
    query = "&".join(f"{k}={v}" for k, v in signed.items()) + "&vnp_Amount=100"
    assert client.get(f"{IPN}?{query}").json()["RspCode"] == "97"
    assert Payment.objects.get(pk=payment.pk).status == "pending"


def test_the_paid_payment_has_a_signed_electronic_receipt_issued_once(client, world):
    from motcua.documents.models import IssuedDocument
    from motcua.documents.services import read
    from motcua.documents.verification import verify_pdf
    from motcua.payments.services import credit, start_payment

    dossier = _waiting(world, 8000)
    payment = start_payment(dossier=dossier, provider="vietqr", by=world["citizen"])
    client.force_login(world["citizen"])
    url = reverse("portal:payment-receipt", args=[dossier.code, payment.reference])
    assert client.get(url).status_code == 404  # not paid yet
    credit(provider="vietqr", reference=payment.reference, amount=8000,
           provider_transaction="FT9", kind=PaymentEvent.Kind.STATEMENT)  # fmt: skip
    first = b"".join(client.get(url).streaming_content)
    assert b"".join(client.get(url).streaming_content) == first
    receipt = IssuedDocument.objects.get(kind="BL")
    assert receipt.number == Payment.objects.get(pk=payment.pk).receipt_number
    assert receipt.owner == world["citizen"] and verify_pdf(read(receipt)).verdict == "valid"
    page = client.get(reverse("portal:payment", args=[dossier.code, payment.reference]))
    assert "Tải biên lai điện tử" in page.content.decode()
    client.force_login(world["other_citizen"])
    assert client.get(url).status_code == 404


@pytest.fixture
def api_through(client, monkeypatch):
    """QueryDR posted to the sandbox through the test client."""
    from motcua.payments import pending

    def post(url: str, body: dict) -> dict:
        return client.post(urlsplit(url).path, body, content_type="application/json").json()

    monkeypatch.setattr(pending, "post_json", post)


def test_a_payment_whose_ipn_was_lost_is_credited_by_the_periodic_query(
    client, world, monkeypatch, api_through
):
    from datetime import timedelta

    from django.utils import timezone

    from motcua.payments.pending import reconcile_pending

    monkeypatch.setattr(sandbox, "deliver_ipn", lambda url, params: None)  # the IPN is lost
    dossier, at_sandbox = _to_sandbox(client, world)
    params = dict(parse_qsl(urlsplit(at_sandbox).query))
    client.post("/hop-thu-thanh-toan/vnpay/", {**params, "action": "pay"})
    payment = Payment.objects.get(dossier=dossier)
    assert payment.status == "pending"
    assert reconcile_pending(timezone.now()) == {}  # too young to ask about
    later = timezone.now() + timedelta(minutes=20)
    assert reconcile_pending(later) == {"accepted": 1}
    assert Payment.objects.get(pk=payment.pk).status == "paid"
    assert Dossier.objects.get(pk=dossier.pk).status == Status.PROCESSING
    assert reconcile_pending(later) == {}  # nothing pending any more


def test_the_query_closes_a_cancelled_payment_and_leaves_an_unknown_one(
    client, world, monkeypatch, api_through
):
    from datetime import timedelta

    from django.utils import timezone

    from motcua.payments.pending import reconcile_pending
    from motcua.payments.services import start_payment

    monkeypatch.setattr(sandbox, "deliver_ipn", lambda url, params: None)
    dossier, at_sandbox = _to_sandbox(client, world)
    params = dict(parse_qsl(urlsplit(at_sandbox).query))
    client.post("/hop-thu-thanh-toan/vnpay/", {**params, "action": "cancel"})
    never_paid = start_payment(dossier=_waiting(world), provider="vnpay", by=None)
    later = timezone.now() + timedelta(minutes=20)
    assert reconcile_pending(later) == {"failed": 1, "not_found": 1}
    assert Payment.objects.get(dossier=dossier).status == "failed"
    assert Payment.objects.get(pk=never_paid.pk).status == "pending"


@pytest.fixture
def national_through(client, monkeypatch):
    """The platform's INIT (our server → platform) and confirmation (platform → our server),
    both through the test client instead of HTTP."""
    from motcua.payments import providers as payment_providers

    answers: list[dict] = []

    def post(url: str, body: dict, token: str = "") -> dict:
        return client.post(urlsplit(url).path, body, content_type="application/json").json()

    def confirm(url: str, message: dict) -> dict:
        answer = post(url, message)
        answers.append(answer)
        return answer

    monkeypatch.setattr(payment_providers, "post_json", post)
    monkeypatch.setattr(sandbox, "deliver_confirm", confirm)
    return answers


def test_paying_through_the_national_platforms_sandbox(client, world, national_through):
    dossier = _waiting(world, 8000)
    client.force_login(world["citizen"])
    chosen = client.post(reverse("portal:pay", args=[dossier.code]), {"provider": "national"})
    assert chosen.status_code == 302 and "/hop-thu-thanh-toan/national/" in chosen.url
    page = client.get(_local(chosen.url))
    assert page.status_code == 200 and "8.000" in page.content.decode()
    reference = dict(parse_qsl(urlsplit(chosen.url).query))["ma"]
    back = client.post("/hop-thu-thanh-toan/national/", {"ma": reference, "action": "pay"})
    assert national_through == [{"MaLoi": "00"}]
    payment = Payment.objects.get(dossier=dossier)
    assert payment.provider == "national" and payment.status == "paid"
    assert Dossier.objects.get(pk=dossier.pk).status == Status.PROCESSING
    assert urlsplit(back.url).path == reverse("portal:payment", args=[dossier.code, reference])


def test_a_forged_or_replayed_national_confirmation_changes_nothing(client, world):
    from motcua.payments import national
    from motcua.payments.services import start_payment

    payment = start_payment(dossier=_waiting(world), provider="national", by=None)
    good = national.confirm_message(
        result_code="00", partner_code="MOTCUA", reference=payment.reference, amount=8000,
        transaction_id="123", paid_at=payment.created_at, description="x",
        secret=sandbox.sandbox_secret(),
    )  # fmt: skip
    url = "/thanh-toan/quoc-gia/xac-nhan/"
    forged = {**good, "SoTien": 1}
    assert client.post(url, forged, content_type="application/json").json()["MaLoi"] == "97"
    assert client.post(url, "nope", content_type="application/json").json()["MaLoi"] == "97"
    assert Payment.objects.get(pk=payment.pk).status == "pending"
    assert client.post(url, good, content_type="application/json").json()["MaLoi"] == "00"
    assert client.post(url, good, content_type="application/json").json()["MaLoi"] == "02"


def test_a_misconfigured_provider_is_a_409_with_a_reason_never_a_500(client, world, settings):
    from tests.api.caller import ApiCaller

    settings.PAYMENT_PROVIDERS = {"*": {"vietqr": {"bin": "12", "account": "x"}}}
    dossier = _waiting(world, 15000)
    client.force_login(world["citizen"])
    page = client.post(reverse("portal:pay", args=[dossier.code]), {"provider": "vietqr"})
    assert page.status_code == 302  # the payment starts; its page says what is wrong
    shown = client.get(page.url)
    assert shown.status_code == 200 and "sự cố cấu hình" in shown.content.decode()
    citizen = ApiCaller.for_user(client, world["citizen"])
    answer = citizen.post(f"/dossiers/{dossier.code}/payments", {"provider": "vietqr"})
    assert answer.status_code == 409 and "sự cố cấu hình" in answer.json()["detail"]
    assert citizen.get(f"/dossiers/{dossier.code}/payments").status_code == 200
