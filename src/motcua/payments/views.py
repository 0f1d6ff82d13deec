"""VNPay's two ways back: the IPN, server to server, which alone changes a payment; and the
Return page, where the citizen's browser lands and only reads what is known."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from motcua.core.http import client_ip

from . import callbacks, national, services, statements, vnpay
from .models import Payment, PaymentEvent, Provider
from .providers import callback_secret, payee_of

logger = logging.getLogger(__name__)

ANSWERS = {
    services.Outcome.ACCEPTED: vnpay.IPN_CONFIRM_SUCCESS,
    services.Outcome.FAILED: vnpay.IPN_CONFIRM_SUCCESS,  # received and recorded: no retry
    services.Outcome.ALREADY: vnpay.IPN_ORDER_ALREADY_CONFIRMED,
    services.Outcome.UNKNOWN: vnpay.IPN_ORDER_NOT_FOUND,
    services.Outcome.WRONG_AMOUNT: vnpay.IPN_INVALID_AMOUNT,
    services.Outcome.DUPLICATE: vnpay.IPN_ORDER_ALREADY_CONFIRMED,
    services.Outcome.NOT_DUE: vnpay.IPN_ORDER_ALREADY_CONFIRMED,
    # Not an order of the merchant the IPN names.
    services.Outcome.WRONG_PAYEE: vnpay.IPN_ORDER_NOT_FOUND,
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
    """Signed with the secret of the agency whose payment the IPN names (its merchant code is
    checked when crediting), or, for an order we never issued, of the merchant it names."""
    if params is None:
        return False
    secret = callback_secret(
        Provider.VNPAY, params.get("vnp_TmnCode", ""), params.get("vnp_TxnRef", "")
    )
    return secret is not None and vnpay.verify(params, secret)


def _refused(status: int, body: dict[str, Any], seconds: int = 0) -> JsonResponse:
    response = JsonResponse(body, status=status)
    if seconds:
        response["Retry-After"] = str(seconds)
    return response


def _forged(request: HttpRequest, outcome: str, provider: str, raw: bytes, reference: str) -> None:
    """A signed callback that crediting refused as another agency's: it is already stored."""
    if outcome == services.Outcome.WRONG_PAYEE:
        callbacks.refuse(request, provider=provider, outcome=outcome, raw=raw, stored=False,
                         reference=reference)  # fmt: skip


@csrf_exempt
@require_GET
@never_cache
def vnpay_ipn(request: HttpRequest) -> HttpResponse:
    """VNPay's server tells us the outcome; answered with the RspCode VNPay documents. A forged
    (bad signature, another merchant's), unknown, replayed or wrong-amount call changes
    nothing and is kept; a forged one only in part (callbacks.summary)."""
    seconds = callbacks.wait(request)
    if seconds:
        return _refused(429, vnpay.IPN_UNKNOWN_ERROR.as_dict(), seconds)
    raw = request.META.get("QUERY_STRING", "").encode("latin-1", "replace")
    if len(raw) > callbacks.MAX_BYTES:
        callbacks.refuse(request, provider=Provider.VNPAY, outcome=callbacks.TOO_LARGE,
                         raw=raw[: callbacks.KEPT_BYTES], size=len(raw))  # fmt: skip
        return _refused(413, vnpay.IPN_UNKNOWN_ERROR.as_dict())
    params = _params(request)
    address = client_ip(request)
    if params is None or not _signed(params):
        callbacks.refuse(request, provider=Provider.VNPAY, outcome=services.Outcome.BAD_SIGNATURE,
                         raw=raw)  # fmt: skip
        return JsonResponse(vnpay.IPN_INVALID_CHECKSUM.as_dict())
    reference = params.get("vnp_TxnRef", "")
    amount = vnpay.amount_in_dong(params)
    payee = (params.get("vnp_TmnCode", ""),)
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
                payee=payee,
            )
        else:
            outcome = services.fail(
                provider=Provider.VNPAY,
                reference=reference,
                kind=PaymentEvent.Kind.CALLBACK,
                cancelled=params.get("vnp_ResponseCode") == "24",
                payload=params,
                remote_address=address,
                payee=payee,
            )
    except Exception:  # VNPay retries on 99; the event log and our log keep the cause
        logger.exception("VNPay IPN for %s failed", reference)
        return JsonResponse(vnpay.IPN_UNKNOWN_ERROR.as_dict())
    _forged(request, outcome, Provider.VNPAY, raw, reference)
    return JsonResponse(ANSWERS.get(outcome, vnpay.IPN_UNKNOWN_ERROR).as_dict())


@require_GET
@never_cache
def vnpay_return(request: HttpRequest) -> HttpResponse:
    """Where the citizen comes back: says what VNPay told the browser, checks the signature,
    and shows the payment as we know it. It never credits anything (the IPN does)."""
    params = _params(request) or {}
    signed = _signed(params)
    payment = (
        Payment.objects.select_related("dossier", "agency")
        .filter(reference=params.get("vnp_TxnRef", ""), provider=Provider.VNPAY)
        .first()
        if signed
        else None
    )
    if payment is not None and payee_of(payment.agency, Provider.VNPAY) != (
        params.get("vnp_TmnCode", ""),
    ):
        signed, payment = False, None  # another merchant's: it says nothing of this payment
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
    """The bank's notification of credits to the collecting accounts (VietQR transfers),
    signed with HMAC-SHA256 of the body in ``X-Signature``. Unsigned or forged: 403, nothing
    changes; malformed: 400; too large: 413; otherwise each line's outcome (a replay is
    "already_paid", a transfer to another agency's account "wrong_payee")."""
    seconds = callbacks.wait(request)
    if seconds:
        return _refused(429, {"detail": "too many refused notifications"}, seconds)
    body = callbacks.body(request)
    if body is None:
        callbacks.refuse(request, provider=Provider.VIETQR, outcome=callbacks.TOO_LARGE,
                         size=callbacks.declared_size(request))  # fmt: skip
        return _refused(413, {"detail": f"body larger than {callbacks.MAX_BYTES} bytes"})
    if not statements.verify_webhook(body, request.headers.get("X-Signature", "")):
        callbacks.refuse(request, provider=Provider.VIETQR,
                         outcome=services.Outcome.BAD_SIGNATURE, raw=body)  # fmt: skip
        return JsonResponse({"detail": "bad signature"}, status=403)
    try:
        lines = statements.webhook_lines(json.loads(body))
    except ValueError:
        lines = None
    if lines is None:
        return JsonResponse(
            {"detail": "expected {transactions: [{id, amount, description, bank, account}]}"},
            status=400,
        )
    report = statements.apply(lines, kind=PaymentEvent.Kind.CALLBACK)
    if report.outcomes.get(services.Outcome.WRONG_PAYEE):
        _forged(request, services.Outcome.WRONG_PAYEE, Provider.VIETQR, body, "")
    return JsonResponse({"outcomes": report.outcomes})


NATIONAL_ANSWERS = {
    services.Outcome.ACCEPTED: "00",
    services.Outcome.FAILED: "00",  # received and recorded
    services.Outcome.ALREADY: "02",
    services.Outcome.DUPLICATE: "02",
    services.Outcome.UNKNOWN: "01",
    services.Outcome.WRONG_AMOUNT: "04",
    services.Outcome.NOT_DUE: "02",
    services.Outcome.WRONG_PAYEE: "01",  # not an order of the partner it names
}


@csrf_exempt
@require_POST
def national_confirm(request: HttpRequest) -> HttpResponse:
    """The national payment platform's confirmation (JSON, MaXacThuc = SHA-256 of its fields
    and the shared secret): the only thing that changes a payment made there."""
    seconds = callbacks.wait(request)
    if seconds:
        return _refused(429, {"MaLoi": "99", "MoTa": "Too many requests"}, seconds)
    raw = callbacks.body(request)
    if raw is None:
        callbacks.refuse(request, provider=Provider.NATIONAL, outcome=callbacks.TOO_LARGE,
                         size=callbacks.declared_size(request))  # fmt: skip
        return _refused(413, {"MaLoi": "99", "MoTa": "Request too large"})
    address = client_ip(request)
    message = _json(raw)
    partner = message.get("MaDoiTac") if isinstance(message, dict) else None
    reference = str(message.get("MaThamChieu", "")) if isinstance(message, dict) else ""
    key = (
        callback_secret(Provider.NATIONAL, partner, reference) if isinstance(partner, str) else None
    )
    if not isinstance(message, dict) or key is None or not national.verify_confirm(message, key):
        callbacks.refuse(request, provider=Provider.NATIONAL,
                         outcome=services.Outcome.BAD_SIGNATURE, raw=raw)  # fmt: skip
        return JsonResponse(national.BAD_SIGNATURE_ANSWER)
    amount = national.amount_in_dong(message)
    payee = (str(partner),)
    if national.is_confirm_success(message):
        outcome = services.credit(
            provider=Provider.NATIONAL,
            reference=reference,
            amount=-1 if amount is None else amount,
            provider_transaction=str(message.get("MaGiaoDich", "")),
            kind=PaymentEvent.Kind.CALLBACK,
            payload=message,
            remote_address=address,
            payee=payee,
        )
    else:
        outcome = services.fail(provider=Provider.NATIONAL, reference=reference,
                                kind=PaymentEvent.Kind.CALLBACK, cancelled=True,
                                payload=message, remote_address=address,
                                payee=payee)  # fmt: skip
    _forged(request, outcome, Provider.NATIONAL, raw, reference)
    return JsonResponse({"MaLoi": NATIONAL_ANSWERS.get(outcome, "99")})


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return None
