"""Payments stuck as pending (the notification never arrived: a network cut, our server
restarting) are asked about: VNPay's QueryDR and the national payment platform's QUERY, signed
both ways; what they say is credited or closed through the same path as a notification. A
periodic job (every 5 minutes) runs it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from . import national, services, vnpay
from .models import Payment, PaymentEvent, Provider
from .providers import ProviderError, bearer_token, configured, post_json, secret

logger = logging.getLogger(__name__)

# A payment younger than this may still be paid by its citizen; older than a day, the
# provider's payment page has long expired and only an officer's look helps.
WAIT = timedelta(minutes=15)
GIVE_UP = timedelta(days=1)
SERVER_IP = "127.0.0.1"
KIND = PaymentEvent.Kind.QUERY
UNREACHABLE = "unreachable"


def _credentials(payment: Payment, provider: str) -> tuple[dict[str, Any], str] | None:
    """The provider's settings for the payment's agency and its secret; None if not set."""
    config = configured(payment.agency).get(provider)
    if config is None:
        return None
    try:
        return config, secret(config)
    except ProviderError:
        return None


def _unreachable(payment: Payment) -> str:
    # Kept, so an officer sees the payment was asked about and why nothing changed.
    services.record(payment.provider, KIND, UNREACHABLE, payment=payment)
    return UNREACHABLE


def query_vnpay(payment: Payment, now: datetime) -> str:
    """Ask VNPay about one payment; the outcome recorded (or "unreachable")."""
    found = _credentials(payment, Provider.VNPAY)
    if found is None:
        return "not_configured"
    config, key = found
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
    if answer is None:
        return _unreachable(payment)
    if not vnpay.verify_querydr_response(answer, key):
        services.record(Provider.VNPAY, KIND, services.Outcome.BAD_SIGNATURE, payment=payment,
                        payload={"answer": answer})  # fmt: skip
        return services.Outcome.BAD_SIGNATURE
    if answer.get("vnp_ResponseCode") != "00":
        services.record(Provider.VNPAY, KIND, "not_found", payment=payment, payload=answer)
        return "not_found"
    status = answer.get("vnp_TransactionStatus")
    # 01, 05, 06: still in progress at VNPay, asked again next time.
    state = (
        "paid" if status == "00" else "in_progress" if status in ("01", "05", "06") else "failed"
    )
    return _settle(
        payment,
        answer,
        state=state,
        amount=vnpay.amount_in_dong(answer),
        transaction=str(answer.get("vnp_TransactionNo", "")),
        now=now,
    )


def _settle(
    payment: Payment,
    answer: dict[str, Any],
    *,
    state: str,
    amount: int | None,
    transaction: str,
    now: datetime,
) -> str:
    """What a verified answer says, done through the notifications' path: "paid" credits,
    "failed" or "cancelled" closes, anything else is recorded as it is and asked again."""
    provider, reference = payment.provider, payment.reference
    if state == "paid":
        return services.credit(provider=provider, reference=reference, amount=amount or -1,
                               provider_transaction=transaction, kind=KIND, payload=answer,
                               at=now)  # fmt: skip
    if state in ("failed", "cancelled"):
        return services.fail(provider=provider, reference=reference, kind=KIND,
                             cancelled=state == "cancelled", payload=answer)  # fmt: skip
    services.record(provider, KIND, state, payment=payment, payload=answer)
    return state


def _national_query(config: dict[str, Any], payment: Payment, key: str) -> dict[str, str]:
    return national.query_message(
        partner_code=str(config["partner_code"]),
        reference=payment.reference,
        transaction_time=payment.created_at,  # the INIT's ThoiGianGD (providers._national_init)
        secret=key,
    )


def query_national(payment: Payment, now: datetime) -> str:
    """Ask the national payment platform about one payment (QUERY, Bearer token as for INIT);
    the outcome recorded (or "unreachable"). The answer's fields are assumed (see
    national.verify_query_answer and national.query_state)."""
    found = _credentials(payment, Provider.NATIONAL)
    if found is None or not found[0].get("query_url"):
        return "not_configured"
    config, key = found
    try:
        body = _national_query(config, payment, key)
    except (KeyError, ValueError) as error:
        logger.error("The national payment platform is misconfigured: %s", error)
        return "not_configured"
    answer = post_json(str(config["query_url"]), body, bearer_token(config))
    if answer is None:
        return _unreachable(payment)
    if not national.verify_query_answer(answer, key):
        services.record(Provider.NATIONAL, KIND, services.Outcome.BAD_SIGNATURE, payment=payment,
                        payload={"answer": answer})  # fmt: skip
        return services.Outcome.BAD_SIGNATURE
    if answer.get("MaThamChieu") != payment.reference or answer.get("MaDoiTac") != body["MaDoiTac"]:
        # Genuine, but about another payment (a replayed answer): it says nothing of this one.
        services.record(Provider.NATIONAL, KIND, services.Outcome.UNKNOWN, payment=payment,
                        payload=answer)  # fmt: skip
        return services.Outcome.UNKNOWN
    state = national.query_state(answer)
    return _settle(
        payment,
        answer,
        # No outcome at the platform yet: recorded as not found, asked again next time.
        state="not_found" if state == "pending" else state,
        amount=national.amount_in_dong(answer),
        transaction=str(answer.get("MaGiaoDich", "")),
        now=now,
    )


# The providers that can be asked about a payment, and how.
QUERIES: dict[str, Callable[[Payment, datetime], str]] = {
    Provider.VNPAY: query_vnpay,
    Provider.NATIONAL: query_national,
}


def reconcile_pending(now: datetime | None = None) -> dict[str, int]:
    """Ask each provider in QUERIES about its payments pending for more than WAIT (and less
    than GIVE_UP); how many ended in each outcome."""
    now = now or timezone.now()
    stuck = Payment.objects.filter(
        provider__in=list(QUERIES),
        status=Payment.Status.PENDING,
        created_at__lte=now - WAIT,
        created_at__gte=now - GIVE_UP,
    ).select_related("agency", "dossier")
    outcomes: dict[str, int] = {}
    for payment in stuck.order_by("created_at")[:200]:
        outcome = QUERIES[payment.provider](payment, now)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes
