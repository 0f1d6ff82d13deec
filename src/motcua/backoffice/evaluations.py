"""The evaluation in the back office: the desk tablet on which the applicant rates at the
counter (the officer never sees the answer and cannot change it), and the aggregates page for
leaders, under the five-answer rule (motcua.surveys.selectors)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from motcua.dossiers.reports import may_see_report, parse_month
from motcua.identity.models import Agency
from motcua.surveys import selectors as figures
from motcua.surveys.forms import EvaluationForm
from motcua.surveys.invitation import invitation
from motcua.surveys.models import INDICATORS, EvaluationChannel, Overall
from motcua.surveys.services import (
    EVALUABLE,
    EvaluationError,
    evaluate_dossier,
    may_open_desk,
    refusal,
)

from .access import officer_required
from .dossier_views import _officer, _visible_or_404
from .reports import _own_agencies


def _desk_dossier(request: HttpRequest, code: str) -> Any:
    dossier = _visible_or_404(request, code)
    if not may_open_desk(_officer(request), dossier):
        raise Http404
    return dossier


@officer_required
@require_http_methods(["GET", "POST"])
@never_cache
def desk(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _desk_dossier(request, code)
    form, status = EvaluationForm(), 200
    if request.method == "POST":
        form, status = EvaluationForm(request.POST), 400
        if form.is_valid():
            try:
                evaluate_dossier(
                    dossier=dossier, answer=form.answer(), channel=EvaluationChannel.DESK
                )
            except EvaluationError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
                status = 409
            else:
                return redirect("backoffice:desk-evaluation-thanks", dossier.code)
    context = {"dossier": dossier, "form": form, "refused": refusal(dossier, "desk")}
    return render(request, "backoffice/desk/evaluation.html", context, status=status)


@officer_required
@require_GET
def desk_thanks(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _desk_dossier(request, code)
    return render(request, "backoffice/desk/evaluation_thanks.html", {"dossier": dossier})


@officer_required
@require_GET
def card(request: HttpRequest, code: str) -> HttpResponse:
    """The slip handed over with the result: the dossier's evaluation QR code, to print."""
    dossier = _desk_dossier(request, code)
    if dossier.status not in EVALUABLE:
        raise Http404
    context = {"dossier": dossier, "evaluation": invitation(dossier)}
    return render(request, "backoffice/dossiers/evaluation_card.html", context)


def _period(text: str) -> tuple[datetime, datetime] | None:
    month = parse_month(text)
    if month is None:
        return None
    start = timezone.make_aware(datetime.combine(month, time.min))
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start, timezone.make_aware(datetime.combine(following, time.min))


@officer_required
@require_GET
def aggregates(request: HttpRequest) -> HttpResponse:
    user = _officer(request)
    agencies = _own_agencies(user)
    code = request.GET.get("don-vi") or (agencies[0].electronic_id if agencies else "")
    text = request.GET.get("thang") or f"{timezone.localdate():%m/%Y}"
    context: dict[str, Any] = {"agencies": agencies, "code": code, "month_text": text}
    period = _period(text)
    agency = Agency.objects.filter(electronic_id=code).first()
    if period is None:
        context["error"] = _("Tháng cần viết theo dạng tháng/năm, ví dụ 11/2026.")
        return render(request, "backoffice/evaluations.html", context, status=400)
    if agency is None or not may_see_report(user, agency):
        context["error"] = _("Bạn không xem được số liệu đánh giá của đơn vị này.")
        return render(request, "backoffice/evaluations.html", context, status=403)
    found = figures.evaluations_in([agency], *period)
    total = figures.overall_figures(found, agency.name)
    context.update(
        agency=agency,
        start=period[0],
        indicators=list(INDICATORS.items()),
        levels=Overall.choices,
        total=total,
        total_rows=[total] if total.count else [],
        by_officer=figures.figures_by(found, "officer"),
        by_procedure=figures.figures_by(found, "procedure"),
        comments=figures.anonymous_comments(found),
        satisfaction=figures.satisfaction_figures([agency], *period),
        minimum=figures.MIN_ANSWERS,
    )
    return render(request, "backoffice/evaluations.html", context)
