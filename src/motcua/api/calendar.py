from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field as P

from motcua.core.calendar import handover_cutoff, working_calendar
from motcua.core.working_time import DurationUnit

from .errors import ApiError
from .schemas import DueDateOut, ErrorOut

# Due dates are computed for real dossiers; far dates only overflow the arithmetic.
MIN_YEAR, MAX_YEAR = 1990, 2100

router = Router(tags=["calendar"])


class DueQuery(Schema):
    start: datetime = P(
        ..., description="Receipt time, ISO 8601; without offset = Asia/Ho_Chi_Minh"
    )
    working_days: Decimal | None = P(None, ge=0, le=3650)
    working_hours: Decimal | None = P(None, ge=0, le=29200)
    calendar_days: int | None = P(None, ge=0, le=3650)
    cutoff: bool = P(False, description="Apply the 15:00 hand-over rule of the one-stop desk")


@router.get(
    "/due", response={200: DueDateOut, 400: ErrorOut}, summary="Due date from a receipt time"
)
def due(request: HttpRequest, params: Query[DueQuery]) -> dict[str, Any]:
    given = {
        unit: value
        for unit, value in (
            (DurationUnit.WORKING_DAYS, params.working_days),
            (DurationUnit.WORKING_HOURS, params.working_hours),
            (DurationUnit.CALENDAR_DAYS, params.calendar_days),
        )
        if value is not None
    }
    if len(given) != 1:
        raise ApiError(
            _("Cần đúng một trong các tham số working_days, working_hours, calendar_days.")
        )
    ((unit, value),) = given.items()
    if not MIN_YEAR <= params.start.year <= MAX_YEAR:
        raise ApiError(
            _("Thời điểm tiếp nhận phải trong các năm %(min)s–%(max)s.")
            % {"min": MIN_YEAR, "max": MAX_YEAR}
        )
    zone = ZoneInfo(settings.TIME_ZONE)
    start = params.start if params.start.tzinfo else params.start.replace(tzinfo=zone)
    calendar = working_calendar()
    cutoff = handover_cutoff() if params.cutoff else None
    try:
        due_at = calendar.due_at(start, value=value, unit=unit, cutoff=cutoff)
        counting_from = calendar.due_at(
            start, value=0, unit=DurationUnit.WORKING_HOURS, cutoff=cutoff
        )
    except (ValueError, OverflowError) as error:
        raise ApiError(_("Không tính được ngày hẹn trả: %(why)s") % {"why": error}) from error
    return {
        "start": start.astimezone(zone),
        "counting_from": counting_from.astimezone(zone),
        "value": Decimal(value),
        "unit": unit.value,
        "cutoff_applied": cutoff is not None,
        "due": due_at.astimezone(zone),
    }
