from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured

from motcua.core.calendar import handover_cutoff, parse_office_hours, working_calendar
from motcua.core.models import Holiday
from motcua.core.services import seed_holidays

VN = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.django_db


def test_seeding_adds_tet_2026_and_the_swapped_saturday():
    seed_holidays(years=[2026])
    assert Holiday.objects.get(date=date(2026, 2, 17)).kind == Holiday.Kind.DAY_OFF
    assert Holiday.objects.get(date=date(2026, 8, 22)).kind == Holiday.Kind.WORKING_DAY
    assert not Holiday.objects.filter(date__year=2019).exists()


def test_seeding_twice_adds_nothing_the_second_time():
    first = seed_holidays(years=[2026])
    assert first > 10
    assert seed_holidays(years=[2026]) == 0


def test_seeding_keeps_an_admins_correction():
    Holiday.objects.create(
        date=date(2026, 8, 31),
        kind=Holiday.Kind.WORKING_DAY,
        name="Đã hủy",
        source=Holiday.Source.ADMIN,
    )
    seed_holidays(years=[2026])
    assert Holiday.objects.get(date=date(2026, 8, 31)).kind == Holiday.Kind.WORKING_DAY
    assert working_calendar().is_working_day(date(2026, 8, 31))


def test_the_calendar_follows_the_table_after_an_edit():
    seed_holidays(years=[2026])
    friday = datetime(2026, 2, 13, 15, 30, tzinfo=VN)
    assert working_calendar().add_working_days(friday, 1) == datetime(
        2026, 2, 23, 15, 30, tzinfo=VN
    )
    Holiday.objects.create(date=date(2026, 2, 23), name="Nghỉ thêm")
    assert working_calendar().add_working_days(friday, 1) == datetime(
        2026, 2, 24, 15, 30, tzinfo=VN
    )


def test_office_hours_are_read_from_the_setting_text():
    hours = parse_office_hours("07:00-11:30, 13:30-17:00")
    assert hours.sessions == ((time(7), time(11, 30)), (time(13, 30), time(17)))


def test_bad_office_hours_are_a_configuration_error():
    with pytest.raises(ImproperlyConfigured):
        parse_office_hours("8h-12h")


def test_the_cutoff_can_be_switched_off(settings):
    settings.HANDOVER_CUTOFF = ""
    assert handover_cutoff() is None
    settings.HANDOVER_CUTOFF = "15:00"
    assert handover_cutoff() == time(15)


def test_compute_due_reads_a_time_without_offset_as_local_time():
    from motcua.core.calendar import compute_due

    seed_holidays(years=[2026])
    result = compute_due(datetime(2026, 8, 21, 10), value=1, unit="working_days")
    assert result.received_at == datetime(2026, 8, 21, 10, tzinfo=VN)
    assert result.due == datetime(2026, 8, 22, 10, tzinfo=VN)


def test_compute_due_turns_a_calendar_without_working_days_into_a_message():
    from datetime import timedelta

    from motcua.core.calendar import DueDateError, compute_due

    start = date(2026, 1, 1)
    Holiday.objects.bulk_create(
        Holiday(date=start + timedelta(days=n), name="Nghỉ") for n in range(400)
    )
    with pytest.raises(DueDateError) as error:
        compute_due(datetime(2026, 1, 2, 9, tzinfo=VN), value=1, unit="working_days")
    assert "lịch làm việc" in error.value.message
