"""The working calendar in force: the admin-edited holiday table plus the office hours."""

from __future__ import annotations

from datetime import date, datetime, time
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Max

from .models import Holiday
from .working_time import OfficeHours, WorkingCalendar


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
