"""Moments for the demo's dossiers: working hours in the past weeks, never after now."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from motcua.core.working_time import VN_TZ, WorkingCalendar

# The office times a walk-in arrives at: from opening to a little before each session ends.
SESSIONS = ((time(8, 0), 210), (time(13, 0), 210))


@dataclass
class Clock:
    calendar: WorkingCalendar
    now: datetime
    rng: random.Random

    def working_days_back(self, days: float) -> date:
        """The working day ``days`` working days before today (today for 0)."""
        day = self.now.astimezone(VN_TZ).date()
        remaining = int(days)
        while remaining > 0 or not self.calendar.is_working_day(day):
            if self.calendar.is_working_day(day):
                remaining -= 1
            day -= timedelta(days=1)
        return day

    def office_moment(self, day: date) -> datetime:
        start, span = self.rng.choice(SESSIONS)
        moment = datetime.combine(day, start, VN_TZ) + timedelta(minutes=self.rng.randrange(span))
        return moment if moment < self.now else self.last_office_moment()

    def last_office_moment(self) -> datetime:
        """A desk moment in the last afternoon session that has already passed (a demo run
        at night or early morning must not show officers working at 22:30)."""
        day = self.now.astimezone(VN_TZ).date()
        while True:
            closing = datetime.combine(day, time(16, 30), VN_TZ)
            if self.calendar.is_working_day(day) and closing < self.now:
                return closing - timedelta(minutes=self.rng.randint(5, 180))
            day -= timedelta(days=1)

    def any_moment(self, day: date) -> datetime:
        """An online submission: any time from early morning to late evening."""
        moment = datetime.combine(day, time(6, 30), VN_TZ)
        return self.before_now(moment + timedelta(minutes=self.rng.randrange(16 * 60)))

    def before_now(self, moment: datetime) -> datetime:
        if moment < self.now:
            return moment
        return self.now - timedelta(minutes=self.rng.randint(5, 90))

    def after(self, moment: datetime, hours: float) -> datetime:
        """``hours`` working hours after ``moment``; when that is later than now, a working
        moment between the two instead (the demo never records the future)."""
        calendar = self.calendar
        later = self._add(moment, hours)
        if later < self.now:
            return later
        left = float(calendar.working_hours_between(moment, self.now))
        squeezed = self._add(moment, left * self.rng.uniform(0.2, 0.6))
        if squeezed < self.now:
            return squeezed
        return min(moment + timedelta(minutes=1), self.now)

    def _add(self, moment: datetime, hours: float) -> datetime:
        minutes = max(round(hours * 60), 1)
        start = self.calendar.next_working_moment(moment)
        return self.calendar.add_working_hours(start, Decimal(minutes) / Decimal(60))
