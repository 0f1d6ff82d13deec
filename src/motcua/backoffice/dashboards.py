"""The operations dashboards (điều hành): the city's view, one unit's view and a leader's view,
each figure from ``reporting.operations`` with its charts drawn on the server beside tables.

Who sees what is the monthly report's rule (``may_see_report``): a unit's own officers and
those of a unit above it, system administrators everywhere; the city view is the city
people's committee's. Anything else answers 404, so the pages never confirm a unit exists.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from motcua.dossiers.access import officer_scope
from motcua.dossiers.reports import may_see_report
from motcua.identity.models import Agency, User
from motcua.reporting.charts import Chart, Series, number
from motcua.reporting.dashboard import (
    key_indicators,
    ranking_ends,
    score_trend,
    scores,
    this_month,
    worst_first,
)
from motcua.reporting.index import IndicatorScore, UnitIndex, unit_index
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
        "indicators_chart": _indicators_chart(index), "groups_chart": _groups_chart(index),
        "score_chart": _score_chart(trend), "rates_chart": _rates_chart(trend),
        "received_chart": _received_chart(monthly_trend(agency)),
    })  # fmt: skip


def _city(request: HttpRequest, city: Agency) -> HttpResponse:
    units = list(city.children.select_related("unit").order_by("name"))
    live = operations(units)
    index = unit_index(city, this_month())
    return _render(request, "backoffice/dashboard_city.html", {
        "agency": city, "live": live, "figures": live.total, "index": index,
        "indicators_chart": _indicators_chart(index), "ends": ranking_ends(city),
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


def _indicators_chart(index: UnitIndex) -> Chart:
    shown = key_indicators(index)
    return Chart(
        kind="bars", ident="chi-so-chinh",
        title=_("Các chỉ số chính theo Quyết định 766, %(period)s")
        % {"period": index.period.label.lower()},
        category_header=_("Chỉ số"), categories=[f"{i.code}. {i.name}" for i in shown],
        series=[Series(_("Tỷ lệ"), [i.ratio for i in shown])], unit="%", maximum=100, places=2,
        notes=[_threshold_note(shown)],
    )  # fmt: skip


def _threshold_note(shown: list[IndicatorScore]) -> str:
    written = "; ".join(f"{i.code}: {number(i.threshold)}%" for i in shown)
    return _("Ngưỡng đạt điểm tối đa: %(thresholds)s. “—”: chưa có số liệu.") % {
        "thresholds": written
    }


def _groups_chart(index: UnitIndex) -> Chart:
    groups = index.groups
    maxima = ", ".join(f"{g.name} {number(g.points_max)}" for g in groups)
    return Chart(
        kind="stacked", ident="diem-theo-nhom",
        title=_("Điểm theo nhóm chỉ số, %(period)s") % {"period": index.period.label.lower()},
        category_header=_("Đơn vị"), categories=[index.agency.name],
        series=[Series(g.name, [g.points]) for g in groups], unit=_("điểm"),
        maximum=sum((g.points_max for g in groups), Decimal(0)) or None, places=2,
        notes=[_("Điểm tối đa: %(maxima)s.") % {"maxima": maxima}],
    )  # fmt: skip


def _score_chart(trend: list[UnitIndex]) -> Chart:
    return Chart(
        kind="line", ident="diem-theo-thang", title=_("Điểm chỉ số 766 theo tháng (trên 100)"),
        category_header=_("Tháng"), categories=[f"{i.period.start:%m/%Y}" for i in trend],
        series=[Series(_("Tổng điểm"), [i.total for i in trend])], maximum=100, places=2,
    )  # fmt: skip


def _ratio(index: UnitIndex, code: str) -> Decimal | None:
    try:
        return index.indicator(code).ratio
    except KeyError:  # not in this period's version
        return None


def _rates_chart(trend: list[UnitIndex]) -> Chart:
    return Chart(
        kind="line", ident="ty-le-theo-thang",
        title=_("Tỷ lệ đúng hạn (2.1) và nộp trực tuyến (3.3) theo tháng"),
        category_header=_("Tháng"), categories=[f"{i.period.start:%m/%Y}" for i in trend],
        series=[
            Series(_("Giải quyết đúng hạn"), [_ratio(i, "2.1") for i in trend]),
            Series(_("Nộp trực tuyến"), [_ratio(i, "3.3") for i in trend]),
        ],
        unit="%", maximum=100, places=2,
    )  # fmt: skip
