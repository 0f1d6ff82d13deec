from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field as P

from motcua.core.calendar import DueDateError, compute_due
from motcua.core.working_time import DurationUnit

from .errors import ApiError
from .schemas import DueDateOut, ErrorOut

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
    try:
        result = compute_due(params.start, value=value, unit=unit, apply_cutoff=params.cutoff)
    except DueDateError as error:
        raise ApiError(error.message) from error
    return {
        "start": result.received_at,
        "counting_from": result.counting_from,
        "value": Decimal(value),
        "unit": unit.value,
        "cutoff_applied": params.cutoff,
        "due": result.due,
    }
