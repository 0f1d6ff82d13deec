"""The Decision 766 index in the back office: a unit's figures as on the public page, each
opening to the dossiers behind it — counted, in the numerator, left out — with the rule that
judged each. For the unit's officers and those of the units above it (as the monthly report)."""

from __future__ import annotations

from typing import Any, cast

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from motcua.dossiers.reports import may_see_report
from motcua.identity.models import Agency, User
from motcua.reporting.explain import (
    FILTERS,
    NotExplained,
    as_entries,
    entries,
    explained_measure,
)
from motcua.reporting.forms import IndexQuery, quick_periods
from motcua.reporting.index import unit_index
from motcua.reporting.periods import Period

from .access import officer_required
from .reports import _own_agencies

PER_PAGE = 50


def _default() -> Period:
    return Period.current("month").previous()


def _unit_or_404(request: HttpRequest, code: str) -> Agency:
    agency = Agency.objects.select_related("unit", "parent").filter(electronic_id=code).first()
    if agency is None or not may_see_report(cast(User, request.user), agency):
        raise Http404
    return agency


@officer_required
@require_GET
def index_home(request: HttpRequest) -> HttpResponse:
    own = _own_agencies(cast(User, request.user))
    if not own:
        raise Http404
    return redirect("backoffice:index-unit", own[0].electronic_id)


@officer_required
@require_GET
def index_unit(request: HttpRequest, code: str) -> HttpResponse:
    agency = _unit_or_404(request, code)
    form = IndexQuery(request.GET or None, default=_default())
    context: dict[str, Any] = {
        "form": form, "agency": agency, "quick": quick_periods(), "keep": [],
        "agencies": _own_agencies(cast(User, request.user)),
    }  # fmt: skip
    if form.is_bound and not form.is_valid():
        return render(request, "backoffice/index/unit.html", context, status=400)
    index = unit_index(agency, form.period, form.version)
    explain = reverse("backoffice:index-unit", args=[agency.electronic_id])
    return render(request, "backoffice/index/unit.html", {
        **context, "index": index, "period": form.period, "explain": explain, "query_base": "",
    })  # fmt: skip


@officer_required
@require_GET
def index_dossiers(request: HttpRequest, code: str, indicator: str) -> HttpResponse:
    agency = _unit_or_404(request, code)
    form = IndexQuery(request.GET or None, default=_default())
    if form.is_bound and not form.is_valid():
        return render(request, "backoffice/index/dossiers.html",
                      {"form": form, "agency": agency, "quick": quick_periods(), "keep": []},
                      status=400)  # fmt: skip
    index = unit_index(agency, form.period, form.version)
    try:
        measure = explained_measure(index.version, indicator)
    except NotExplained:
        raise Http404 from None
    figure = index.indicator(indicator)
    which = request.GET.get("danh-sach", "counted")
    if which not in FILTERS:
        which = "counted"
    found = entries(agency, form.period, measure, which)
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    keep = request.GET.copy()
    keep.pop("page", None)
    return render(request, "backoffice/index/dossiers.html", {
        "form": form, "agency": agency, "quick": quick_periods(), "index": index,
        "period": form.period, "figure": figure, "which": which, "page": page,
        "rows": as_entries(list(page.object_list)), "query": keep.urlencode(),
        "keep": [("danh-sach", which)], "query_base": f"danh-sach={which}&",
        "lists": [
            ("counted", figure.denominator), ("numerator", figure.numerator),
            ("outside", None), ("excluded", None),
        ],
    })  # fmt: skip
