"""Public pages of the Decision 766 index: the ranking of a level's units under a parent (with
CSV and XLSX), and one unit's score, trend and where it lost points. Every figure carries its
definition; the dossiers behind a figure are for officers (back office)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from motcua.core.replicas import replica_reads
from motcua.identity.models import Agency
from motcua.reporting.board import as_csv, as_xlsx, board, default_parent, file_name, level_name
from motcua.reporting.forms import IndexQuery, RankingQuery, quick_periods
from motcua.reporting.index import trend, unit_index
from motcua.reporting.index_charts import groups_chart, ranking_chart, score_chart
from motcua.reporting.measures import MEASURES
from motcua.reporting.periods import Period


def _last_month() -> Period:
    return Period.current("month").previous()


def _query_base(request: HttpRequest, drop: tuple[str, ...] = ("ky", "dinh-dang")) -> str:
    kept = request.GET.copy()
    for name in drop:
        kept.pop(name, None)
    encoded = kept.urlencode()
    return f"{encoded}&" if encoded else ""


@require_GET
@replica_reads
def ranking_page(request: HttpRequest) -> HttpResponse:
    form = RankingQuery(request.GET or None, default=_last_month())
    context: dict[str, Any] = {"form": form, "quick": quick_periods(), "keep": []}
    valid = form.is_valid() if form.is_bound else True
    if not valid:
        return render(request, "portal/rankings/ranking.html", context, status=400)
    parent = (form.cleaned_data.get("cha") if form.is_bound else None) or default_parent()
    if parent is None:
        raise Http404
    level = form.cleaned_data.get("cap", "commune") if form.is_bound else "commune"
    period = form.period
    found = board(parent, level, period, form.version)
    fmt = request.GET.get("dinh-dang")
    if fmt == "csv":
        response = HttpResponse(as_csv(found), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{file_name(found, "csv")}"'
        return response
    if fmt == "xlsx":
        response = HttpResponse(
            as_xlsx(found),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{file_name(found, "xlsx")}"'
        return response
    base = _query_base(request)
    return render(
        request,
        "portal/rankings/ranking.html",
        {
            **context,
            "board": found,
            "period": period,
            "level_name": level_name(level),
            "query_base": base,
            "download": _query_base(request, ("dinh-dang",)),
            "indicators": [(i, MEASURES.get(i.measure or "")) for i in found.version.indicators()],
            "chart": ranking_chart(
                found.ranked,
                _("Điểm chất lượng phục vụ, %(period)s") % {"period": period.label.lower()},
            )
            if found.ranked
            else None,
        },
    )


@require_GET
@replica_reads
def unit_page(request: HttpRequest, code: str) -> HttpResponse:
    agency = Agency.objects.select_related("unit", "parent").filter(electronic_id=code).first()
    if agency is None:
        raise Http404
    form = IndexQuery(request.GET or None, default=_last_month())
    context: dict[str, Any] = {"form": form, "agency": agency, "quick": quick_periods()}
    if form.is_bound and not form.is_valid():
        return render(request, "portal/rankings/unit.html", context, status=400)
    period = form.period
    index = unit_index(agency, period, form.version)
    history = trend(agency, period, 12, form.version) if period.kind != "dates" else [index]
    lost = sorted((i for i in index.indicators() if i.scored and i.lost > 0), key=lambda i: -i.lost)
    return render(
        request,
        "portal/rankings/unit.html",
        {
            **context,
            "index": index,
            "period": period,
            "trend": history,
            "lost": lost,
            "query_base": _query_base(request),
            "keep": [],
            "groups_chart": groups_chart(index),
            "score_chart": score_chart(history) if len(history) > 1 else None,
        },
    )
