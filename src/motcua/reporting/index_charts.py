"""The index's charts, for every page that shows a unit's index (the dashboards, the public
unit page, the ranking): built once here from the index's own figures."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from .charts import Chart, Series, number
from .dashboard import key_indicators
from .index import IndicatorScore, UnitIndex


def indicators_chart(index: UnitIndex) -> Chart:
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


def groups_chart(index: UnitIndex) -> Chart:
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


def score_chart(trend: list[UnitIndex]) -> Chart:
    return Chart(
        kind="line", ident="diem-theo-thang", title=_("Điểm chỉ số 766 theo tháng (trên 100)"),
        category_header=_("Tháng"), categories=[_label(i) for i in trend],
        series=[Series(_("Tổng điểm"), [i.total for i in trend])], maximum=100, places=2,
    )  # fmt: skip


def _ratio(index: UnitIndex, code: str) -> Decimal | None:
    try:
        return index.indicator(code).ratio
    except KeyError:  # not in this period's version
        return None


def rates_chart(trend: list[UnitIndex]) -> Chart:
    return Chart(
        kind="line", ident="ty-le-theo-thang",
        title=_("Tỷ lệ đúng hạn (2.1) và nộp trực tuyến (3.3) theo tháng"),
        category_header=_("Tháng"), categories=[_label(i) for i in trend],
        series=[
            Series(_("Giải quyết đúng hạn"), [_ratio(i, "2.1") for i in trend]),
            Series(_("Nộp trực tuyến"), [_ratio(i, "3.3") for i in trend]),
        ],
        unit="%", maximum=100, places=2,
    )  # fmt: skip


def _label(index: UnitIndex) -> str:
    return f"{index.period.start:%m/%Y}" if index.period.kind == "month" else index.period.label


def ranking_chart(rows: list[dict[str, object]], title: str) -> Chart:
    """The ranked units' scores, best first (rows as ``rankings.frozen_row`` writes them)."""
    return Chart(
        kind="bars", ident="diem-xep-hang", title=title, category_header=_("Đơn vị"),
        categories=[f"{row['rank']}. {row['name']}" for row in rows],
        series=[Series(_("Điểm (thang 100)"), [Decimal(str(row["total"])) for row in rows])],
        maximum=100, places=2,
    )  # fmt: skip
