"""A unit's monthly report: received, resolved early / on time / late, in process, overdue,
per procedure, from the daily summary; as a page and as a CSV file."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from motcua.core.security import announce
from motcua.dossiers.access import officer_scope
from motcua.dossiers.reports import (
    MonthlyReport,
    may_see_report,
    monthly_report,
    parse_month,
)
from motcua.feedback import selectors as feedback_selectors
from motcua.feedback.models import ItemChannel
from motcua.identity.models import Agency, User
from motcua.reporting.index import unit_index
from motcua.reporting.periods import Period

from .access import officer_required
from .ledger import _cell


def _own_agencies(user: User) -> list[Agency]:
    scope = officer_scope(user)
    agencies = Agency.objects.order_by("name")
    return list(agencies if scope.is_system_admin else agencies.filter(pk__in=scope.agency_ids))


@officer_required
@require_GET
def monthly(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    agencies = _own_agencies(user)
    code = request.GET.get("don-vi") or (agencies[0].electronic_id if agencies else "")
    text = request.GET.get("thang") or f"{timezone.localdate():%m/%Y}"
    month = parse_month(text)
    agency = Agency.objects.select_related("unit").filter(electronic_id=code).first()
    context: dict[str, Any] = {"agencies": agencies, "code": code, "month_text": text}
    if month is None:
        context["error"] = _("Tháng cần viết theo dạng tháng/năm, ví dụ 11/2026.")
        return render(request, "backoffice/report.html", context, status=400)
    if agency is None or not may_see_report(user, agency):
        context["error"] = _("Bạn không xem được báo cáo của đơn vị này.")
        return render(request, "backoffice/report.html", context, status=403)
    report = monthly_report(agency, month)
    if request.GET.get("dinh-dang") == "csv":
        announce("data.exported", request=request, target=f"report:{agency.electronic_id}",
                 detail={"format": "csv", "month": f"{month:%Y-%m}"})  # fmt: skip
        response = HttpResponse(_csv(report), content_type="text/csv")
        name = f"bao-cao-{report.agency.electronic_id}-{report.month:%Y-%m}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    csv_query = request.GET.copy()
    csv_query["don-vi"], csv_query["thang"] = code, f"{report.month:%m/%Y}"
    csv_query["dinh-dang"] = "csv"
    return render(request, "backoffice/report.html", {
        **context, "report": report, "csv_query": csv_query.urlencode(),
        "feedback": feedback_figures(agency, month),
        "index": (index := unit_index(agency, Period.month(month.year, month.month))),
        "on_time": index.indicator("2.1"),
    })  # fmt: skip


def feedback_figures(agency: Agency, month: date) -> dict[str, Any]:
    """Decision 766, 5.2 and 5.3, over the feedback the unit received in the month (Hà Nội
    time), with the count per channel."""
    start = timezone.make_aware(datetime.combine(month, time()))
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    end = timezone.make_aware(datetime.combine(following, time()))
    figures = feedback_selectors.figures([agency.pk], start, end)
    channels = [(label, figures.by_channel.get(value, 0)) for value, label in ItemChannel.choices]
    satisfied = figures.total - figures.unsatisfied
    return {"figures": figures, "channels": channels, "satisfied": satisfied}


def _rate(rate: Decimal | None) -> str:
    return "" if rate is None else str(rate).replace(".", ",")


def _csv(report: MonthlyReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    out.write("\ufeff")  # so spreadsheet programs read the file as UTF-8
    writer.writerow([
        _("Mã thủ tục"), _("Thủ tục"), _("Kỳ trước chuyển qua"), _("Tiếp nhận trực tuyến"),
        _("Tiếp nhận trực tiếp, bưu chính"), _("Giải quyết trước hạn"), _("Giải quyết đúng hạn"),
        _("Giải quyết quá hạn"), _("Yêu cầu bổ sung"), _("Từ chối"), _("Rút hồ sơ"),
        _("Dừng xử lý"), _("Trả kết quả"), _("Chuyển quá hạn"), _("Đang xử lý cuối tháng"),
        _("Đúng hạn / đã xử lý xong (%)"), _("Kết quả điện tử"), _("Tỷ lệ kết quả điện tử (%)"),
        _("Hồ sơ có thành phần số hóa"), _("Tỷ lệ số hóa (%)"),
        _("Hồ sơ tái sử dụng dữ liệu"), _("Tỷ lệ tái sử dụng (%)"),
    ])  # fmt: skip
    for row in [*report.rows, report.total]:
        is_total = row is report.total
        writer.writerow([
            "" if is_total else row.code, _("Tổng cộng") if is_total else _cell(row.name),
            row.carried_over, row.received_online, row.received_direct, row.resolved_early,
            row.resolved_on_time, row.resolved_late, row.supplement_requested, row.refused,
            row.withdrawn, row.stopped, row.returned, row.became_overdue, row.in_process,
            _rate(row.on_time_rate), row.e_results, _rate(row.e_result_rate), row.digitised,
            _rate(row.digitised_rate), row.reused, _rate(row.reused_rate),
        ])  # fmt: skip
    return out.getvalue()
