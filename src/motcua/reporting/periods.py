"""Periods of the index: a week, a month, a quarter, a year, or any dates, written in one key
("2026-W48", "2026-11", "2026-Q4", "2026", "2026-11-01..2026-11-15") for URLs and the API,
also accepted as Vietnamese people write them ("11/2026", "Q4/2026", "01/11/2026-15/11/2026")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

KINDS = ("week", "month", "quarter", "year", "dates")
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
LONGEST = 366 * 5  # days: a "dates" period longer than five years is refused


class PeriodError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _month_end(year: int, month: int) -> date:
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


@dataclass(frozen=True, order=True)
class Period:
    kind: str
    start: date
    end: date  # inclusive

    # --- making ---------------------------------------------------------------------------
    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls("month", date(year, month, 1), _month_end(year, month))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first = 3 * (quarter - 1) + 1
        return cls("quarter", date(year, first, 1), _month_end(year, first + 2))

    @classmethod
    def year(cls, year: int) -> Period:
        return cls("year", date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def week(cls, year: int, week: int) -> Period:
        monday = date.fromisocalendar(year, week, 1)
        return cls("week", monday, monday + timedelta(days=6))

    @classmethod
    def dates(cls, start: date, end: date) -> Period:
        if end < start:
            raise PeriodError(_("Ngày kết thúc phải từ ngày bắt đầu trở đi."))
        if (end - start).days > LONGEST:
            raise PeriodError(_("Khoảng thời gian dài quá 5 năm."))
        return cls("dates", start, end)

    @classmethod
    def of(cls, kind: str, day: date) -> Period:
        """The period of ``kind`` that contains ``day``."""
        if kind == "week":
            iso = day.isocalendar()
            return cls.week(iso.year, iso.week)
        if kind == "month":
            return cls.month(day.year, day.month)
        if kind == "quarter":
            return cls.quarter(day.year, (day.month - 1) // 3 + 1)
        if kind == "year":
            return cls.year(day.year)
        raise PeriodError(_("Loại kỳ không hợp lệ."))

    @classmethod
    def month_of(cls, day: date) -> Period:
        return cls.of("month", day)

    @classmethod
    def current(cls, kind: str = "month") -> Period:
        return cls.of(kind, timezone.localdate())

    @classmethod
    def parse(cls, text: str) -> Period:
        """The period written in ``text`` (see the module's note); PeriodError otherwise."""
        text = (text or "").strip()
        try:
            found = _parse(text)
        except PeriodError:
            raise
        except ValueError:  # a day or an ISO week that does not exist
            found = None
        if found is None:
            raise PeriodError(
                _(
                    "Kỳ không hợp lệ: viết tháng 2026-11 (hoặc 11/2026), quý 2026-Q4, năm "
                    "2026, tuần 2026-W48 hoặc khoảng ngày 2026-11-01..2026-11-15."
                )
            )
        if found.start.year < 2000 or found.end.year > 2100:
            raise PeriodError(_("Kỳ phải nằm trong các năm 2000–2100."))
        return found

    # --- reading --------------------------------------------------------------------------
    @property
    def key(self) -> str:
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "year":
            return str(self.start.year)
        if self.kind == "week":
            iso = self.start.isocalendar()
            return f"{iso.year}-W{iso.week:02d}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def label(self) -> str:
        if self.kind == "month":
            return _("Tháng %(month)02d/%(year)d") % {
                "month": self.start.month,
                "year": self.start.year,
            }
        if self.kind == "quarter":
            number = (self.start.month - 1) // 3 + 1
            return _("Quý %(quarter)s/%(year)d") % {
                "quarter": ROMAN[number],
                "year": self.start.year,
            }
        if self.kind == "year":
            return _("Năm %(year)d") % {"year": self.start.year}
        if self.kind == "week":
            iso = self.start.isocalendar()
            return _("Tuần %(week)d/%(year)d (%(start)s–%(end)s)") % {
                "week": iso.week,
                "year": iso.year,
                "start": f"{self.start:%d/%m}",
                "end": f"{self.end:%d/%m/%Y}",
            }
        return _("Từ %(start)s đến %(end)s") % {
            "start": f"{self.start:%d/%m/%Y}",
            "end": f"{self.end:%d/%m/%Y}",
        }

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        if self.kind == "dates":
            return Period(
                "dates", self.start - timedelta(days=self.days), self.start - timedelta(days=1)
            )
        return Period.of(self.kind, self.start - timedelta(days=1))

    def is_over(self) -> bool:
        return self.end < timezone.localdate()

    def whole_months(self) -> bool:
        """Whether the period is made of whole calendar months (month, quarter, year)."""
        return self.start.day == 1 and self.end == _month_end(self.end.year, self.end.month)

    def __str__(self) -> str:
        return self.key


_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_MONTH_VN = re.compile(r"^(\d{1,2})/(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_QUARTER_VN = re.compile(r"^[Qq]([1-4])/(\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")
_WEEK = re.compile(r"^(\d{4})-[Ww](\d{1,2})$")
_ISO_DAY = r"(\d{4}-\d{2}-\d{2})"
_VN_DAY = r"(\d{1,2}/\d{1,2}/\d{4})"
_DATES = re.compile(rf"^{_ISO_DAY}\s*(?:\.\.|/|–|—)\s*{_ISO_DAY}$")
_DATES_VN = re.compile(rf"^{_VN_DAY}\s*(?:\.\.|-|–|—)\s*{_VN_DAY}$")


def _vn_day(text: str) -> date:
    day, month, year = (int(part) for part in text.split("/"))
    return date(year, month, day)


def _parse(text: str) -> Period | None:
    if m := _MONTH.match(text):
        year, month = int(m[1]), int(m[2])
        return Period.month(year, month) if 1 <= month <= 12 else None
    if m := _MONTH_VN.match(text):
        month, year = int(m[1]), int(m[2])
        return Period.month(year, month) if 1 <= month <= 12 else None
    if m := _QUARTER.match(text):
        return Period.quarter(int(m[1]), int(m[2]))
    if m := _QUARTER_VN.match(text):
        return Period.quarter(int(m[2]), int(m[1]))
    if m := _YEAR.match(text):
        return Period.year(int(m[1]))
    if m := _WEEK.match(text):
        return Period.week(int(m[1]), int(m[2]))
    if m := _DATES.match(text):
        return Period.dates(date.fromisoformat(m[1]), date.fromisoformat(m[2]))
    if m := _DATES_VN.match(text):
        return Period.dates(_vn_day(m[1]), _vn_day(m[2]))
    return None
