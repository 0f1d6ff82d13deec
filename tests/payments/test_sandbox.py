"""The local VNPay sandbox: a browser pays or cancels, the IPN and the return are signed."""

from __future__ import annotations

import socket
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import Client
from django.urls import include, path
from django.utils import timezone

from motcua.payments import sandbox, vnpay
from motcua.urls import urlpatterns as project_urlpatterns

# Mounted here as the project will mount it; base.html still needs the project's own URLs.
urlpatterns = [
    path("hop-thu-thanh-toan/", include("motcua.payments.sandbox")),
    *project_urlpatterns,
]
pytestmark = pytest.mark.urls(__name__)

PAGE = "/hop-thu-thanh-toan/vnpay/"
RETURN_URL = "http://127.0.0.1:8000/thanh-toan/vnpay/ket-qua/"


class _Form(HTMLParser):
    """The inputs a browser would submit from the page's form, without JavaScript."""

    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.fields: list[tuple[str, str]] = []
        self.buttons: dict[str, tuple[str, str]] = {}
        self._button: tuple[str, str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and attributes.get("method") == "post":
            self.action = attributes.get("action") or ""
        elif tag == "input" and attributes.get("type") == "hidden":
            self.fields.append((attributes["name"], attributes.get("value") or ""))
        elif tag == "button":
            self._button = (attributes["name"], attributes["value"])

    def handle_data(self, data):
        if self._button and data.strip():
            self.buttons[data.strip()] = self._button
            self._button = None


def _signed(secret: str = "sandbox-secret", **overrides) -> dict[str, str]:
    fields = {
        "tmn_code": "MOTCUA01",
        "hash_secret": secret,
        "txn_ref": "K7QM2XH9",
        "amount": 150_000,
        "order_info": "Lệ phí hồ sơ 000.00.01.H26-260930-0012",
        "return_url": RETURN_URL,
        "ip": "127.0.0.1",
        "created_at": timezone.now(),
    }
    fields.update(overrides)
    return vnpay.payment_params(**fields)


@pytest.fixture
def delivered(monkeypatch) -> list[tuple[str, dict[str, str]]]:
    calls: list[tuple[str, dict[str, str]]] = []

    def capture(url, params):
        calls.append((url, dict(params)))
        return {"RspCode": "00", "Message": "Confirm Success"}

    monkeypatch.setattr(sandbox, "deliver_ipn", capture)
    return calls


def _submit(client: Client, params: dict[str, str], button: str):
    """Load the page, then press ``button`` like a browser: every hidden field, the CSRF token."""
    page = client.get(PAGE, params)
    assert page.status_code == 200
    form = _Form()
    form.feed(page.content.decode())
    name, value = form.buttons[button]
    return client.post(form.action, dict([*form.fields, (name, value)]))


def _returned(response) -> dict[str, str]:
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(RETURN_URL + "?")
    return dict(parse_qsl(urlsplit(location).query, keep_blank_values=True))


def test_a_signed_request_shows_the_amount_and_both_buttons():
    response = Client().get(PAGE, _signed())
    assert response.status_code == 200
    html = response.content.decode()
    assert "150.000 đồng" in html
    assert "Le phi ho so 000.00.01.H26-260930-0012" in html
    assert "K7QM2XH9" in html
    assert ">Thanh toán</button>" in html
    assert ">Hủy giao dịch</button>" in html
    assert 'name="csrfmiddlewaretoken"' in html


@pytest.mark.parametrize(
    "tamper",
    [
        lambda p: {**p, "vnp_Amount": "1500000"},
        lambda p: {**p, "vnp_SecureHash": "0" * 128},
        lambda p: {k: v for k, v in p.items() if k != "vnp_SecureHash"},
        lambda p: {},
    ],
)
def test_a_tampered_request_gets_a_vietnamese_400_page(tamper):
    response = Client().get(PAGE, tamper(_signed()))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Yêu cầu thanh toán không hợp lệ" in html
    assert "Không có khoản tiền nào bị trừ." in html


def test_a_request_signed_with_another_secret_is_refused(settings):
    settings.VNPAY_SANDBOX_SECRET = "the-demo-secret"
    assert Client().get(PAGE, _signed()).status_code == 400
    assert Client().get(PAGE, _signed("the-demo-secret")).status_code == 200


def test_paying_delivers_a_signed_ipn_then_returns_with_the_same_signed_params(settings, delivered):
    client = Client(enforce_csrf_checks=True)
    response = _submit(client, _signed(), "Thanh toán")

    assert len(delivered) == 1
    url, ipn = delivered[0]
    assert url == settings.PUBLIC_URL + "/thanh-toan/vnpay/ipn/"
    assert vnpay.verify(ipn, "sandbox-secret")
    assert vnpay.is_success(ipn)
    assert ipn["vnp_Amount"] == "15000000"
    assert ipn["vnp_TxnRef"] == "K7QM2XH9"
    assert ipn["vnp_TmnCode"] == "MOTCUA01"
    assert ipn["vnp_BankCode"] == "NCB"
    assert ipn["vnp_TransactionNo"].isdigit() and len(ipn["vnp_TransactionNo"]) == 8
    assert ipn["vnp_OrderInfo"] == "Le phi ho so 000.00.01.H26-260930-0012"
    vnpay.parse_date(ipn["vnp_PayDate"])

    returned = _returned(response)
    assert returned == ipn
    assert vnpay.verify(returned, "sandbox-secret")


def test_cancelling_gives_code_24(delivered):
    returned = _returned(_submit(Client(), _signed(), "Hủy giao dịch"))
    assert returned["vnp_ResponseCode"] == "24"
    assert returned["vnp_TransactionStatus"] == "02"
    assert vnpay.verify(returned, "sandbox-secret")
    assert not vnpay.is_success(returned)
    assert str(vnpay.response_message(returned["vnp_ResponseCode"])) == "Bạn đã hủy giao dịch."
    assert delivered[0][1] == returned


def test_paying_after_the_deadline_fails_with_code_11(delivered):
    late = _signed(created_at=timezone.now() - timedelta(minutes=30))
    page = Client().get(PAGE, late)
    assert "quá thời gian chờ thanh toán" in page.content.decode()
    returned = _returned(_submit(Client(), late, "Thanh toán"))
    assert returned["vnp_ResponseCode"] == "11"
    assert not vnpay.is_success(returned)


def test_a_tampered_form_is_refused_and_delivers_nothing(delivered):
    params = _signed()
    response = Client().post(PAGE, {**params, "vnp_Amount": "100", "action": "pay"})
    assert response.status_code == 400
    assert Client().post(PAGE, {**params, "action": "refund"}).status_code == 400
    assert delivered == []


def test_the_ipn_url_and_a_return_url_with_a_query_string(settings, delivered):
    settings.VNPAY_SANDBOX_IPN_URL = "http://127.0.0.1:8001/ipn"
    params = _signed(return_url=RETURN_URL + "?lang=vi")
    response = Client().post(PAGE, {**params, "action": "pay"})
    assert delivered[0][0] == "http://127.0.0.1:8001/ipn"
    assert response["Location"].startswith(RETURN_URL + "?lang=vi&vnp_")


def test_the_sandbox_can_be_switched_off(settings):
    settings.PAYMENT_SANDBOX_ENABLED = False
    assert Client().get(PAGE, _signed()).status_code == 404


# --- delivering the IPN ------------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_deliver_ipn_tolerates_a_merchant_that_is_down(caplog):
    url = f"http://127.0.0.1:{_closed_port()}/thanh-toan/vnpay/ipn/"
    assert sandbox.deliver_ipn(url, {"vnp_TxnRef": "K7QM2XH9"}) is None
    assert "K7QM2XH9" in caplog.text


class _Response:
    def __init__(self, body):
        self.body = body

    def json(self):
        if isinstance(self.body, Exception):
            raise self.body
        return self.body


def test_deliver_ipn_sends_a_get_with_the_params_and_reads_the_json(monkeypatch):
    seen = {}

    def fake_get(url, params, timeout):
        seen.update(url=url, params=params, timeout=timeout)
        return _Response({"RspCode": "00", "Message": "Confirm Success"})

    monkeypatch.setattr(sandbox.requests, "get", fake_get)
    answer = sandbox.deliver_ipn("http://127.0.0.1:8000/ipn", {"vnp_TxnRef": "A"})
    assert answer == {"RspCode": "00", "Message": "Confirm Success"}
    assert seen == {"url": "http://127.0.0.1:8000/ipn", "params": {"vnp_TxnRef": "A"}, "timeout": 5}


@pytest.mark.parametrize("body", [ValueError("not JSON"), ["00"], "00"])
def test_deliver_ipn_ignores_an_answer_that_is_not_a_json_object(monkeypatch, body):
    monkeypatch.setattr(sandbox.requests, "get", lambda url, params, timeout: _Response(body))
    assert sandbox.deliver_ipn("http://127.0.0.1:8000/ipn", {"vnp_TxnRef": "A"}) is None
