"""Tests for the pure-Python working-time engine (no Django needed)."""

import dataclasses
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.core.working_time import (
    HOURS_PER_WORKING_DAY,
    VN_TZ,
    DurationUnit,
    OfficeHours,
    WorkingCalendar,
)

# What holidays 0.109 `holidays.VN(years=2026)` prints as days off; the worked
# examples below rely on exactly these dates.
VN_2026_DAYS_OFF = frozenset(
    {
        date(2026, 1, 1),  # Thu, New Year's Day
        date(2026, 2, 16),  # Mon, Lunar New Year's Eve
        date(2026, 2, 17),  # Tue, Lunar New Year (Tết)
        date(2026, 2, 18),  # Wed, 2nd day of Tết
        date(2026, 2, 19),  # Thu, 3rd day of Tết
        date(2026, 2, 20),  # Fri, 4th day of Tết
        date(2026, 4, 26),  # Sun, Hung Kings' Commemoration Day
        date(2026, 4, 27),  # Mon, Hung Kings' Commemoration Day (observed)
        date(2026, 4, 30),  # Thu, Reunification Day
        date(2026, 5, 1),  # Fri, International Labour Day
        date(2026, 8, 31),  # Mon, day off swapped with Sat 22/8
        date(2026, 9, 1),  # Tue, National Day (adjacent day)
        date(2026, 9, 2),  # Wed, National Day
        date(2026, 11, 24),  # Tue, Vietnam Cultural Day
    }
)

VN = WorkingCalendar.from_holidays_package(range(2024, 2029))
CUSTOM_HOURS = OfficeHours(((time(7), time(11, 30)), (time(13, 30), time(17))))
CUSTOM = WorkingCalendar(office_hours=CUSTOM_HOURS)
CUTOFF = time(15)


def at(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    """An aware Asia/Ho_Chi_Minh datetime, the way the app stores receipts."""
    return datetime(year, month, day, hour, minute, second, tzinfo=VN_TZ)


def days_due(received: datetime, days: Decimal | int | float, **kwargs: time) -> datetime:
    return VN.due_at(received, value=days, unit=DurationUnit.WORKING_DAYS, **kwargs)


# -- the holiday source --------------------------------------------------------


def test_the_holidays_package_gives_the_2026_days_off_the_examples_assume() -> None:
    calendar = WorkingCalendar.from_holidays_package([2026])
    print(sorted(calendar.holidays), sorted(calendar.working_weekend_days))
    assert calendar.holidays == VN_2026_DAYS_OFF


def test_the_holidays_package_marks_saturday_22_august_2026_as_a_make_up_working_day() -> None:
    assert date(2026, 8, 22) in VN.working_weekend_days
    assert VN.is_working_day(date(2026, 8, 22))
    assert not VN.is_working_day(date(2026, 8, 29))  # an ordinary Saturday
    assert not VN.is_working_day(date(2026, 8, 31))  # the swapped Monday


def test_the_holidays_package_also_knows_the_2024_and_2025_swaps() -> None:
    assert VN.is_working_day(date(2024, 5, 4)) and not VN.is_working_day(date(2024, 4, 29))
    assert VN.is_working_day(date(2025, 4, 26)) and not VN.is_working_day(date(2025, 5, 2))


def test_a_custom_office_hours_is_passed_through_by_the_package_factory() -> None:
    calendar = WorkingCalendar.from_holidays_package([2026], office_hours=CUSTOM_HOURS)
    assert calendar.office_hours == CUSTOM_HOURS


# -- Tết 2026 (days off Mon 16/2 - Fri 20/2) -----------------------------------


def test_one_working_day_from_friday_before_tet_at_1530_is_due_monday_after_tet_at_1530() -> None:
    # Fri 15:30-17:00 = 1.5 h; 16-22/2 off; Mon 23/2 08-12 + 13:00-15:30 = 6.5 h.
    assert days_due(at(2026, 2, 13, 15, 30), 1) == at(2026, 2, 23, 15, 30)


def test_with_the_1500_cutoff_a_1530_receipt_before_tet_counts_from_monday_after_tet() -> None:
    # Past 15:00 on a working day: counting starts Mon 23/2 08:00, 8 h -> 17:00.
    assert days_due(at(2026, 2, 13, 15, 30), 1, cutoff=CUTOFF) == at(2026, 2, 23, 17)


def test_three_working_days_across_tet_skip_the_whole_holiday_week() -> None:
    # 1.5 h Fri + 8 h Mon 23 + 8 h Tue 24 = 17.5 h; 6.5 h more on Wed 25 -> 15:30.
    assert days_due(at(2026, 2, 13, 15, 30), 3) == at(2026, 2, 25, 15, 30)


def test_a_receipt_during_tet_counts_from_the_first_morning_after_tet() -> None:
    # Wed 18/2 is Tết: counting starts Mon 23/2 08:00, one day -> 17:00.
    assert days_due(at(2026, 2, 18, 9), 1) == at(2026, 2, 23, 17)


def test_calendar_days_landing_in_tet_roll_to_the_opening_after_tet() -> None:
    # Fri 13/2 15:30 + 3 days = Mon 16/2 15:30 (Tết) -> next working moment Mon 23/2 08:00.
    due = VN.due_at(at(2026, 2, 13, 15, 30), value=3, unit="calendar_days")
    assert due == at(2026, 2, 23, 8)


def test_calendar_days_landing_on_a_working_day_keep_the_time_of_day() -> None:
    # Fri 13/2 15:30 + 10 days = Mon 23/2 15:30, a working moment: unchanged.
    due = VN.due_at(at(2026, 2, 13, 15, 30), value=10, unit=DurationUnit.CALENDAR_DAYS)
    assert due == at(2026, 2, 23, 15, 30)


def test_add_calendar_days_rolls_a_weekend_start_to_monday_morning_first() -> None:
    # Sat 14/3 10:00 -> Mon 16/3 08:00; + 2 days -> Wed 18/3 08:00 (not 10:00).
    assert VN.add_calendar_days(at(2026, 3, 14, 10), 2) == at(2026, 3, 18, 8)


def test_calendar_days_start_from_the_rolled_receipt_time() -> None:
    # Fri 18:00 rolls past the weekend and Tết to Mon 23/2 08:00; + 2 days -> Wed 25/2 08:00.
    due = VN.due_at(at(2026, 2, 13, 18), value=2, unit=DurationUnit.CALENDAR_DAYS)
    assert due == at(2026, 2, 25, 8)


# -- 30/4-1/5 and Hung Kings 2026 ----------------------------------------------


def test_two_working_days_across_30_april_and_1_may_resume_on_monday() -> None:
    # Wed 29/4 10-17 = 6 h; Thu 30/4, Fri 1/5, weekend off; Mon 4/5 8 h; Tue 5/5 2 h -> 10:00.
    assert days_due(at(2026, 4, 29, 10), 2) == at(2026, 5, 5, 10)


def test_the_observed_hung_kings_monday_is_skipped() -> None:
    # Fri 24/4 16-17 = 1 h; Sun 26/4 holiday observed Mon 27/4; Tue 28/4 7 h -> 16:00.
    assert days_due(at(2026, 4, 24, 16), 1) == at(2026, 4, 28, 16)


# -- National Day 2026 with the 22/8 <-> 31/8 swap ------------------------------


def test_one_working_day_from_friday_21_august_lands_on_the_make_up_saturday() -> None:
    # Fri 10-12 + 13-17 = 6 h; Sat 22/8 is worked: 08:00 + 2 h -> 10:00.
    assert days_due(at(2026, 8, 21, 10), 1) == at(2026, 8, 22, 10)


def test_one_working_day_from_friday_28_august_skips_the_swapped_monday_and_national_day() -> None:
    # Fri 6 h; Sat/Sun off, Mon 31/8 swapped off, Tue 1/9 + Wed 2/9 off; Thu 3/9 2 h -> 10:00.
    assert days_due(at(2026, 8, 28, 10), 1) == at(2026, 9, 3, 10)


# -- office hours edges (ordinary week Mon 9/3 - Sun 15/3/2026) ---------------


def test_a_receipt_after_closing_starts_counting_at_next_opening() -> None:
    # Tue 17:30 -> Wed 08:00; 4 h ends exactly at the 12:00 session end.
    assert VN.add_working_hours(at(2026, 3, 10, 17, 30), 4) == at(2026, 3, 11, 12)


def test_a_receipt_before_opening_starts_counting_at_0800() -> None:
    # 06:45 -> 08:00; + 2 h -> 10:00.
    assert VN.next_working_moment(at(2026, 3, 10, 6, 45)) == at(2026, 3, 10, 8)
    assert VN.add_working_hours(at(2026, 3, 10, 6, 45), 2) == at(2026, 3, 10, 10)


def test_a_receipt_at_lunch_starts_counting_at_1300() -> None:
    # 12:30 -> 13:00; + 1 h -> 14:00.
    assert VN.next_working_moment(at(2026, 3, 10, 12, 30)) == at(2026, 3, 10, 13)
    assert VN.add_working_hours(at(2026, 3, 10, 12, 30), 1) == at(2026, 3, 10, 14)


def test_a_receipt_exactly_at_1200_starts_counting_at_1300() -> None:
    # The morning session is over at 12:00 sharp.
    assert VN.add_working_hours(at(2026, 3, 10, 12), 1) == at(2026, 3, 10, 14)


def test_a_receipt_exactly_at_1700_starts_counting_next_morning() -> None:
    # The office is closed at 17:00 sharp: Wed 08:00 + 1 h.
    assert VN.add_working_hours(at(2026, 3, 10, 17), 1) == at(2026, 3, 11, 9)


def test_a_count_ending_exactly_at_1200_is_due_at_1200_not_1300() -> None:
    # 08:00 + 4 h consumes the whole morning session.
    assert VN.add_working_hours(at(2026, 3, 10, 8), 4) == at(2026, 3, 10, 12)


def test_a_count_ending_exactly_at_1700_is_due_at_1700_not_next_morning() -> None:
    # 13:00 + 4 h consumes the afternoon; 08:00 + 1 day consumes the whole day.
    assert VN.add_working_hours(at(2026, 3, 10, 13), 4) == at(2026, 3, 10, 17)
    assert days_due(at(2026, 3, 10, 8), 1) == at(2026, 3, 10, 17)


def test_a_receipt_on_sunday_starts_counting_on_monday_morning() -> None:
    # Sun 8/3 -> Mon 9/3 08:00; one day -> 17:00.
    assert days_due(at(2026, 3, 8, 10), 1) == at(2026, 3, 9, 17)


@pytest.mark.parametrize("half", [Decimal("0.5"), 0.5])
def test_half_a_working_day_is_four_working_hours(half: Decimal | float) -> None:
    # 10-12 = 2 h, 13-15 = 2 h.
    assert days_due(at(2026, 3, 10, 10), half) == at(2026, 3, 10, 15)
    assert VN.add_working_hours(at(2026, 3, 10, 10), HOURS_PER_WORKING_DAY / 2) == at(
        2026, 3, 10, 15
    )


def test_working_hours_as_a_unit_string_are_accepted() -> None:
    # Tue 10:00 + 12 h = 6 h Tue + 6 h Wed -> Wed 15:00.
    due = VN.due_at(at(2026, 3, 10, 10), value=12, unit="working_hours")
    assert due == at(2026, 3, 11, 15)


# -- zero days ("trong ngày") ---------------------------------------------------


def test_zero_working_days_is_due_at_the_close_of_the_same_working_day() -> None:
    # "Trong ngày": received Tue 10:00 -> due Tue 17:00.
    assert days_due(at(2026, 3, 10, 10), 0) == at(2026, 3, 10, 17)


def test_zero_working_days_after_closing_is_due_at_the_close_of_the_next_working_day() -> None:
    # Counting starts Wed 08:00, so the day in question is Wednesday.
    assert days_due(at(2026, 3, 10, 17, 30), 0) == at(2026, 3, 11, 17)


def test_zero_working_days_on_a_saturday_is_due_monday_at_1700() -> None:
    assert days_due(at(2026, 3, 14, 9), Decimal(0)) == at(2026, 3, 16, 17)


def test_zero_working_days_after_the_cutoff_before_tet_is_due_after_tet() -> None:
    # Fri 13/2 15:30 past cut-off -> counting day Mon 23/2 -> its close.
    assert days_due(at(2026, 2, 13, 15, 30), 0, cutoff=CUTOFF) == at(2026, 2, 23, 17)


def test_zero_working_hours_is_due_at_the_counting_start() -> None:
    # Only working *days* carry the "trong ngày" meaning; 0 h is just the start.
    assert VN.add_working_hours(at(2026, 3, 10, 12, 30), 0) == at(2026, 3, 10, 13)


# -- 15:00 hand-over cut-off ----------------------------------------------------


def test_a_receipt_at_1459_counts_from_the_receipt_despite_the_cutoff() -> None:
    # 14:59-17:00 = 2 h 01; Wed 08-12 + 13:00-14:59 = 5 h 59 -> Wed 14:59.
    assert days_due(at(2026, 3, 10, 14, 59), 1, cutoff=CUTOFF) == at(2026, 3, 11, 14, 59)


def test_a_receipt_at_1500_counts_from_the_next_working_days_opening() -> None:
    # At the cut-off: Wed 08:00 + 8 h -> Wed 17:00.
    assert days_due(at(2026, 3, 10, 15), 1, cutoff=CUTOFF) == at(2026, 3, 11, 17)


def test_without_a_cutoff_a_1500_receipt_counts_from_1500() -> None:
    # 15-17 = 2 h Tue; 6 h Wed -> 15:00.
    assert days_due(at(2026, 3, 10, 15), 1) == at(2026, 3, 11, 15)


def test_the_cutoff_on_friday_moves_counting_to_monday() -> None:
    assert days_due(at(2026, 3, 13, 16), 1, cutoff=CUTOFF) == at(2026, 3, 16, 17)


def test_the_cutoff_does_not_skip_a_second_day_for_a_weekend_receipt() -> None:
    # Sat 15:30 is not a working day: it rolls to Mon 08:00 (not Tuesday) either way.
    assert days_due(at(2026, 3, 14, 15, 30), 1, cutoff=CUTOFF) == at(2026, 3, 16, 17)


def test_the_cutoff_also_applies_to_calendar_days() -> None:
    # Tue 15:00 -> counting from Wed 08:00; + 2 days -> Fri 08:00.
    due = VN.due_at(at(2026, 3, 10, 15), value=2, unit="calendar_days", cutoff=CUTOFF)
    assert due == at(2026, 3, 13, 8)


# -- pauses (supplement requests) -----------------------------------------------


def test_a_pause_pushes_the_due_time_by_the_working_hours_it_lasted() -> None:
    # Pause Tue 16:00 -> Thu 09:30 = 1 + 8 + 1.5 = 10.5 h; Fri 15:00 + 10.5 h =
    # Fri 2 h + Mon 8 h + Tue 0.5 h -> Tue 17/3 08:30.
    paused, resumed = at(2026, 3, 10, 16), at(2026, 3, 12, 9, 30)
    assert VN.working_hours_between(paused, resumed) == Decimal("10.5")
    shifted = VN.shift_for_pause(at(2026, 3, 13, 15), paused_at=paused, resumed_at=resumed)
    assert shifted == at(2026, 3, 17, 8, 30)


def test_a_pause_over_tet_only_counts_the_working_hours_around_it() -> None:
    # Fri 13/2 16-17 = 1 h, Mon 23/2 = 8 h, Tue 24/2 08-09 = 1 h -> 10 h.
    paused, resumed = at(2026, 2, 13, 16), at(2026, 2, 24, 9)
    assert VN.working_hours_between(paused, resumed) == 10
    # Due Wed 25/2 15:30 + 10 h: Wed 1.5 h, Thu 8 h, Fri 0.5 h -> Fri 27/2 08:30.
    shifted = VN.shift_for_pause(at(2026, 2, 25, 15, 30), paused_at=paused, resumed_at=resumed)
    assert shifted == at(2026, 2, 27, 8, 30)


def test_a_pause_outside_office_hours_changes_nothing() -> None:
    # Fri 17:30 -> Mon 07:45 contains no office time.
    due = at(2026, 3, 17, 12)
    paused, resumed = at(2026, 3, 13, 17, 30), at(2026, 3, 16, 7, 45)
    assert VN.shift_for_pause(due, paused_at=paused, resumed_at=resumed) == due


def test_an_empty_pause_leaves_a_due_time_at_a_session_end_unchanged() -> None:
    due = at(2026, 3, 10, 17)
    assert VN.shift_for_pause(due, paused_at=due, resumed_at=due) == due


def test_a_one_hour_pause_on_a_1700_due_time_moves_it_to_0900_next_day() -> None:
    shifted = VN.shift_for_pause(
        at(2026, 3, 13, 17), paused_at=at(2026, 3, 10, 9), resumed_at=at(2026, 3, 10, 10)
    )
    assert shifted == at(2026, 3, 16, 9)


def test_a_pause_is_shifted_to_the_second_not_rounded_to_minutes() -> None:
    # 09:00:00 -> 09:00:45 is 45 s of office time.
    paused, resumed = at(2026, 3, 10, 9), at(2026, 3, 10, 9, 0, 45)
    shifted = VN.shift_for_pause(at(2026, 3, 11, 10), paused_at=paused, resumed_at=resumed)
    assert shifted == at(2026, 3, 11, 10, 0, 45)


def test_a_pause_that_resumes_before_it_started_is_rejected() -> None:
    with pytest.raises(ValueError, match="resumed_at"):
        VN.shift_for_pause(
            at(2026, 3, 13, 15), paused_at=at(2026, 3, 10, 10), resumed_at=at(2026, 3, 10, 9)
        )


# -- time zones -------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda naive: VN.next_working_moment(naive),
        lambda naive: VN.add_working_hours(naive, 1),
        lambda naive: VN.add_working_days(naive, 1),
        lambda naive: VN.add_calendar_days(naive, 1),
        lambda naive: VN.working_hours_between(naive, at(2026, 3, 11)),
        lambda naive: VN.working_hours_between(at(2026, 3, 9), naive),
        lambda naive: VN.due_at(naive, value=1, unit="working_days"),
        lambda naive: VN.shift_for_pause(naive, paused_at=naive, resumed_at=naive),
        lambda naive: VN.shift_for_pause(
            at(2026, 3, 11), paused_at=naive, resumed_at=at(2026, 3, 11)
        ),
    ],
)
def test_a_naive_datetime_is_rejected(call: object) -> None:
    naive = datetime(2026, 3, 10, 9)
    with pytest.raises(ValueError, match="timezone-aware"):
        call(naive)  # type: ignore[operator]


def test_a_utc_receipt_is_converted_and_the_result_is_in_ho_chi_minh_time() -> None:
    # 01:00 UTC is 08:00 in Hanoi; + 1 h -> 09:00 +07:00.
    due = VN.add_working_hours(datetime(2026, 3, 10, 1, tzinfo=UTC), 1)
    assert due == at(2026, 3, 10, 9)
    assert due.tzinfo is VN_TZ and due.utcoffset() == timedelta(hours=7)


def test_a_utc_receipt_late_in_the_day_falls_on_the_next_local_date() -> None:
    # Mon 9/3 23:30 UTC is Tue 10/3 06:30 local, before opening.
    assert VN.next_working_moment(datetime(2026, 3, 9, 23, 30, tzinfo=UTC)) == at(2026, 3, 10, 8)


# -- custom office hours (07:00-11:30, 13:30-17:00) -------------------------------


def test_custom_hours_one_working_day_is_still_eight_hours() -> None:
    # Tue 11:00-11:30 + 13:30-17:00 = 4 h; Wed 07:00 + 4 h -> 11:00.
    due = CUSTOM.due_at(at(2026, 3, 10, 11), value=1, unit="working_days")
    assert due == at(2026, 3, 11, 11)


def test_custom_hours_a_receipt_at_noon_starts_at_1330() -> None:
    # 12:00 is lunch under these hours: 13:30 + 1 h -> 14:30.
    assert CUSTOM.add_working_hours(at(2026, 3, 10, 12), 1) == at(2026, 3, 10, 14, 30)


def test_custom_hours_a_count_can_end_exactly_at_1130() -> None:
    # 07:00 + 4.5 h consumes the morning session.
    assert CUSTOM.add_working_hours(at(2026, 3, 10, 7), Decimal("4.5")) == at(2026, 3, 10, 11, 30)


def test_custom_hours_zero_days_closes_at_1700_and_early_receipts_start_at_0700() -> None:
    assert CUSTOM.add_working_days(at(2026, 3, 10, 6), 0) == at(2026, 3, 10, 17)
    assert CUSTOM.next_working_moment(at(2026, 3, 10, 6)) == at(2026, 3, 10, 7)


def test_office_hours_accept_lists_and_store_tuples() -> None:
    hours = OfficeHours([[time(8), time(12)]])  # type: ignore[arg-type]
    assert hours.sessions == ((time(8), time(12)),)
    assert hash(hours) == hash(OfficeHours(((time(8), time(12)),)))


@pytest.mark.parametrize(
    "sessions",
    [
        (),
        ((time(12), time(8)),),
        ((time(8), time(8)),),
        ((time(13), time(17)), (time(8), time(12))),
        ((time(8), time(12)), (time(11), time(17))),
        ((time(8, tzinfo=UTC), time(12)),),
    ],
    ids=["empty", "reversed", "empty-session", "unsorted", "overlapping", "aware"],
)
def test_invalid_office_hours_are_rejected(sessions: tuple[tuple[time, time], ...]) -> None:
    with pytest.raises(ValueError):
        OfficeHours(sessions)


def test_touching_sessions_are_allowed_and_counted_without_a_gap() -> None:
    calendar = WorkingCalendar(
        office_hours=OfficeHours(((time(8), time(12)), (time(12), time(16))))
    )
    assert calendar.add_working_hours(at(2026, 3, 10, 11), 2) == at(2026, 3, 10, 13)


# -- admin-edited holiday tables ---------------------------------------------------


def test_a_day_off_added_by_an_admin_is_skipped() -> None:
    # Wed 11/3 declared off: Tue 14-17 = 3 h, Thu 12/3 08-12 + 13-14 = 5 h -> 14:00.
    edited = dataclasses.replace(VN, holidays=VN.holidays | {date(2026, 3, 11)})
    assert edited.due_at(at(2026, 3, 10, 14), value=1, unit="working_days") == at(2026, 3, 12, 14)


def test_a_saturday_marked_working_by_an_admin_is_counted() -> None:
    # Sat 14/3 made a working day: Fri 14-17 = 3 h; Sat 5 h -> Sat 14:00.
    edited = dataclasses.replace(VN, working_weekend_days=frozenset({date(2026, 3, 14)}))
    assert edited.due_at(at(2026, 3, 13, 14), value=1, unit="working_days") == at(2026, 3, 14, 14)


def test_a_holiday_removed_by_an_admin_becomes_a_working_day_again() -> None:
    # Mon 23/11 14:00 + 1 day: package -> Wed 25/11 (24/11 off); edited -> Tue 24/11.
    edited = dataclasses.replace(VN, holidays=VN.holidays - {date(2026, 11, 24)})
    assert VN.due_at(at(2026, 11, 23, 14), value=1, unit="working_days") == at(2026, 11, 25, 14)
    assert edited.due_at(at(2026, 11, 23, 14), value=1, unit="working_days") == at(2026, 11, 24, 14)


def test_a_date_both_off_and_working_is_rejected() -> None:
    with pytest.raises(ValueError, match="both"):
        saturday = frozenset({date(2026, 3, 14)})
        WorkingCalendar(holidays=saturday, working_weekend_days=saturday)


def test_a_weekday_in_the_working_weekend_days_is_rejected() -> None:
    with pytest.raises(ValueError, match="Sat/Sun"):
        WorkingCalendar(working_weekend_days=frozenset({date(2026, 3, 10)}))


def test_datetimes_in_the_holiday_table_are_rejected() -> None:
    with pytest.raises(TypeError):
        WorkingCalendar(holidays=frozenset({datetime(2026, 3, 10, tzinfo=VN_TZ)}))
    with pytest.raises(TypeError):
        VN.is_working_day(datetime(2026, 3, 10, tzinfo=VN_TZ))


def test_a_calendar_without_any_working_day_within_366_days_raises_instead_of_looping() -> None:
    every_day = frozenset(date(2026, 1, 1) + timedelta(days=n) for n in range(400))
    with pytest.raises(ValueError, match="no working day"):
        WorkingCalendar(holidays=every_day).next_working_moment(at(2026, 1, 1, 9))


# -- units, rounding and bad input -------------------------------------------------


def test_durations_are_rounded_to_the_nearest_minute_half_up() -> None:
    start = at(2026, 3, 10, 9)
    assert VN.add_working_hours(start, Decimal("0.025")) == at(2026, 3, 10, 9, 2)  # 1.5 min -> 2
    assert VN.add_working_hours(start, Decimal("0.008")) == start  # 0.48 min -> 0
    assert VN.add_working_hours(start, 0.3333333) == at(2026, 3, 10, 9, 20)  # ~20 min


def test_a_float_is_rounded_as_written_not_as_its_binary_value() -> None:
    # 0.075 h is 4.5 min as written (half up -> 5); its binary value is 4.4999... min.
    assert VN.add_working_hours(at(2026, 3, 10, 9), 0.075) == at(2026, 3, 10, 9, 5)


def test_float_noise_does_not_shift_the_due_minute() -> None:
    # 0.1 * 3 == 0.30000000000000004 in floats; still 0.3 day = 2 h 24 min.
    assert days_due(at(2026, 3, 10, 8), 0.1 * 3) == at(2026, 3, 10, 10, 24)


def test_the_receipt_keeps_its_seconds() -> None:
    assert VN.add_working_hours(at(2026, 3, 10, 9, 0, 30), 1) == at(2026, 3, 10, 10, 0, 30)


def test_working_hours_between_is_zero_when_end_is_not_after_start() -> None:
    assert VN.working_hours_between(at(2026, 3, 10, 10), at(2026, 3, 10, 10)) == 0
    assert VN.working_hours_between(at(2026, 3, 11, 10), at(2026, 3, 10, 10)) == 0


def test_working_hours_between_returns_exact_decimal_hours() -> None:
    # A full week of 5 working days, and one minute as a 28-digit Decimal.
    assert VN.working_hours_between(at(2026, 3, 9), at(2026, 3, 16)) == 40
    one_minute = VN.working_hours_between(at(2026, 3, 10, 9), at(2026, 3, 10, 9, 1))
    assert abs(one_minute - Decimal(1) / 60) < Decimal("1e-27")


def test_whole_calendar_days_may_be_given_as_decimal_or_float() -> None:
    for value in (Decimal("2"), 2.0, 2):
        due = VN.due_at(at(2026, 3, 10, 9), value=value, unit="calendar_days")
        assert due == at(2026, 3, 12, 9)


@pytest.mark.parametrize("value", [Decimal("1.5"), 0.5])
def test_fractional_calendar_days_are_rejected(value: Decimal | float) -> None:
    with pytest.raises(ValueError, match="whole"):
        VN.due_at(at(2026, 3, 10, 9), value=value, unit="calendar_days")


@pytest.mark.parametrize("value", [-1, Decimal("-0.5"), float("nan"), float("inf"), Decimal("NaN")])
def test_negative_or_non_finite_durations_are_rejected(value: Decimal | float) -> None:
    with pytest.raises(ValueError, match="non-negative"):
        VN.add_working_hours(at(2026, 3, 10, 9), value)


@pytest.mark.parametrize("value", [True, "1", None])
def test_durations_of_the_wrong_type_are_rejected(value: object) -> None:
    with pytest.raises(TypeError):
        VN.add_working_days(at(2026, 3, 10, 9), value)  # type: ignore[arg-type]


def test_an_unknown_unit_is_rejected() -> None:
    with pytest.raises(ValueError):
        VN.due_at(at(2026, 3, 10, 9), value=1, unit="fortnights")


def test_an_aware_cutoff_is_rejected() -> None:
    with pytest.raises(ValueError, match="cutoff"):
        days_due(at(2026, 3, 10, 16), 1, cutoff=time(15, tzinfo=UTC))


# -- property-based invariants -----------------------------------------------------

PROPERTY = settings(max_examples=200, deadline=None, database=None)

moments = st.datetimes(
    min_value=datetime(2025, 1, 1),
    max_value=datetime(2027, 12, 31, 23, 59, 59),
    timezones=st.sampled_from([VN_TZ, UTC]),
)
# Multiples of 0.05 h (3 minutes) are exact in Decimal and in minutes, so the
# equalities below are exact; 0-400 h.
hours = st.integers(0, 8000).map(lambda k: Decimal(k) * Decimal("0.05"))
positive_hours = st.integers(1, 8000).map(lambda k: Decimal(k) * Decimal("0.05"))


def is_in_office_hours(calendar: WorkingCalendar, moment: datetime) -> bool:
    """On a working day, inside a session; a session end counts as inside."""
    local = moment.astimezone(VN_TZ)
    if not calendar.is_working_day(local.date()):
        return False
    return any(start <= local.time() <= end for start, end in calendar.office_hours.sessions)


@PROPERTY
@given(received=moments, duration=hours)
def test_the_due_time_is_never_before_the_receipt_and_is_inside_office_hours(
    received: datetime, duration: Decimal
) -> None:
    due = VN.add_working_hours(received, duration)
    assert due >= received
    assert is_in_office_hours(VN, due)
    assert due.tzinfo is VN_TZ


@PROPERTY
@given(
    received=moments,
    value=st.integers(0, 50),
    unit=st.sampled_from(list(DurationUnit)),
    cutoff=st.none() | st.just(CUTOFF),
)
def test_due_at_in_every_unit_lands_inside_office_hours(
    received: datetime, value: int, unit: DurationUnit, cutoff: time | None
) -> None:
    due = VN.due_at(received, value=value, unit=unit, cutoff=cutoff)
    assert due >= received
    assert is_in_office_hours(VN, due)


@PROPERTY
@given(received=moments, first=hours, second=hours)
def test_more_hours_never_give_an_earlier_due_time(
    received: datetime, first: Decimal, second: Decimal
) -> None:
    shorter, longer = sorted((first, second))
    assert VN.add_working_hours(received, shorter) <= VN.add_working_hours(received, longer)


@PROPERTY
@given(received=moments, first=hours, second=positive_hours)
def test_adding_hours_in_two_steps_equals_adding_them_at_once(
    received: datetime, first: Decimal, second: Decimal
) -> None:
    # The second step must be > 0: adding 0 h to a 12:00 due time rolls it to
    # 13:00 (0 h means "the counting start"), which is not the identity.
    in_two_steps = VN.add_working_hours(VN.add_working_hours(received, first), second)
    assert in_two_steps == VN.add_working_hours(received, first + second)


@PROPERTY
@given(received=moments, duration=hours)
def test_the_working_hours_between_start_and_due_are_the_duration(
    received: datetime, duration: Decimal
) -> None:
    start = VN.next_working_moment(received)
    due = VN.add_working_hours(received, duration)
    assert VN.working_hours_between(start, due) == duration


@PROPERTY
@given(received=moments, duration=hours, paused=moments)
def test_an_empty_pause_changes_nothing(
    received: datetime, duration: Decimal, paused: datetime
) -> None:
    due = VN.add_working_hours(received, duration)
    assert VN.shift_for_pause(due, paused_at=paused, resumed_at=paused) == due


@PROPERTY
@given(received=moments, duration=positive_hours, paused=moments, pause=hours)
def test_a_pause_adds_exactly_its_working_hours_to_the_due_time(
    received: datetime, duration: Decimal, paused: datetime, pause: Decimal
) -> None:
    due = VN.add_working_hours(received, duration)
    resumed = VN.add_working_hours(paused, pause)
    shifted = VN.shift_for_pause(due, paused_at=paused, resumed_at=resumed)
    assert VN.working_hours_between(due, shifted) == VN.working_hours_between(paused, resumed)
