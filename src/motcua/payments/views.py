"""VNPay's two ways back: the IPN, server to server, which alone changes a payment; and the
Return page, where the citizen's browser lands and only reads what is known."""

from __future__ import annotations

import json
import logging

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from motcua.core.http import client_ip, json_body

from . import national, services, statements, vnpay
from .models import Payment, PaymentEvent, Provider
from .providers import secret_for

logger = logging.getLogger(__name__)

ANSWERS = {
    services.Outcome.ACCEPTED: vnpay.IPN_CONFIRM_SUCCESS,
    services.Outcome.FAILED: vnpay.IPN_CONFIRM_SUCCESS,  # received and recorded: no retry
    services.Outcome.ALREADY: vnpay.IPN_ORDER_ALREADY_CONFIRMED,
    services.Outcome.UNKNOWN: vnpay.IPN_ORDER_NOT_FOUND,
    services.Outcome.WRONG_AMOUNT: vnpay.IPN_INVALID_AMOUNT,
    services.Outcome.DUPLICATE: vnpay.IPN_ORDER_ALREADY_CONFIRMED,
    services.Outcome.NOT_DUE: vnpay.IPN_ORDER_ALREADY_CONFIRMED,
}


def _params(request: HttpRequest) -> dict[str, str] | None:
    """The vnp_ parameters; None when one is sent twice (which would the signature cover?)."""
    found: dict[str, str] = {}
    for key, values in request.GET.lists():
        if key.startswith("vnp_"):
            if len(values) != 1:
                return None
            found[key] = str(values[0])
    return found


def _signed(params: dict[str, str] | None) -> bool:
    if params is None:
        return False
    secret = secret_for(Provider.VNPAY, params.get("vnp_TmnCode", ""))
    return secret is not None and vnpay.verify(params, secret)


@csrf_exempt
@require_GET
@never_cache
def vnpay_ipn(request: HttpRequest) -> HttpResponse:
    """VNPay's server tells us the outcome; answered with the RspCode VNPay documents. A forged
    (bad signature), unknown, replayed or wrong-amount call changes nothing and is kept."""
    params = _params(request)
    address = client_ip(request)
    if params is None or not _signed(params):
        services.record(Provider.VNPAY, PaymentEvent.Kind.CALLBACK, services.Outcome.BAD_SIGNATURE,
                        payload=params or {}, remote_address=address)  # fmt: skip
        return JsonResponse(vnpay.IPN_INVALID_CHECKSUM.as_dict())
    reference = params.get("vnp_TxnRef", "")
    amount = vnpay.amount_in_dong(params)
    try:
        if amount is None:
            outcome = services.Outcome.WRONG_AMOUNT
            services.record(Provider.VNPAY, PaymentEvent.Kind.CALLBACK, outcome,
                            payload=params, remote_address=address)  # fmt: skip
        elif vnpay.is_success(params):
            outcome = services.credit(
                provider=Provider.VNPAY,
                reference=reference,
                amount=amount,
                provider_transaction=params.get("vnp_TransactionNo", ""),
                kind=PaymentEvent.Kind.CALLBACK,
                payload=params,
                remote_address=address,
            )
        else:
            outcome = services.fail(
                provider=Provider.VNPAY,
                reference=reference,
                kind=PaymentEvent.Kind.CALLBACK,
                cancelled=params.get("vnp_ResponseCode") == "24",
                payload=params,
                remote_address=address,
            )
    except Exception:  # VNPay retries on 99; the event log and our log keep the cause
        logger.exception("VNPay IPN for %s failed", reference)
        return JsonResponse(vnpay.IPN_UNKNOWN_ERROR.as_dict())
    return JsonResponse(ANSWERS.get(outcome, vnpay.IPN_UNKNOWN_ERROR).as_dict())


@require_GET
@never_cache
def vnpay_return(request: HttpRequest) -> HttpResponse:
    """Where the citizen comes back: says what VNPay told the browser, checks the signature,
    and shows the payment as we know it. It never credits anything (the IPN does)."""
    params = _params(request) or {}
    signed = _signed(params)
    payment = (
        Payment.objects.select_related("dossier")
        .filter(reference=params.get("vnp_TxnRef", ""))
        .first()
        if signed
        else None
    )
    if signed:
        services.record(Provider.VNPAY, PaymentEvent.Kind.RETURN, "seen", payment=payment,
                        payload=params, remote_address=client_ip(request))  # fmt: skip
    context = {
        "signed": signed,
        "payment": payment,
        "succeeded": signed and vnpay.is_success(params),
        "message": vnpay.response_message(params.get("vnp_ResponseCode")),
    }
    return render(request, "payments/return.html", context, status=200 if signed else 400)


@csrf_exempt
@require_POST
def bank_webhook(request: HttpRequest) -> HttpResponse:
    """The bank's notification of credits to the collecting account (VietQR transfers),
    signed with HMAC-SHA256 of the body in ``X-Signature``. Unsigned or forged: 403, nothing
    changes; malformed: 400; otherwise each line's outcome (a replay is "already_paid")."""
    body = request.body
    if not statements.verify_webhook(body, request.headers.get("X-Signature", "")):
        services.record(Provider.VIETQR, PaymentEvent.Kind.CALLBACK, services.Outcome.BAD_SIGNATURE,
                        payload={"body": body[:2000].decode("utf-8", "replace")},
                        remote_address=client_ip(request))  # fmt: skip
        return JsonResponse({"detail": "bad signature"}, status=403)
    try:
        lines = statements.webhook_lines(json.loads(body))
    except ValueError:
        lines = None
    if lines is None:
        return JsonResponse({"detail": "expected {transactions: [{id, amount, description}]}"},
                            status=400)  # fmt: skip
    report = statements.apply(lines, kind=PaymentEvent.Kind.CALLBACK)
    return JsonResponse({"outcomes": report.outcomes})


NATIONAL_ANSWERS = {
    services.Outcome.ACCEPTED: "00",
    services.Outcome.FAILED: "00",  # received and recorded
    services.Outcome.ALREADY: "02",
    services.Outcome.DUPLICATE: "02",
    services.Outcome.UNKNOWN: "01",
    services.Outcome.WRONG_AMOUNT: "04",
    services.Outcome.NOT_DUE: "02",
}


@csrf_exempt
@require_POST
def national_confirm(request: HttpRequest) -> HttpResponse:
    """The national payment platform's confirmation (JSON, MaXacThuc = SHA-256 of its fields
    and the shared secret): the only thing that changes a payment made there."""
    address = client_ip(request)
    message = json_body(request)
    partner = message.get("MaDoiTac") if isinstance(message, dict) else None
    key = secret_for(Provider.NATIONAL, partner) if isinstance(partner, str) else None
    if not isinstance(message, dict) or key is None or not national.verify_confirm(message, key):
        services.record(Provider.NATIONAL, PaymentEvent.Kind.CALLBACK,
                        services.Outcome.BAD_SIGNATURE,
                        payload=message if isinstance(message, dict) else {},
                        remote_address=address)  # fmt: skip
        return JsonResponse(national.BAD_SIGNATURE_ANSWER)
    reference = str(message.get("MaThamChieu", ""))
    amount = national.amount_in_dong(message)
    if national.is_confirm_success(message):
        outcome = services.credit(
            provider=Provider.NATIONAL,
            reference=reference,
            amount=-1 if amount is None else amount,
            provider_transaction=str(message.get("MaGiaoDich", "")),
            kind=PaymentEvent.Kind.CALLBACK,
            payload=message,
            remote_address=address,
        )
    else:
        outcome = services.fail(provider=Provider.NATIONAL, reference=reference,
                                kind=PaymentEvent.Kind.CALLBACK, cancelled=True,
                                payload=message, remote_address=address)  # fmt: skip
    return JsonResponse({"MaLoi": NATIONAL_ANSWERS.get(outcome, "99")})
