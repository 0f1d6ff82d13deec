"""The citizen pays a dossier's fees online: the amount asked, a choice of VietQR (a code for
the bank app) or VNPay (a redirect), then the payment's page until it is confirmed."""

from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from motcua.core.http import client_ip
from motcua.documents.responses import pdf_response
from motcua.documents.services import IssueError
from motcua.dossiers.fees import bill_for
from motcua.dossiers.services import requested_amount
from motcua.payments import providers, services
from motcua.payments.models import Payment, Provider
from motcua.payments.receipts import receipt_for

from .access import citizen, citizen_required
from .my_dossiers import own_dossier

logger = logging.getLogger(__name__)


class PayForm(forms.Form):
    provider = forms.ChoiceField(
        label=_("Hình thức thanh toán"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Chọn một hình thức thanh toán.")},
    )

    def __init__(self, *args: Any, choices: list[str], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        field = self.fields["provider"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(name, Provider(name).label) for name in choices]
        field.error_messages["invalid_choice"] = _("Chọn một hình thức thanh toán trong danh sách.")


@citizen_required
@require_http_methods(["GET", "POST"])
@never_cache
def pay(request: HttpRequest, code: str) -> HttpResponse:
    dossier = own_dossier(request, code)
    amount = requested_amount(dossier)
    agency = dossier.handler_agency or dossier.agency
    choices = providers.available(agency)
    context: dict[str, Any] = {"dossier": dossier, "amount": amount, "choices": choices}
    bill = bill_for(dossier)
    # The catalogue's lines explain the amount when they add up to what the officer asked.
    if amount is not None and bill.total == amount:
        context["bill"] = bill
    if amount is None or not choices:
        return render(
            request, "portal/payments/pay.html", context, status=409 if amount is None else 200
        )
    form = PayForm(request.POST if request.method == "POST" else None, choices=choices)
    context["form"] = form
    if request.method == "GET" or not form.is_valid():
        status = 400 if request.method == "POST" else 200
        return render(request, "portal/payments/pay.html", context, status=status)
    try:
        payment = services.start_payment(
            dossier=dossier, provider=form.cleaned_data["provider"], by=citizen(request)
        )
        if payment.provider == Provider.VNPAY:
            return redirect(providers.vnpay_redirect(payment, ip=client_ip(request)))
        if payment.provider == Provider.NATIONAL:
            return redirect(providers.national_redirect(payment, ip=client_ip(request)))
    except (services.PaymentError, providers.ProviderError) as error:
        form.add_error(None, error.message)
        return render(request, "portal/payments/pay.html", context, status=409)
    return redirect("portal:payment", dossier.code, payment.reference)


@citizen_required
@require_GET
@never_cache
def payment(request: HttpRequest, code: str, reference: str) -> HttpResponse:
    """One payment as it stands; for VietQR, the code to scan with a bank app."""
    dossier = own_dossier(request, code)
    found = Payment.objects.filter(dossier=dossier, reference=reference).first()
    if found is None:
        raise Http404
    context: dict[str, Any] = {"dossier": dossier, "payment": found}
    if found.provider == Provider.VIETQR and found.status == Payment.Status.PENDING:
        try:
            context["transfer"] = providers.vietqr_transfer(found)
        except providers.ProviderError as error:
            context["provider_error"] = error.message
    return render(request, "portal/payments/payment.html", context)


@citizen_required
@require_GET
def receipt(request: HttpRequest, code: str, reference: str) -> HttpResponse:
    """The payment's signed electronic receipt (issued the first time it is asked for)."""
    dossier = own_dossier(request, code)
    found = Payment.objects.filter(dossier=dossier, reference=reference).first()
    if found is None or found.status != Payment.Status.PAID:
        raise Http404
    try:
        document = receipt_for(found)
    except IssueError:
        logger.exception("Receipt of payment %s could not be signed", found.reference)
        return render(
            request, "portal/documents/issue_error.html", {"dossier": dossier}, status=503
        )
    return pdf_response(document)
