"""The VietQR at the desk: the officer shows the citizen in front of her a code for the exact
amount, to pay from any bank app; the bank's notification confirms it like any transfer."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from motcua.dossiers import selectors
from motcua.dossiers.models import Dossier
from motcua.dossiers.relations import Situation
from motcua.dossiers.rules import permits, refusal
from motcua.dossiers.workflow import Action
from motcua.identity.models import User
from motcua.payments import providers
from motcua.payments.models import Payment, Provider
from motcua.payments.services import PaymentError, start_payment

from .access import officer_required


def _collecting_dossier(request: HttpRequest, code: str) -> tuple[User, Dossier]:
    """A dossier the officer may see and collect for (the unit holding it)."""
    user = cast(User, request.user)
    dossier = selectors.dossier_detail(user, code)
    if dossier is None:
        raise Http404
    return user, dossier


def offers_desk_qr(user: User, dossier: Dossier) -> bool:
    """Whether the dossier page offers the code: to the desk that collects the fees the
    dossier waits for (who may confirm them: the action table), when its unit takes VietQR."""
    return permits(
        Action.CONFIRM_PAYMENT, user, dossier
    ) and Provider.VIETQR in providers.available(dossier.handler_agency or dossier.agency)


@officer_required
@require_POST
def start_desk_qr(request: HttpRequest, code: str) -> HttpResponse:
    user, dossier = _collecting_dossier(request, code)
    refused = refusal(Action.CONFIRM_PAYMENT, Situation(user, dossier))
    if refused is not None and refused.forbidden:
        messages.error(request, _("Đơn vị của bạn không thu phí, lệ phí của hồ sơ này."))
        return redirect("backoffice:dossier", dossier.code)
    if Provider.VIETQR not in providers.available(dossier.handler_agency or dossier.agency):
        messages.error(request, _("Đơn vị chưa nhận thanh toán qua VietQR."))
        return redirect("backoffice:dossier", dossier.code)
    try:
        payment = start_payment(dossier=dossier, provider=Provider.VIETQR, by=user)
    except PaymentError as error:
        messages.error(request, error.message)
        return redirect("backoffice:dossier", dossier.code)
    return redirect("backoffice:desk-qr", dossier.code, payment.reference)


@officer_required
@require_GET
@never_cache
def desk_qr(request: HttpRequest, code: str, reference: str) -> HttpResponse:
    """The code, large, with the amount and the account, for the citizen to scan; once the
    bank has confirmed it, the payment and its receipt."""
    _user, dossier = _collecting_dossier(request, code)
    payment = Payment.objects.filter(
        dossier=dossier, reference=reference, provider=Provider.VIETQR
    ).first()
    if payment is None:
        raise Http404
    context: dict[str, Any] = {"dossier": dossier, "payment": payment}
    if payment.status == Payment.Status.PENDING:
        try:
            context["transfer"] = providers.vietqr_transfer(payment)
        except providers.ProviderError as error:
            context["provider_error"] = error.message
            return render(request, "backoffice/dossiers/desk_qr.html", context, status=409)
    return render(request, "backoffice/dossiers/desk_qr.html", context)
