"""The working calendar in force: the admin-edited holiday table plus the office hours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from .models import Holiday
from .working_time import DurationUnit, OfficeHours, WorkingCalendar

# Due dates are for real dossiers; far-off years only overflow the date arithmetic.
EARLIEST_YEAR, LATEST_YEAR = 1990, 2100


def parse_office_hours(text: str) -> OfficeHours:
    """ "08:00-12:00,13:00-17:00" -> OfficeHours."""
    try:
        sessions = tuple(
            (time.fromisoformat(start.strip()), time.fromisoformat(end.strip()))
            for start, end in (part.split("-") for part in text.split(",") if part.strip())
        )
        return OfficeHours(sessions=sessions)
    except ValueError as error:
        raise ImproperlyConfigured(f"MOTCUA_OFFICE_HOURS is not valid: {text!r}") from error


def handover_cutoff() -> time | None:
    value = settings.HANDOVER_CUTOFF.strip()
    return time.fromisoformat(value) if value else None


def working_calendar() -> WorkingCalendar:
    """The calendar, rebuilt only when the holiday table changed (one cheap query)."""
    stamp = Holiday.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    return _build(stamp["n"], stamp["last"], settings.OFFICE_HOURS)


@lru_cache(maxsize=4)
def _build(count: int, last_change: datetime | None, office_hours: str) -> WorkingCalendar:
    days_off: set[date] = set()
    workdays: set[date] = set()
    for day, kind in Holiday.objects.values_list("date", "kind"):
        if kind == Holiday.Kind.DAY_OFF:
            days_off.add(day)
        elif day.weekday() >= 5:
            workdays.add(day)
        # A weekday marked as a working day cancels a seeded day off and keeps re-seeding
        # from bringing it back; it needs nothing else.
    return WorkingCalendar(
        holidays=frozenset(days_off),
        working_weekend_days=frozenset(workdays),
        office_hours=parse_office_hours(office_hours),
    )


class DueDateError(ValueError):
    """A due date that cannot be computed; ``message`` is for the person who asked."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class DueDate:
    received_at: datetime
    counting_from: datetime
    due: datetime


def compute_due(
    received_at: datetime,
    *,
    value: Decimal | int,
    unit: DurationUnit | str,
    apply_cutoff: bool = False,
) -> DueDate:
    """The due date on the calendar in force, for every screen and endpoint that asks.

    A time without offset is read as local time; any failure of the engine (a year out of
    range, a calendar with no working day left) becomes a DueDateError, never a crash.
    """
    if received_at.tzinfo is None:
        received_at = received_at.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
    if not EARLIEST_YEAR <= received_at.year <= LATEST_YEAR:
        raise DueDateError(
            _("Thời điểm tiếp nhận phải trong các năm %(min)s–%(max)s.")
            % {"min": EARLIEST_YEAR, "max": LATEST_YEAR}
        )
    calendar = working_calendar()
    cutoff = handover_cutoff() if apply_cutoff else None
    try:
        due = calendar.due_at(received_at, value=value, unit=unit, cutoff=cutoff)
        start = calendar.due_at(
            received_at, value=0, unit=DurationUnit.WORKING_HOURS, cutoff=cutoff
        )
    except (ValueError, OverflowError) as error:
        raise DueDateError(
            _("Không tính được ngày hẹn trả theo lịch làm việc hiện hành từ thời điểm này.")
        ) from error
    zone = ZoneInfo(settings.TIME_ZONE)
    return DueDate(
        received_at=received_at.astimezone(zone),
        counting_from=start.astimezone(zone),
        due=due.astimezone(zone),
    )
