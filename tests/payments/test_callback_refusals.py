"""What forged callbacks cost: a body is read up to a bound, a refused one leaves its first KB,
its size and its SHA-256 (never all of it), and an address whose callbacks keep being refused
gets 429 without anything being stored."""

from __future__ import annotations

import hashlib
import json

import pytest

from motcua.payments import callbacks
from motcua.payments.models import PaymentEvent
from motcua.payments.statements import webhook_signature

IPN = "/thanh-toan/vnpay/ipn/"
HOOK = "/thanh-toan/ngan-hang/thong-bao/"
CONFIRM = "/thanh-toan/quoc-gia/xac-nhan/"


@pytest.fixture(autouse=True)
def _bank_secret(settings, db):
    settings.BANK_WEBHOOK_SECRET = "bi-mat-ngan-hang"


def _post(client, url: str, body: bytes, address: str = "203.0.113.9", **headers: str):
    return client.post(url, body, content_type="application/json", headers=headers,
                       REMOTE_ADDR=address)  # fmt: skip


def test_a_two_megabyte_forged_notification_is_refused_with_413_and_stored_as_its_size(
    client, announced
):
    huge = b'{"transactions": [' + b" " * (2 * 1024 * 1024) + b"]}"
    answer = _post(client, HOOK, huge, **{"X-Signature": "00"})
    assert answer.status_code == 413
    event = PaymentEvent.objects.get()
    assert event.outcome == "too_large" and event.payload["size"] == len(huge)
    assert len(json.dumps(event.payload)) < 200
    assert announced[0]["detail"]["outcome"] == "too_large"
    national = _post(client, CONFIRM, huge)
    assert national.status_code == 413 and national.json()["MaLoi"] == "99"
    ipn = client.get(IPN + "?vnp_TxnRef=" + "A" * (callbacks.MAX_BYTES + 1))
    assert ipn.status_code == 413 and ipn.json()["RspCode"] == "99"
    assert PaymentEvent.objects.filter(outcome="too_large").count() == 3


def test_a_forged_notification_leaves_its_start_size_and_hash(client, announced):
    body = json.dumps({"transactions": [], "padding": "x" * 10_000}).encode()
    assert _post(client, HOOK, body, **{"X-Signature": "00"}).status_code == 403
    event = PaymentEvent.objects.get()
    assert event.outcome == "bad_signature" and event.remote_address == "203.0.113.9"
    assert event.payload == {
        "excerpt": body[: callbacks.KEPT_BYTES].decode(),
        "size": len(body),
        "sha256": hashlib.sha256(body).hexdigest(),
    }
    assert announced[0]["event"] == "payment.callback_refused"
    detail = {"provider": "vietqr", "outcome": "bad_signature", "size": len(body),
              "sha256": event.payload["sha256"]}  # fmt: skip
    assert announced[0]["detail"] == detail


def test_an_address_refused_too_often_gets_429_and_stores_nothing(client, monkeypatch, announced):
    monkeypatch.setattr(callbacks, "REFUSALS", 3)
    for _ in range(3):
        assert _post(client, HOOK, b"{}", **{"X-Signature": "00"}).status_code == 403
        assert client.get(IPN, {"vnp_TxnRef": "x"}, REMOTE_ADDR="198.51.100.7").json()[
            "RspCode"
        ] == "97"  # fmt: skip
    stored = PaymentEvent.objects.count()
    throttled = _post(client, HOOK, b"{}", **{"X-Signature": "00"})
    assert throttled.status_code == 429 and int(throttled["Retry-After"]) > 0
    assert _post(client, CONFIRM, b"{}").status_code == 429  # every callback, same address
    assert client.get(IPN, {"vnp_TxnRef": "x"}, REMOTE_ADDR="198.51.100.7").status_code == 429
    assert PaymentEvent.objects.count() == stored and len(announced) == stored
    # Another address (the bank's server) is still heard.
    body = json.dumps({"transactions": []}).encode()
    signed = webhook_signature(body, "bi-mat-ngan-hang")
    genuine = _post(client, HOOK, body, address="192.0.2.1", **{"X-Signature": signed})
    assert genuine.status_code == 200


def test_genuine_refusals_are_kept_whole_and_never_throttled(client, monkeypatch):
    monkeypatch.setattr(callbacks, "REFUSALS", 1)
    line = {"id": "FT1", "amount": 1000, "description": "MC2222222222222Z",
            "bank": "970418", "account": "1234567890"}  # fmt: skip
    body = json.dumps({"transactions": [line]}).encode()
    signed = webhook_signature(body, "bi-mat-ngan-hang")
    for _ in range(3):  # the bank retries a transfer to an order we do not know
        answer = _post(client, HOOK, body, **{"X-Signature": signed})
        assert answer.json() == {"outcomes": {"unknown_order": 1}}
    assert PaymentEvent.objects.filter(outcome="unknown_order").count() == 3
    assert PaymentEvent.objects.first().payload["transaction"] == "FT1"
