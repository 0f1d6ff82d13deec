"""Paying a dossier's fees through the API: start a payment with a provider, get what the
citizen pays with (the VietQR payload and image, or the VNPay address), list the payments."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Schema

from motcua.core.http import client_ip
from motcua.identity.models import User
from motcua.payments import providers, services
from motcua.payments.models import Payment, Provider

from .auth import bearer
from .dossier_views import local
from .dossiers import reachable
from .errors import ApiError
from .idempotency import KeyHeader, idempotent
from .schemas import ErrorOut

router = Router(tags=["payments"])


class PayIn(Schema):
    provider: str


class PaymentOut(Schema):
    reference: str
    provider: str
    amount: int
    currency: str = "VND"
    status: str
    receipt_number: str
    created_at: datetime
    paid_at: datetime | None
    # By provider: the VietQR payload and its image, or the address to send the browser to.
    vietqr_payload: str | None = None
    vietqr_image_url: str | None = None
    redirect_url: str | None = None


def _out(payment: Payment, request: HttpRequest | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "reference": payment.reference,
        "provider": payment.provider,
        "amount": payment.amount,
        "status": payment.status,
        "receipt_number": payment.receipt_number,
        "created_at": local(payment.created_at),
        "paid_at": local(payment.paid_at),
    }
    if payment.status != Payment.Status.PENDING or request is None:
        return out
    try:
        if payment.provider == Provider.VIETQR:
            out["vietqr_payload"] = providers.vietqr_transfer(payment).payload
            out["vietqr_image_url"] = settings.PUBLIC_URL + reverse(
                "portal:payment", args=[payment.dossier.code, payment.reference]
            )
        elif payment.provider == Provider.VNPAY:
            out["redirect_url"] = providers.vnpay_redirect(payment, ip=client_ip(request))
    except providers.ProviderError:
        pass  # the provider's settings changed since: the payment is listed without them
    return out


@router.post(
    "/dossiers/{code}/payments",
    auth=bearer,
    response={201: PaymentOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Pay the dossier's fees: the amount and, by provider, the VietQR or the VNPay URL",
)
def start(
    request: HttpRequest, code: str, payload: PayIn, idempotency_key: KeyHeader = ""
) -> tuple[int, Any]:
    """A retry with the same Idempotency-Key gets the same payment, never a second one
    (starting is also once-only by itself for one pending payment per provider and amount)."""
    return idempotent(request, idempotency_key or "", lambda: _start(request, code, payload))


def _start(request: HttpRequest, code: str, payload: PayIn) -> tuple[int, dict[str, Any]]:
    user: User = request.user  # type: ignore[assignment]
    dossier = reachable(user, code)
    if dossier.applicant_id != user.pk:
        raise ApiError(_("Chỉ người nộp hồ sơ mới thanh toán trực tuyến được."), 409)
    agency = dossier.handler_agency or dossier.agency
    if payload.provider not in providers.available(agency):
        raise ApiError(
            _("Hình thức thanh toán không được hỗ trợ: %(codes)s.")
            % {"codes": ", ".join(providers.available(agency)) or "—"},
            422,
        )
    try:
        payment = services.start_payment(dossier=dossier, provider=payload.provider, by=user)
        out = _out(payment, request)
        if payment.provider == Provider.NATIONAL:
            # INIT on the platform: its payment page is where the citizen pays.
            out["redirect_url"] = providers.national_redirect(payment, ip=client_ip(request))
        elif payment.provider == Provider.VIETQR and not out.get("vietqr_payload"):
            providers.vietqr_transfer(payment)  # raises the configuration's problem: a 409
        elif payment.provider == Provider.VNPAY and not out.get("redirect_url"):
            providers.vnpay_redirect(payment, ip=client_ip(request))
        return 201, out
    except (services.PaymentError, providers.ProviderError) as error:
        raise ApiError(error.message, 409) from error


@router.get(
    "/dossiers/{code}/payments",
    auth=bearer,
    response={200: list[PaymentOut], 401: ErrorOut, 404: ErrorOut},
    summary="The dossier's payments, newest first",
)
def listing(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    user: User = request.user  # type: ignore[assignment]
    dossier = reachable(user, code)
    found = Payment.objects.filter(dossier=dossier).select_related("dossier", "agency")
    return [_out(p, request if dossier.applicant_id == user.pk else None)
            for p in found.order_by("-created_at", "-pk")]  # fmt: skip
