"""A payment stuck pending at the national payment platform (its confirmation never reached us)
is asked about by the periodic job with a signed QUERY; a genuine answer credits it once or
closes it, anything else changes nothing and is kept."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from django.urls import reverse
from django.utils import timezone

from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.workflow import Action, Status
from motcua.payments import national, pending, sandbox
from motcua.payments.models import Payment, PaymentEvent
from motcua.payments.pending import query_national, reconcile_pending
from motcua.payments.services import start_payment

from .test_crediting import _waiting

SECRET = "platform-secret"
QUERY_URL = "https://thanhtoan.dichvucong.test/api/query"
T0 = timezone.now().replace(microsecond=0) - timedelta(minutes=3)
LATER = T0 + timedelta(minutes=20)


@pytest.fixture(autouse=True)
def _clock_of_this_test():
    """T0 and LATER from each test's own start: taken once at import, a test run 20 minutes
    after collection (a long parallel suite) paid its payment after LATER, and failed."""
    global T0, LATER
    T0 = timezone.now().replace(microsecond=0) - timedelta(minutes=3)
    LATER = T0 + timedelta(minutes=20)


@dataclass
class Platform:
    """The platform as the job meets it: the QUERY messages it got, and what it answers (the
    fields of a signed answer; None when it cannot be reached)."""

    result: dict[str, Any] | None = field(default_factory=lambda: {"MaLoi": "01"})
    secret: str = SECRET
    tamper: Callable[[dict[str, Any]], Any] = lambda answer: answer  # a forger on the way
    asked: list[tuple[str, dict[str, str], str]] = field(default_factory=list)

    def post(self, url: str, body: dict[str, str], token: str = "") -> Any:
        self.asked.append((url, body, token))
        if self.result is None:
            return None
        about = {"MaDoiTac": body["MaDoiTac"], "MaThamChieu": body["MaThamChieu"]}
        return self.tamper(national.query_answer({**about, **self.result}, self.secret))


@pytest.fixture
def platform(settings, monkeypatch) -> Platform:
    settings.PAYMENT_PROVIDERS = {
        "*": {
            "national": {
                "partner_code": "HNI01",
                "secret_env": "MOTCUA_TEST_PLATFORM_SECRET",
                "token_env": "MOTCUA_TEST_PLATFORM_TOKEN",
                "url": "https://thanhtoan.dichvucong.test/api/init",
                "query_url": QUERY_URL,
            }
        }
    }
    monkeypatch.setenv("MOTCUA_TEST_PLATFORM_SECRET", SECRET)
    monkeypatch.setenv("MOTCUA_TEST_PLATFORM_TOKEN", "access-token")
    fake = Platform()
    monkeypatch.setattr(pending, "post_json", fake.post)
    return fake


def _stuck(world) -> Payment:
    return start_payment(dossier=_waiting(world), provider="national", by=None, at=T0)


def _paid(**extra: Any) -> dict[str, Any]:
    return {"MaLoi": "00", "SoTien": 8000, "MaGiaoDich": "GD42", "ThoiGianGD": "20260930143500",
            "MaNganHang": "VCB", **extra}  # fmt: skip


def _queries(payment: Payment) -> list[str]:
    return list(
        payment.events.filter(kind=PaymentEvent.Kind.QUERY).values_list("outcome", flat=True)
    )


def test_a_query_answer_is_signed_like_a_confirmation_computed_by_hand():
    fields = {"MaLoi": "00", "MaDoiTac": "HNI01", "MaThamChieu": "MCX", "SoTien": 8000,
              "MaGiaoDich": "GD42"}  # fmt: skip
    answer = national.query_answer(fields, SECRET)
    text = "QUERY|00|HNI01|MCX|8000||GD42|||" + "|" + SECRET
    assert answer["MaXacThuc"] == hashlib.sha256(text.encode()).hexdigest()
    assert national.verify_query_answer(answer, SECRET)
    no_outcome = national.query_answer({"MaLoi": "01", "MaDoiTac": "HNI01", "MaThamChieu": "MCX"},
                                       SECRET)  # fmt: skip
    assert national.verify_query_answer(no_outcome, SECRET)  # no amount while nothing was paid
    assert not national.verify_query_answer({**no_outcome, "MaLoi": "00"}, SECRET)
    amounts = [national.amount_in_dong({"SoTien": v}) for v in (8000, "8000", "8.000", True, "")]
    assert amounts == [8000, 8000, None, None, None]


def test_the_query_is_signed_names_the_init_time_and_carries_the_bearer_token(
    world, platform, monkeypatch
):
    from motcua.payments import providers

    inits: list[dict[str, Any]] = []
    page = {"UrlThanhToan": "https://thanhtoan.dichvucong.test/pay"}
    monkeypatch.setattr(providers, "post_json", lambda url, body, token: inits.append(body) or page)
    payment = _stuck(world)  # created at T0, its INIT sent minutes later (a retry)
    providers.national_redirect(payment, ip="203.0.113.7")
    reconcile_pending(LATER)
    [(url, body, token)] = platform.asked
    assert (url, token) == (QUERY_URL, "access-token")
    assert body["LoaiBanTin"] == "QUERY" and body["MaThamChieu"] == payment.reference
    assert body["ThoiGianGD"] == inits[0]["ThoiGianGD"] == national.format_time(T0)
    assert national.verify_query(body, SECRET) and not national.verify_query(body, "other")


def test_a_payment_paid_at_the_platform_whose_confirmation_was_lost_is_credited_once(
    world, platform
):
    payment = _stuck(world)
    platform.result = _paid()
    assert reconcile_pending(T0 + timedelta(minutes=5)) == {}  # the citizen may still be paying
    assert reconcile_pending(LATER) == {"accepted": 1}
    assert reconcile_pending(LATER) == {}  # nothing pending any more
    assert query_national(payment, LATER) == "already_paid"  # asked again: nothing more
    paid = Payment.objects.get(pk=payment.pk)
    assert (paid.status, paid.provider_transaction) == ("paid", "GD42")
    assert paid.receipt_number
    assert _queries(paid) == ["accepted", "already_paid"]
    dossier = Dossier.objects.get(pk=payment.dossier_id)
    assert dossier.status == Status.PROCESSING
    confirmed = DossierEvent.objects.filter(dossier=dossier, action=Action.CONFIRM_PAYMENT)
    assert confirmed.count() == 1


def test_the_late_confirmation_after_the_query_changes_nothing(client, world, platform):
    payment = _stuck(world)
    platform.result = _paid()
    assert reconcile_pending(LATER) == {"accepted": 1}
    late = national.confirm_message(
        result_code="00", partner_code="HNI01", reference=payment.reference, amount=8000,
        transaction_id="GD42", paid_at=LATER, description="x", secret=SECRET,
    )  # fmt: skip
    credited = Payment.objects.get(pk=payment.pk)
    answer = client.post("/thanh-toan/quoc-gia/xac-nhan/", late, content_type="application/json")
    assert answer.json() == {"MaLoi": "02"}
    again = Payment.objects.get(pk=payment.pk)
    assert (again.receipt_number, again.paid_at) == (credited.receipt_number, credited.paid_at)
    told = payment.events.exclude(kind=PaymentEvent.Kind.CREATED).values_list("kind", "outcome")
    assert list(told) == [("query", "accepted"), ("callback", "already_paid")]


@pytest.mark.parametrize(
    ("code", "status"), [("24", "cancelled"), ("51", "failed"), ("99", "failed")]
)
def test_a_payment_the_platform_says_failed_is_closed_and_the_dossier_still_waits(
    world, platform, code, status
):
    payment = _stuck(world)
    platform.result = {"MaLoi": code, "SoTien": 8000}
    assert reconcile_pending(LATER) == {"failed": 1}
    assert Payment.objects.get(pk=payment.pk).status == status
    assert _queries(payment) == ["failed"]
    assert Dossier.objects.get(pk=payment.dossier_id).status == Status.PAYMENT_REQUESTED
    # The citizen may pay again: a new payment, not the closed one.
    again = start_payment(dossier=payment.dossier, provider="national", by=None)
    assert again.pk != payment.pk and again.status == "pending"


def test_a_payment_the_platform_has_no_outcome_for_stays_pending_and_is_asked_again(
    world, platform
):
    payment = _stuck(world)
    assert reconcile_pending(LATER) == {"not_found": 1}
    assert reconcile_pending(LATER + timedelta(minutes=5)) == {"not_found": 1}
    assert Payment.objects.get(pk=payment.pk).status == "pending"
    assert reconcile_pending(T0 + timedelta(days=1, minutes=1)) == {}  # given up: an officer looks


@pytest.mark.parametrize(
    "forge",
    [
        lambda answer: {**answer, "MaXacThuc": national.query_answer(answer, "guess")["MaXacThuc"]},
        lambda answer: {**answer, "SoTien": 1},
        lambda answer: {**answer, "MaGiaoDich": "GD43"},
        lambda answer: {k: v for k, v in answer.items() if k != "MaXacThuc"},
        lambda answer: "<html>502 Bad Gateway</html>",
    ],
)
def test_a_forged_answer_changes_nothing_and_is_kept_as_a_bad_signature(world, platform, forge):
    payment = _stuck(world)
    platform.result, platform.tamper = _paid(), forge
    assert reconcile_pending(LATER) == {"bad_signature": 1}
    assert Payment.objects.get(pk=payment.pk).status == "pending"
    assert Dossier.objects.get(pk=payment.dossier_id).status == Status.PAYMENT_REQUESTED
    [event] = payment.events.filter(kind=PaymentEvent.Kind.QUERY)
    assert event.outcome == "bad_signature" and "answer" in event.payload


def test_an_answer_signed_with_another_secret_is_refused(world, platform):
    payment = _stuck(world)
    platform.result, platform.secret = _paid(), "not-our-secret"
    assert reconcile_pending(LATER) == {"bad_signature": 1}
    assert Payment.objects.get(pk=payment.pk).status == "pending"


def test_a_genuine_answer_about_another_payment_says_nothing_of_this_one(world, platform):
    payment = _stuck(world)
    other = _stuck(world)
    platform.result = _paid(MaThamChieu=other.reference)
    assert query_national(payment, LATER) == "unknown_order"
    assert Payment.objects.get(pk=payment.pk).status == "pending"
    assert _queries(payment) == ["unknown_order"]


def test_an_unreachable_platform_leaves_the_payment_pending_with_an_event(world, platform):
    payment = _stuck(world)
    platform.result = None
    assert reconcile_pending(LATER) == {"unreachable": 1}
    assert Payment.objects.get(pk=payment.pk).status == "pending"
    assert _queries(payment) == ["unreachable"]


def test_post_json_sends_the_bearer_token_and_is_none_when_unreachable(monkeypatch):
    sent: list[dict[str, Any]] = []

    def down(url: str, **kwargs: Any) -> Any:
        sent.append(kwargs)
        raise requests.ConnectionError("connection refused")

    monkeypatch.setattr(requests, "post", down)
    assert pending.post_json(QUERY_URL, {"LoaiBanTin": "QUERY"}, "access-token") is None
    assert sent[0]["headers"] == {"Authorization": "Bearer access-token"}
    assert sent[0]["json"] == {"LoaiBanTin": "QUERY"}


def test_without_a_query_url_the_platform_is_not_asked(world, platform, settings):
    del settings.PAYMENT_PROVIDERS["*"]["national"]["query_url"]
    payment = _stuck(world)
    assert reconcile_pending(LATER) == {"not_configured": 1}
    assert platform.asked == [] and _queries(payment) == []


# --- the local sandbox's platform, over its real views --------------------------------------


@pytest.fixture
def over_http(client, monkeypatch) -> None:
    """INIT and QUERY reach the sandbox through the test client; its confirmation is lost."""
    from motcua.payments import providers

    def post(url: str, body: dict[str, Any], token: str = "") -> Any:
        return client.post(urlsplit(url).path, body, content_type="application/json").json()

    monkeypatch.setattr(providers, "post_json", post)
    monkeypatch.setattr(pending, "post_json", post)
    monkeypatch.setattr(sandbox, "deliver_confirm", lambda url, message: None)


def _pay_at_sandbox(client, world, action: str) -> Payment:
    dossier = _waiting(world)
    client.force_login(world["citizen"])
    chosen = client.post(reverse("portal:pay", args=[dossier.code]), {"provider": "national"})
    assert chosen.status_code == 302 and "/hop-thu-thanh-toan/national/" in chosen.url
    reference = dict(parse_qsl(urlsplit(chosen.url).query))["ma"]
    if action:
        client.post("/hop-thu-thanh-toan/national/", {"ma": reference, "action": action})
    return Payment.objects.get(reference=reference)


def test_the_sandbox_answers_the_query_so_a_lost_confirmation_is_recovered(
    client, world, over_http
):
    payment = _pay_at_sandbox(client, world, "pay")
    assert payment.status == "pending"  # the confirmation was lost
    assert reconcile_pending(timezone.now()) == {}  # too young to ask about
    assert reconcile_pending(timezone.now() + timedelta(minutes=20)) == {"accepted": 1}
    assert Payment.objects.get(pk=payment.pk).status == "paid"
    assert Dossier.objects.get(pk=payment.dossier_id).status == Status.PROCESSING


def test_the_sandbox_reports_a_cancelled_payment_and_one_not_acted_on(client, world, over_http):
    cancelled = _pay_at_sandbox(client, world, "cancel")
    untouched = _pay_at_sandbox(client, world, "")
    outcomes = reconcile_pending(timezone.now() + timedelta(minutes=20))
    assert outcomes == {"failed": 1, "not_found": 1}
    assert Payment.objects.get(pk=cancelled.pk).status == "cancelled"
    assert Payment.objects.get(pk=untouched.pk).status == "pending"


def test_the_sandbox_refuses_an_unsigned_query_and_can_be_switched_off(client, settings):
    url = "/hop-thu-thanh-toan/national/query/"
    query = national.query_message(partner_code="MOTCUA", reference="MCX", secret="wrong",
                                   transaction_time=timezone.now())  # fmt: skip
    answer = client.post(url, query, content_type="application/json").json()
    assert answer["MaLoi"] == "97" and "MaXacThuc" not in answer
    settings.PAYMENT_SANDBOX_ENABLED = False
    assert client.post(url, query, content_type="application/json").status_code == 404
