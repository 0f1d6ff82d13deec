"""A local payment sandbox that speaks VNPay's protocol, so a demo pays online on one machine.

The real gateway is out of reach from a demo laptop or CI, and its public sandbox needs an
account and an Internet-facing IPN URL. This stand-in receives the same signed redirect,
shows a page with "Thanh toán" / "Hủy giao dịch", then does what VNPay does: calls the IPN URL
server to server with signed result parameters, and sends the browser back to vnp_ReturnUrl
with the same parameters. It writes nothing to the database; what it answered is kept in the
cache, so it can answer a status query later (VNPay's QueryDR, the national platform's QUERY).

Settings: VNPAY_SANDBOX_SECRET (the hash secret it signs and checks with), VNPAY_SANDBOX_IPN_URL
(where it delivers the IPN; the platform's own IPN address by default) and
PAYMENT_SANDBOX_ENABLED (off by default in production: a payment page that always succeeds
must never face the public).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.core.cache import cache
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
    QueryDict,
)
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from motcua.core.http import json_body
from motcua.core.public_urls import absolute, payment_url

from . import national, vnpay

logger = logging.getLogger(__name__)

app_name = "payments-sandbox"

IPN_TIMEOUT = 5  # seconds; VNPay itself gives up quickly and retries later
_REQUIRED = (
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_Amount",
    "vnp_TxnRef",
    "vnp_OrderInfo",
    "vnp_ReturnUrl",
    "vnp_CreateDate",
)


def _enabled() -> bool:
    default = not getattr(settings, "IS_PRODUCTION", False)
    return bool(getattr(settings, "PAYMENT_SANDBOX_ENABLED", default))


def sandbox_secret() -> str:
    return str(getattr(settings, "VNPAY_SANDBOX_SECRET", "sandbox-secret"))


def ipn_url() -> str:
    default = absolute(reverse("payments:vnpay-ipn"))
    return str(getattr(settings, "VNPAY_SANDBOX_IPN_URL", default))


def deliver_ipn(url: str, params: Mapping[str, str]) -> dict[str, Any] | None:
    """Call the merchant's IPN URL as VNPay does (HTTP GET) and return its JSON answer.

    The merchant being down, slow or answering nonsense is logged and ignored: the browser is
    still sent back, as with the real gateway, and the merchant can reconcile with QueryDR.
    """
    try:
        response = requests.get(url, params=dict(params), timeout=IPN_TIMEOUT)
        answer = response.json()
    except (requests.RequestException, ValueError) as exc:
        logger.warning("Sandbox IPN to %s for %s failed: %s", url, params.get("vnp_TxnRef"), exc)
        return None
    if not isinstance(answer, dict):
        logger.warning("Sandbox IPN to %s answered something that is not a JSON object", url)
        return None
    logger.info("Sandbox IPN for %s answered %s", params.get("vnp_TxnRef"), answer)
    return answer


def _payment_request(data: QueryDict) -> dict[str, str] | None:
    """The signed ``vnp_*`` parameters if ``data`` is a well-formed, genuine pay request."""
    if not vnpay.verify(data, sandbox_secret()):
        return None
    params: dict[str, str] = {}
    for key in data:
        value = data.get(key)
        if key.startswith("vnp_") and isinstance(value, str):
            params[key] = value
    if any(not params.get(name) for name in _REQUIRED):
        return None
    if params["vnp_Version"] != vnpay.VERSION or params["vnp_Command"] != "pay":
        return None
    amount = vnpay.amount_in_dong(params)
    if amount is None or amount < 1:
        return None
    if not params["vnp_ReturnUrl"].startswith(("https://", "http://")):
        return None
    try:
        vnpay.parse_date(params["vnp_CreateDate"])
        if "vnp_ExpireDate" in params:
            vnpay.parse_date(params["vnp_ExpireDate"])
    except ValueError:
        return None
    return params


def _expires_at(params: Mapping[str, str]) -> datetime | None:
    raw = params.get("vnp_ExpireDate")
    return vnpay.parse_date(raw) if raw else None


def _invalid(request: HttpRequest) -> HttpResponse:
    return render(request, "payments/sandbox/invalid.html", status=400)


def _transaction_no() -> str:
    return str(10_000_000 + secrets.randbelow(90_000_000))


def result_params(params: Mapping[str, str], *, paid: bool, now: datetime) -> dict[str, str]:
    """The signed parameters VNPay sends to the IPN and the Return URL after the citizen acts."""
    expires_at = _expires_at(params)
    if paid and expires_at is not None and now > expires_at:
        code, status = "11", "02"  # timed out: VNPay refuses to take the money
    elif paid:
        code, status = "00", "00"
    else:
        code, status = "24", "02"  # cancelled by the customer
    number = _transaction_no() if code == "00" else "0"
    result = {
        "vnp_Amount": params["vnp_Amount"],
        "vnp_BankCode": "NCB",
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": params["vnp_OrderInfo"],
        "vnp_PayDate": vnpay.format_date(now),
        "vnp_ResponseCode": code,
        "vnp_TmnCode": params["vnp_TmnCode"],
        "vnp_TransactionNo": number,
        "vnp_TransactionStatus": status,
        "vnp_TxnRef": params["vnp_TxnRef"],
    }
    if code == "00":
        result["vnp_BankTranNo"] = f"VNP{number}"
    result["vnp_SecureHash"] = vnpay.sign(result, sandbox_secret())
    return result


def _with_query(url: str, params: Mapping[str, str]) -> str:
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}{urlencode(params)}"


@require_http_methods(["GET", "POST"])
def vnpay_page(request: HttpRequest) -> HttpResponse:
    """GET: the sandbox's payment page for a signed request. POST: pay or cancel."""
    if not _enabled():
        raise Http404
    data = request.POST if request.method == "POST" else request.GET
    params = _payment_request(data)
    if params is None:
        return _invalid(request)
    if request.method == "GET":
        expires_at = _expires_at(params)
        return render(
            request,
            "payments/sandbox/vnpay.html",
            {
                "amount": vnpay.amount_in_dong(params),
                "order_info": params["vnp_OrderInfo"],
                "txn_ref": params["vnp_TxnRef"],
                "tmn_code": params["vnp_TmnCode"],
                "expires_at": expires_at,
                "expired": expires_at is not None and timezone.now() > expires_at,
                "fields": sorted(params.items()),
            },
        )
    action = request.POST.get("action")
    if action not in ("pay", "cancel"):
        return _invalid(request)
    result = result_params(params, paid=action == "pay", now=timezone.now())
    # Kept for QueryDR: what this "VNPay" would answer when asked later.
    cache.set(f"{QUERY_KEY}{result['vnp_TxnRef']}", result, QUERY_SECONDS)
    deliver_ipn(ipn_url(), result)
    return HttpResponseRedirect(_with_query(params["vnp_ReturnUrl"], result))


QUERY_KEY = "motcua:sandbox:vnpay:"
QUERY_SECONDS = 3 * 24 * 3600


@csrf_exempt
@require_POST
def vnpay_querydr(request: HttpRequest) -> HttpResponse:
    """QueryDR, as VNPay's merchant API answers it: the outcome of a transaction the sandbox
    saw, signed; 91 for one it never saw, 97 for a request without the merchant's signature."""
    if not _enabled():
        raise Http404
    body = json_body(request)
    if not vnpay.verify_querydr_request(body, sandbox_secret()):
        return JsonResponse({"vnp_ResponseCode": "97", "vnp_Message": "Invalid Checksum"})
    assert isinstance(body, dict)
    seen = cache.get(f"{QUERY_KEY}{body['vnp_TxnRef']}")
    answer: dict[str, Any] = {
        "vnp_ResponseId": secrets.token_hex(16),
        "vnp_Command": "querydr",
        "vnp_ResponseCode": "00" if seen else "91",
        "vnp_Message": "QueryDR Success" if seen else "Transaction not found",
        "vnp_TmnCode": body["vnp_TmnCode"],
        "vnp_TxnRef": body["vnp_TxnRef"],
    }
    if seen:
        answer.update({
            name: seen.get(name, "") for name in (
                "vnp_Amount", "vnp_BankCode", "vnp_PayDate", "vnp_TransactionNo",
                "vnp_TransactionStatus", "vnp_OrderInfo",
            )
        })  # fmt: skip
        answer["vnp_TransactionType"] = "01"
        answer["vnp_PromotionCode"] = ""
        answer["vnp_PromotionAmount"] = ""
    answer["vnp_SecureHash"] = vnpay.querydr_response_hash(answer, sandbox_secret())
    return JsonResponse(answer)


# --- the national payment platform --------------------------------------------------------------

NATIONAL_KEY = "motcua:sandbox:national:"
# What the sandbox's platform answers a QUERY with: the confirmation it sent.
NATIONAL_RESULT_KEY = "motcua:sandbox:national:result:"


def confirm_url() -> str:
    return absolute(reverse("payments:national-confirm"))


def deliver_confirm(url: str, message: Mapping[str, Any]) -> dict[str, Any] | None:
    """POST the platform's confirmation to the partner, as the platform does; tolerant of a
    partner that is down (logged)."""
    try:
        response = requests.post(url, json=dict(message), timeout=5)
        answer = response.json()
    except (requests.RequestException, ValueError) as error:
        logger.warning("Sandbox confirmation to %s failed: %s", url, error)
        return None
    return answer if isinstance(answer, dict) else None


@csrf_exempt
@require_POST
def national_init(request: HttpRequest) -> HttpResponse:
    """INIT: a signed payment request in, the payment page's address out (UrlThanhToan)."""
    if not _enabled():
        raise Http404
    message = json_body(request)
    if not national.verify_init(message, sandbox_secret()):
        return JsonResponse(national.BAD_SIGNATURE_ANSWER)
    assert isinstance(message, dict)
    reference = str(message["MaThamChieu"])
    cache.set(f"{NATIONAL_KEY}{reference}", message, QUERY_SECONDS)
    page = absolute(reverse("payments-sandbox:national")) + "?" + urlencode({"ma": reference})
    return JsonResponse({"MaLoi": "00", "MaThamChieu": reference, "UrlThanhToan": page})


@require_http_methods(["GET", "POST"])
def national_page(request: HttpRequest) -> HttpResponse:
    """The platform's payment page: pay or cancel; the confirmation goes to the partner server
    to server, the browser back to the dossier's payment page."""
    if not _enabled():
        raise Http404
    data = request.POST if request.method == "POST" else request.GET
    message = cache.get(f"{NATIONAL_KEY}{data.get('ma', '')}")
    if not isinstance(message, dict):
        return _invalid(request)
    receipt = message.get("ThongTinBienLai") or {}
    if request.method == "GET":
        return render(request, "payments/sandbox/national.html", {
            "amount": int(message["SoTien"]), "description": message["ThongTinGiaoDich"],
            "reference": message["MaThamChieu"], "receiver": receipt.get("TenDonVi", ""),
        })  # fmt: skip
    action = request.POST.get("action")
    if action not in ("pay", "cancel"):
        return _invalid(request)
    paid = action == "pay"
    confirmation = national.confirm_message(
        result_code=national.SUCCESS if paid else "24",
        partner_code=str(message["MaDoiTac"]),
        reference=str(message["MaThamChieu"]),
        amount=int(message["SoTien"]),
        transaction_id=_transaction_no() if paid else "0",
        paid_at=timezone.now(),
        description=str(message["ThongTinGiaoDich"]),
        secret=sandbox_secret(),
    )
    cache.set(f"{NATIONAL_RESULT_KEY}{message['MaThamChieu']}", confirmation, QUERY_SECONDS)
    deliver_confirm(confirm_url(), confirmation)
    dossier = str(receipt.get("MaHoSo", ""))
    return HttpResponseRedirect(payment_url(dossier, str(message["MaThamChieu"])))


@csrf_exempt
@require_POST
def national_query(request: HttpRequest) -> HttpResponse:
    """QUERY, as the platform is assumed to answer it (national.query_answer): the outcome the
    sandbox sent for the reference, signed; "01" while it has none; "97" unsigned for a request
    without the partner's MaXacThuc."""
    if not _enabled():
        raise Http404
    message = json_body(request)
    if not national.verify_query(message, sandbox_secret()) or message["LoaiBanTin"] != "QUERY":
        return JsonResponse(national.BAD_SIGNATURE_ANSWER)
    reference = str(message["MaThamChieu"])
    seen = cache.get(f"{NATIONAL_RESULT_KEY}{reference}")
    fields = seen if isinstance(seen, dict) else {
        "MaLoi": national.NO_OUTCOME, "MaDoiTac": message["MaDoiTac"], "MaThamChieu": reference,
    }  # fmt: skip
    return JsonResponse(national.query_answer(fields, sandbox_secret()))


urlpatterns = [
    path("vnpay/", vnpay_page, name="vnpay"),
    path("vnpay/querydr/", vnpay_querydr, name="vnpay-querydr"),
    path("national/init/", national_init, name="national-init"),
    path("national/query/", national_query, name="national-query"),
    path("national/", national_page, name="national"),
]
