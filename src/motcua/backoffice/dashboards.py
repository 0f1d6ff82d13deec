"""The operations dashboards (điều hành): the city's view, one unit's view and a leader's view,
each figure from ``reporting.operations`` with its charts drawn on the server beside tables.

Who sees what is the monthly report's rule (``may_see_report``): a unit's own officers and
those of a unit above it, system administrators everywhere; the city view is the city
people's committee's. Anything else answers 404, so the pages never confirm a unit exists.
"""

from __future__ import annotations

from typing import Any, cast

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from motcua.dossiers.access import officer_scope
from motcua.dossiers.reports import may_see_report
from motcua.identity.models import Agency, User
from motcua.reporting.charts import Chart, Series
from motcua.reporting.dashboard import (
    ranking_ends,
    score_trend,
    scores,
    this_month,
    worst_first,
)
from motcua.reporting.index import unit_index
from motcua.reporting.index_charts import groups_chart, indicators_chart, rates_chart, score_chart
from motcua.reporting.operations import (
    MonthFigures,
    UnitFigures,
    city_agency,
    led_units,
    monthly_trend,
    operations,
)

from .access import officer_required

REFRESH_SECONDS = 60


@officer_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """The city's view for its officers, a leader's own units otherwise (every top unit for a
    system administrator when there is no city); an officer who leads nothing goes to their
    first unit's view."""
    user = cast(User, request.user)
    city = city_agency()
    if city is not None and may_see_report(user, city):
        return _city(request, city)
    scope = officer_scope(user)
    led = led_units(user)
    if not led and scope.is_system_admin:  # no city people's committee: every top unit
        led = list(Agency.objects.filter(parent__isnull=True).select_related("unit"))
    if led:
        return _leader(request, led)
    own = Agency.objects.filter(pk__in=scope.agency_ids).order_by("name").first()
    if own is None:
        raise Http404
    return redirect("backoffice:dashboard-unit", electronic_id=own.electronic_id)


@officer_required
@require_GET
def unit(request: HttpRequest, electronic_id: str) -> HttpResponse:
    user = cast(User, request.user)
    agency = Agency.objects.select_related("unit").filter(electronic_id=electronic_id).first()
    if agency is None or not may_see_report(user, agency):
        raise Http404
    children = list(agency.children.select_related("unit").order_by("name"))
    live = operations([agency, *children])
    trend = score_trend(agency)
    index = trend[-1]
    return _render(request, "backoffice/dashboard_unit.html", {
        "agency": agency, "live": live, "figures": live.rows[0], "index": index,
        "rows": worst_first(live.rows[1:], scores(children)),
        "overdue_chart": _overdue_chart(live.rows[1:]),
        "indicators_chart": indicators_chart(index), "groups_chart": groups_chart(index),
        "score_chart": score_chart(trend), "rates_chart": rates_chart(trend),
        "received_chart": _received_chart(monthly_trend(agency)),
    })  # fmt: skip


def _city(request: HttpRequest, city: Agency) -> HttpResponse:
    units = list(city.children.select_related("unit").order_by("name"))
    live = operations(units)
    index = unit_index(city, this_month())
    return _render(request, "backoffice/dashboard_city.html", {
        "agency": city, "live": live, "figures": live.total, "index": index,
        "indicators_chart": indicators_chart(index), "ends": ranking_ends(city),
        "rows": worst_first(live.rows, scores(units)), "overdue_chart": _overdue_chart(live.rows),
    })  # fmt: skip


def _leader(request: HttpRequest, led: list[Agency]) -> HttpResponse:
    below = Agency.objects.filter(parent__in=led).exclude(pk__in=[a.pk for a in led])
    units = [*led, *below.select_related("unit").order_by("name")]
    live = operations(units)
    totals = scores(units)
    return _render(request, "backoffice/dashboard_leader.html", {
        "led": led, "live": live, "figures": live.total, "period": this_month(),
        "rows": worst_first(live.rows, totals), "totals": totals,
        "overdue_chart": _overdue_chart(live.rows),
    })  # fmt: skip


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """With ``?lam-moi=60`` the page reloads itself every minute until the user turns it off
    (WCAG 2.2.1: the person chooses it)."""
    refresh = request.GET.get("lam-moi") == str(REFRESH_SECONDS)
    return render(request, template, {**context, "refresh": REFRESH_SECONDS if refresh else 0})


def _overdue_chart(rows: list[UnitFigures]) -> Chart:
    late = sorted((r for r in rows if r.overdue), key=lambda r: (-r.overdue, _name(r)))
    return Chart(
        kind="bars", ident="qua-han-theo-don-vi",
        title=_("Hồ sơ quá hạn hiện tại theo đơn vị"), category_header=_("Đơn vị"),
        categories=[_name(r) for r in late],
        series=[Series(_("Hồ sơ quá hạn"), [r.overdue for r in late])],
        notes=[_("Đơn vị không có hồ sơ quá hạn không được liệt kê.")],
    )  # fmt: skip


def _name(row: UnitFigures) -> str:
    return row.agency.name if row.agency else ""


def _month(figures: MonthFigures) -> str:
    return f"{figures.month:%m/%Y}"


def _received_chart(trend: list[MonthFigures]) -> Chart:
    return Chart(
        kind="columns", ident="tiep-nhan-theo-thang", title=_("Hồ sơ tiếp nhận theo tháng"),
        category_header=_("Tháng"), categories=[_month(m) for m in trend],
        series=[Series(_("Hồ sơ tiếp nhận"), [m.received for m in trend])],
    )  # fmt: skip
