"""Working-time engine: legal due dates for one-stop dossiers (Vietnam).

Pure Python (standard library + ``holidays``); no Django, so it can be unit
tested in isolation and reused by the API, the back office and batch jobs.

Semantics (see docs DOMAIN-VN §1.3 and §8):

* Every datetime is interpreted and returned in Asia/Ho_Chi_Minh. Naive
  datetimes raise ``ValueError``: a deadline computed from a guessed zone is a
  legal risk, so we refuse to guess.
* A *working moment* is an instant inside an office session, ``[start, end)``,
  on a working day. The session end itself is not a working moment (the office
  is closing), but a count may *end* there: 08:00 + 4 h is due at 12:00, not at
  13:00.
* A working day is Monday-Friday that is not a holiday, or a make-up weekend
  day (Vietnam swaps a Saturday for a day off around holidays).
* ``HOURS_PER_WORKING_DAY`` is 8 whatever the session lengths, as in the
  production calculator that stores processing times in hours.
* Durations are rounded once, to the nearest whole minute (half up), before
  counting. Receipt times keep their seconds. ``working_hours_between`` is
  exact (it returns the microsecond count as ``Decimal`` hours, rounded only
  when the quotient does not terminate within 28 significant digits).
* Wall-clock arithmetic is used throughout: Asia/Ho_Chi_Minh has had no DST
  since 1975, so one calendar day is exactly 24 hours.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal
from enum import StrEnum
from itertools import pairwise
from typing import Final
from zoneinfo import ZoneInfo

from holidays import country_holidays

__all__ = [
    "DEFAULT_OFFICE_HOURS",
    "HOURS_PER_WORKING_DAY",
    "MAX_DAYS_TO_NEXT_WORKING_DAY",
    "VN_TZ",
    "DurationUnit",
    "OfficeHours",
    "WorkingCalendar",
]

VN_TZ: Final = ZoneInfo("Asia/Ho_Chi_Minh")
HOURS_PER_WORKING_DAY: int = 8
# A real calendar never has a year without a working day; hitting this bound
# means the holiday table is corrupt, and we prefer an error to a hang.
MAX_DAYS_TO_NEXT_WORKING_DAY: Final = 366

_ZERO: Final = timedelta(0)
_ONE_DAY: Final = timedelta(days=1)
_MICROSECONDS_PER_HOUR: Final = Decimal(3_600_000_000)
# A private context so results never depend on the caller's thread-local
# decimal settings.
_DECIMAL: Final = Context(prec=28)

Number = Decimal | int | float
Session = tuple[datetime, datetime]


class DurationUnit(StrEnum):
    """How a procedure's processing time is expressed."""

    WORKING_HOURS = "working_hours"
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"


@dataclass(frozen=True)
class OfficeHours:
    """Daily office sessions as naive wall-clock times in Asia/Ho_Chi_Minh."""

    sessions: tuple[tuple[time, time], ...] = ((time(8), time(12)), (time(13), time(17)))

    def __post_init__(self) -> None:
        # Accept lists (e.g. from JSON settings) but store tuples so the
        # dataclass stays hashable and immutable.
        sessions = tuple((start, end) for start, end in self.sessions)
        object.__setattr__(self, "sessions", sessions)
        _validate_sessions(sessions)


def _validate_sessions(sessions: tuple[tuple[time, time], ...]) -> None:
    if not sessions:
        raise ValueError("OfficeHours needs at least one session")
    for start, end in sessions:
        if start.tzinfo is not None or end.tzinfo is not None:
            raise ValueError("office session times must be naive wall-clock times")
        if start >= end:
            raise ValueError(f"office session must start before it ends: {start}-{end}")
    for (_, previous_end), (next_start, _) in pairwise(sessions):
        # Touching sessions are allowed; overlapping or unsorted ones would
        # double-count or reorder time.
        if next_start < previous_end:
            raise ValueError("office sessions must be sorted and must not overlap")


DEFAULT_OFFICE_HOURS: Final = OfficeHours()


@dataclass(frozen=True)
class WorkingCalendar:
    """Holidays, make-up weekend days and office hours, plus due-date maths.

    ``holidays`` are days off (any weekday); ``working_weekend_days`` are
    Saturdays/Sundays that are worked to compensate a swapped day off.
    """

    holidays: frozenset[date] = field(default_factory=frozenset)
    working_weekend_days: frozenset[date] = field(default_factory=frozenset)
    office_hours: OfficeHours = DEFAULT_OFFICE_HOURS

    def __post_init__(self) -> None:
        # The app feeds sets/lists read from the admin table; normalise them.
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "working_weekend_days", frozenset(self.working_weekend_days))
        _validate_days(self.holidays, self.working_weekend_days)

    @classmethod
    def from_holidays_package(
        cls, years: Iterable[int], office_hours: OfficeHours = DEFAULT_OFFICE_HOURS
    ) -> "WorkingCalendar":
        """Build a calendar from ``holidays.VN`` (used to seed the admin table).

        ``country_holidays("VN")`` builds the same ``holidays.VN`` object
        but, unlike the lazily loaded ``holidays.VN`` name, is visible to mypy.

        Holiday dates include observed and swapped days off (e.g. Mon
        31/8/2026). ``weekend_workdays`` lists the make-up Saturdays (e.g. Sat
        22/8/2026); holidays 0.109 also reports cross-year swaps defined for
        other years (e.g. 27/12/2014). Those are true facts, so we keep them.
        """
        country = country_holidays("VN", years=tuple(years))
        return cls(
            holidays=frozenset(country),
            working_weekend_days=frozenset(country.weekend_workdays),
            office_hours=office_hours,
        )

    # -- days ---------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        """Mon-Fri that is not a holiday, or a make-up weekend day."""
        if isinstance(day, datetime):
            # datetime never equals a date, so set lookups would silently miss.
            raise TypeError("is_working_day expects a date, not a datetime")
        if day in self.holidays:
            return False
        return day.weekday() < 5 or day in self.working_weekend_days

    def _next_working_day(self, day: date) -> date:
        """First working day strictly after ``day`` (bounded search)."""
        for offset in range(1, MAX_DAYS_TO_NEXT_WORKING_DAY + 1):
            candidate = day + timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise ValueError(f"no working day within {MAX_DAYS_TO_NEXT_WORKING_DAY} days after {day}")

    def _sessions_on(self, day: date) -> tuple[Session, ...]:
        """That day's sessions as aware datetimes; empty on a day off."""
        if not self.is_working_day(day):
            return ()
        return tuple(
            (datetime.combine(day, start, VN_TZ), datetime.combine(day, end, VN_TZ))
            for start, end in self.office_hours.sessions
        )

    def _session_at_or_after(self, moment: datetime) -> Session:
        """The session containing ``moment`` or, failing that, the next one.

        A session whose end equals ``moment`` is already over, so a receipt
        at 12:00 or 17:00 is taken by the following session.
        """
        for start, end in self._sessions_on(moment.date()):
            if moment < end:
                return start, end
        return self._sessions_on(self._next_working_day(moment.date()))[0]

    # -- moments ------------------------------------------------------------

    def next_working_moment(self, moment: datetime) -> datetime:
        """``moment`` if the office is open then, else the next session start."""
        local = _as_local(moment, "moment")
        start, _ = self._session_at_or_after(local)
        return max(local, start)

    def _end_of_working_day(self, moment: datetime) -> datetime:
        """End of the last session of the day on which counting starts."""
        start = self.next_working_moment(moment)
        return self._sessions_on(start.date())[-1][1]

    def _counting_start(self, received_at: datetime, cutoff: time | None) -> datetime:
        """Where the clock starts, applying the optional hand-over cut-off."""
        local = _as_local(received_at, "received_at")
        if cutoff is not None and self._is_past_cutoff(local, cutoff):
            next_day = self._next_working_day(local.date())
            return self._sessions_on(next_day)[0][0]
        return self.next_working_moment(local)

    def _is_past_cutoff(self, local: datetime, cutoff: time) -> bool:
        if cutoff.tzinfo is not None:
            raise ValueError("cutoff must be a naive wall-clock time")
        # No working-day check needed: on a day off, both the cut-off path and
        # the normal roll give the next working day's opening.
        return local.time() >= cutoff

    # -- adding time --------------------------------------------------------

    def _add_working_time(self, start: datetime, amount: timedelta) -> datetime:
        """Walk session by session; ends exactly at a session end if it fits.

        Terminates because each step moves to a later session and consumes a
        strictly positive slice of ``amount``.
        """
        session_start, session_end = self._session_at_or_after(start)
        current = max(start, session_start)
        remaining = amount
        while remaining > session_end - current:
            remaining -= session_end - current
            current, session_end = self._session_at_or_after(session_end)
        return current + remaining

    def add_working_hours(self, start: datetime, hours: Number) -> datetime:
        """Counting start + ``hours`` of office time (0 h -> counting start)."""
        local = _as_local(start, "start")
        return self._add_working_time(local, _minutes(_non_negative(hours, "hours")))

    def add_working_days(self, start: datetime, days: Number) -> datetime:
        """``days`` x 8 working hours; 0 days means "trong ngày".

        "Trong ngày" (within the day) is due at the close of the working day on
        which counting starts, not at the counting start itself. This makes the
        result jump at 0 (0.01 day may be due earlier than 0 days); that is the
        legal meaning, not an arithmetic one.
        """
        local = _as_local(start, "start")
        amount = _non_negative(days, "days")
        if amount == 0:
            return self._end_of_working_day(local)
        hours = _DECIMAL.multiply(amount, Decimal(HOURS_PER_WORKING_DAY))
        return self._add_working_time(local, _minutes(hours))

    def add_calendar_days(self, start: datetime, days: int) -> datetime:
        """Rolled start + ``days`` x 24 h, then rolled to a working moment.

        Chosen rule, exactly: (1) roll the start to the next working moment
        (a receipt on Sunday counts from Monday's opening); (2) add ``days`` x
        24 h, i.e. the same wall-clock time ``days`` dates later (Vietnam has
        no DST); (3) if that instant is not a working moment, move it to the
        next one. Because step 1 puts the time of day inside a session, step 3
        only ever fires when the landing day is not a working day, and then
        the due time is the *opening* of the next working day. Why: this is the
        literal "next working moment" rule of the platform spec and matches
        the production calculator, which only pushes a calendar-day deadline
        off a non-working day. (Civil Code 2015 art. 148 would instead end the
        period at the close of that next working day; change step 3 here if
        legal review prefers it.) 0 days returns the rolled start.
        """
        local = _as_local(start, "start")
        count = _whole_days(days)
        rolled = self.next_working_moment(local)
        return self.next_working_moment(rolled + timedelta(days=count))

    # -- measuring and pausing ----------------------------------------------

    def _working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Office time in ``[start, end)``; zero if ``end <= start``."""
        total = _ZERO
        day = start.date()
        while day <= end.date():
            for session_start, session_end in self._sessions_on(day):
                overlap = min(session_end, end) - max(session_start, start)
                total += max(overlap, _ZERO)
            day += _ONE_DAY
        return total

    def working_hours_between(self, start: datetime, end: datetime) -> Decimal:
        """Working hours elapsed between two instants (0 if ``end <= start``)."""
        elapsed = self._working_time_between(_as_local(start, "start"), _as_local(end, "end"))
        microseconds = elapsed // timedelta(microseconds=1)
        return _DECIMAL.divide(Decimal(microseconds), _MICROSECONDS_PER_HOUR)

    def shift_for_pause(
        self, due: datetime, *, paused_at: datetime, resumed_at: datetime
    ) -> datetime:
        """Push ``due`` later by the working time elapsed during the pause.

        Uses the exact elapsed time (not rounded hours) so the shift is exact.
        An empty pause returns ``due`` unchanged, even when ``due`` is a
        session end such as 17:00.
        """
        local_due = _as_local(due, "due")
        paused = _as_local(paused_at, "paused_at")
        resumed = _as_local(resumed_at, "resumed_at")
        if resumed < paused:
            raise ValueError("resumed_at must not be before paused_at")
        pause = self._working_time_between(paused, resumed)
        if pause == _ZERO:
            return local_due
        return self._add_working_time(local_due, pause)

    # -- the one-stop entry point -------------------------------------------

    def due_at(
        self,
        received_at: datetime,
        *,
        value: Number,
        unit: DurationUnit | str,
        cutoff: time | None = None,
    ) -> datetime:
        """Legal due time of a dossier received at ``received_at``.

        ``cutoff`` (e.g. 15:00): a receipt on a working day at or after it is
        handled from the next working day's opening.
        """
        start = self._counting_start(received_at, cutoff)
        duration_unit = DurationUnit(unit)
        if duration_unit is DurationUnit.WORKING_HOURS:
            return self.add_working_hours(start, value)
        if duration_unit is DurationUnit.WORKING_DAYS:
            return self.add_working_days(start, value)
        return self.add_calendar_days(start, _whole_days(value))


# -- module helpers ------------------------------------------------------------


def _validate_days(days_off: frozenset[date], weekend_workdays: frozenset[date]) -> None:
    for day in days_off | weekend_workdays:
        if isinstance(day, datetime) or not isinstance(day, date):
            raise TypeError(f"calendar days must be dates, got {day!r}")
    if clash := days_off & weekend_workdays:
        raise ValueError(f"dates both holiday and working: {sorted(clash)}")
    if weekdays := {day for day in weekend_workdays if day.weekday() < 5}:
        # Mon-Fri are working unless listed as holidays; listing one here is
        # almost certainly a data-entry mistake, so say so.
        raise ValueError(f"working_weekend_days must be Sat/Sun: {sorted(weekdays)}")


def _as_local(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")
    return moment.astimezone(VN_TZ)


def _non_negative(value: Number, name: str) -> Decimal:
    """Exact Decimal for a duration; floats go through ``str`` so 0.1 is 0.1."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float):
        raise TypeError(f"{name} must be a Decimal, int or float, got {value!r}")
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite() or number < 0:
        raise ValueError(f"{name} must be a finite, non-negative number, got {value!r}")
    return number


def _minutes(hours: Decimal) -> timedelta:
    """Round to the nearest whole minute, half up (the receipt shows hh:mm)."""
    minutes = _DECIMAL.multiply(hours, Decimal(60)).to_integral_value(ROUND_HALF_UP)
    return timedelta(minutes=int(minutes))


def _whole_days(value: Number) -> int:
    """Calendar days must be whole: there is no legal "half calendar day"."""
    number = _non_negative(value, "days")
    if number != number.to_integral_value():
        raise ValueError(f"calendar days must be a whole number, got {value!r}")
    return int(number)
