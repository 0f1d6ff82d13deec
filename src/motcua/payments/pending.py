"""Payments stuck as pending (the IPN never arrived: a network cut, our server restarting)
are asked about: VNPay's QueryDR, signed both ways; what it says is credited or closed through
the same path as an IPN. A periodic job (every 5 minutes) runs it."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

import requests
from django.utils import timezone

from . import services, vnpay
from .models import Payment, PaymentEvent, Provider
from .providers import ProviderError, configured, secret

logger = logging.getLogger(__name__)

# A payment younger than this may still be paid by its citizen; older than a day, VNPay's
# payment page has long expired and only an officer's look helps.
WAIT = timedelta(minutes=15)
GIVE_UP = timedelta(days=1)
SERVER_IP = "127.0.0.1"


def post_json(url: str, body: dict[str, str]) -> Any:
    """POST to the provider's API (tests replace this); None when it cannot be reached."""
    try:
        response = requests.post(url, json=body, timeout=10)
        return response.json()
    except (requests.RequestException, ValueError) as error:
        logger.warning("QueryDR to %s failed: %s", url, error)
        return None


def query_vnpay(payment: Payment, now: datetime) -> str:
    """Ask VNPay about one payment; the outcome recorded (or "unreachable")."""
    try:
        config = configured(payment.agency).get(Provider.VNPAY)
        if config is None:
            raise ProviderError("no VNPay")
        key = secret(config)
    except ProviderError:
        return "not_configured"
    body = vnpay.querydr_request(
        tmn_code=str(config["tmn_code"]),
        hash_secret=key,
        txn_ref=payment.reference,
        transaction_date=payment.created_at,
        order_info=f"Doi soat {payment.reference}",
        ip=SERVER_IP,
        created_at=now,
    )
    answer = post_json(str(config.get("api_url") or vnpay.SANDBOX_API_URL), body)
    kind = PaymentEvent.Kind.QUERY
    if answer is None:
        return "unreachable"
    if not vnpay.verify_querydr_response(answer, key):
        services.record(Provider.VNPAY, kind, services.Outcome.BAD_SIGNATURE, payment=payment,
                        payload={"answer": answer})  # fmt: skip
        return services.Outcome.BAD_SIGNATURE
    if answer.get("vnp_ResponseCode") != "00":
        services.record(Provider.VNPAY, kind, "not_found", payment=payment, payload=answer)
        return "not_found"
    status = answer.get("vnp_TransactionStatus")
    if status == "00":
        return services.credit(
            provider=Provider.VNPAY,
            reference=payment.reference,
            amount=vnpay.amount_in_dong(answer) or -1,
            provider_transaction=str(answer.get("vnp_TransactionNo", "")),
            kind=kind,
            payload=answer,
            at=now,
        )
    if status in ("01", "05", "06"):  # still in progress at VNPay: ask again next time
        services.record(Provider.VNPAY, kind, "in_progress", payment=payment, payload=answer)
        return "in_progress"
    return services.fail(provider=Provider.VNPAY, reference=payment.reference, kind=kind,
                         cancelled=False, payload=answer)  # fmt: skip


def reconcile_pending(now: datetime | None = None) -> dict[str, int]:
    """Ask about every VNPay payment pending for more than WAIT (and less than GIVE_UP)."""
    now = now or timezone.now()
    stuck = Payment.objects.filter(
        provider=Provider.VNPAY,
        status=Payment.Status.PENDING,
        created_at__lte=now - WAIT,
        created_at__gte=now - GIVE_UP,
    ).select_related("agency", "dossier")
    outcomes: dict[str, int] = {}
    for payment in stuck.order_by("created_at")[:200]:
        outcome = query_vnpay(payment, now)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes
