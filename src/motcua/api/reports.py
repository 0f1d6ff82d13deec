"""GET /api/v1/reports/monthly: a unit's monthly report, the figures of the back-office page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import BaseModel
from pydantic import Field as P

from motcua.catalog.selectors import agency_by_code
from motcua.core.http import encoded_answer, gzipped
from motcua.core.security import announce
from motcua.dossiers.reports import (
    FLOWS,
    MonthlyReport,
    ReportRow,
    kept,
    may_see_report,
    monthly_report,
    parse_month,
)
from motcua.identity.models import User

from .auth import bearer
from .dossier_views import is_staff_reader
from .errors import ApiError
from .replica_reads import replica_reads
from .schemas import ErrorOut

router = Router(tags=["reports"])


class MonthlyQuery(Schema):
    agency: str = P(..., max_length=20, description="Electronic ID of the unit")
    month: str = P(..., max_length=7, description="YYYY-MM")


# The answers are plain pydantic models: they are built from dicts, and ninja's Schema would
# wrap each of a unit's hundred-odd rows in an attribute getter for Django objects first.
class FiguresOut(BaseModel):
    carried_over: int
    received: int
    received_online: int
    received_direct: int
    resolved: int
    resolved_early: int
    resolved_on_time: int
    resolved_late: int
    supplement_requested: int
    refused: int
    withdrawn: int
    stopped: int
    returned: int
    became_overdue: int
    in_process: int
    on_time_rate: Decimal | None
    digitised: int
    reused: int
    e_results: int
    e_result_rate: Decimal | None
    digitised_rate: Decimal | None
    reused_rate: Decimal | None


class ProcedureFiguresOut(FiguresOut):
    procedure_code: str
    procedure_name: str


class MonthlyOut(BaseModel):
    agency: str
    agency_name: str
    month: str
    procedures: list[ProcedureFiguresOut]
    total: FiguresOut


def _figures(row: ReportRow) -> dict[str, Any]:
    return {
        **{name: row.counts.get(name, 0) for name in FLOWS},
        "carried_over": row.carried_over,
        "received": row.received,
        "resolved": row.resolved,
        "in_process": row.in_process,
        "on_time_rate": row.on_time_rate,
        "e_result_rate": row.e_result_rate,
        "digitised_rate": row.digitised_rate,
        "reused_rate": row.reused_rate,
    }


@router.get(
    "/monthly",
    auth=bearer,
    response={200: MonthlyOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="A unit's monthly report, per procedure, from the daily summary",
)
@replica_reads
def monthly(request: HttpRequest, params: Query[MonthlyQuery]) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not is_staff_reader(user):
        raise ApiError(_("Chỉ cán bộ mới xem được báo cáo."), 403)
    month = parse_month(params.month)
    if month is None or "-" not in params.month:
        raise ApiError(_("Tháng cần viết theo dạng YYYY-MM, ví dụ 2026-11."), 400)
    agency = agency_by_code(params.agency)
    if agency is None:
        raise ApiError(_("Không tìm thấy đơn vị có mã định danh này."), 404)
    if not may_see_report(user, agency):
        raise ApiError(_("Bạn không xem được báo cáo của đơn vị này."), 403)
    # Built and serialised by pydantic once (a unit may have thousands of rows), and for a
    # closed month kept as the answer's bytes with the report: a ward's month at 5 million
    # dossiers is 2.2 MB, whose encoding at each read cost 2.7 ms (issue 18). A client that
    # accepts gzip (every browser and HTTP library) gets it compressed, kept compressed too:
    # that month is 108 KB then, for a leader on a phone and for every hop in between.

    def plain() -> bytes:
        return kept(agency, month, "api-json-bytes", lambda: _answer(monthly_report(agency, month)))

    response = encoded_answer(
        request,
        "application/json",
        plain,
        lambda: kept(agency, month, "api-json-gzip", lambda: gzipped(plain())),
    )
    announce("data.exported", request=request, target=f"report:{agency.electronic_id}",
             detail={"format": "json", "month": f"{month:%Y-%m}"})  # fmt: skip
    return response


def _answer(report: MonthlyReport) -> bytes:
    agency = report.agency
    answer = MonthlyOut.model_validate(
        {
            "agency": agency.electronic_id,
            "agency_name": agency.name,
            "month": f"{report.month:%Y-%m}",
            "procedures": [
                {**_figures(row), "procedure_code": row.code, "procedure_name": row.name}
                for row in report.rows
            ],
            "total": _figures(report.total),
        }
    )
    return answer.model_dump_json().encode()
