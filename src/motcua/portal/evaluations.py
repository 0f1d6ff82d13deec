"""The satisfaction evaluation of a dossier: from the owner's dossier page (signed in) and from
the QR code on the receipt (no sign-in, a token). Neither page shows an answer already given:
whoever holds the slip, an officer included, learns nothing from the QR."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from motcua.dossiers import selectors
from motcua.dossiers.models import Dossier
from motcua.surveys.forms import EvaluationForm
from motcua.surveys.models import Evaluation, EvaluationChannel
from motcua.surveys.services import EvaluationError, dossier_for_token, evaluate_dossier, refusal

from .access import citizen_required


def _answer(request: HttpRequest, dossier: Dossier, channel: str) -> tuple[EvaluationForm, int]:
    """Parse and record a POST; the form (with its errors) and the status to answer."""
    form = EvaluationForm(request.POST)
    if not form.is_valid():
        return form, 400
    try:
        evaluate_dossier(dossier=dossier, answer=form.answer(), channel=channel)
    except EvaluationError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return form, 409
    return form, 302


def _context(dossier: Dossier, form: EvaluationForm, channel: str) -> dict[str, object]:
    return {
        "dossier": dossier,
        "form": form,
        "refused": refusal(dossier, channel),
        "evaluated": Evaluation.objects.filter(dossier=dossier).first(),
    }


@citizen_required
@require_http_methods(["GET", "POST"])
@never_cache
def evaluate_own(request: HttpRequest, code: str) -> HttpResponse:
    dossier = selectors.dossier_detail(request.user, code)
    if dossier is None or dossier.applicant_id != request.user.pk:
        raise Http404
    form, status = EvaluationForm(), 200
    if request.method == "POST":
        form, status = _answer(request, dossier, EvaluationChannel.PORTAL)
        if status == 302:
            messages.success(request, _("Cảm ơn Anh/Chị đã đánh giá."))
            return redirect("portal:dossier-detail", dossier.code)
    context = _context(dossier, form, EvaluationChannel.PORTAL)
    return render(request, "portal/dossiers/evaluate.html", context, status=status)


@require_http_methods(["GET", "POST"])
@never_cache
def evaluate_by_token(request: HttpRequest, token: str) -> HttpResponse:
    dossier = dossier_for_token(token)
    if dossier is None:
        raise Http404
    form, status = EvaluationForm(), 200
    if request.method == "POST":
        form, status = _answer(request, dossier, EvaluationChannel.QR)
        if status == 302:
            return redirect("portal:evaluation-thanks")
    context = _context(dossier, form, EvaluationChannel.QR)
    return render(request, "surveys/by_token.html", context, status=status)


@require_GET
def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "surveys/thanks.html")
