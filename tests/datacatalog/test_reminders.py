from motcua.core.jobs import registered_jobs
from motcua.core.models import OutboxMessage
from motcua.datacatalog.models import ReviewReminder
from motcua.datacatalog.reminders import remind_due_review

from .conftest import at, first_version


def test_nothing_is_due_before_six_months_or_without_a_version(city):
    assert remind_due_review(at(2026, 1, 1)) is None
    first_version(city, at(2026, 1, 10, 9))
    assert remind_due_review(at(2026, 7, 9, 23, 59)) is None
    assert not OutboxMessage.objects.exists()


def test_the_coordinator_is_reminded_once_when_the_review_falls_due(city):
    first_version(city, at(2026, 1, 10, 9))
    reminder = remind_due_review(at(2026, 7, 10, 0, 30))
    assert reminder is not None and f"{reminder.due_on:%d/%m/%Y}" == "10/07/2026"
    assert remind_due_review(at(2026, 7, 11)) is None
    assert ReviewReminder.objects.count() == 1
    (message,) = OutboxMessage.objects.all()
    assert message.recipient == city["reviewer"].email
    assert "rà soát" in message.payload["subject"]
    assert "/can-bo/danh-muc-csdl/" in message.payload["body"]


def test_the_reminder_is_a_periodic_job():
    assert "remind_data_catalogue_review" in {job.name for job in registered_jobs()}
