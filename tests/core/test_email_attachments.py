"""An email in the outbox names its attachments (a stored file and its SHA-256); the channel
reads them when it sends, and never sends a file that changed since the message was written."""

from __future__ import annotations

import hashlib

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from motcua.core.models import OutboxMessage
from motcua.core.outbox import OutboxError, deliver_due, enqueue

PDF = b"%PDF-1.7\n% bien lai\n"


@pytest.fixture
def stored(settings, tmp_path) -> dict[str, str]:
    settings.MEDIA_ROOT = tmp_path
    path = default_storage.save("documents/2026/03/BL.pdf", ContentFile(PDF))
    return {
        "path": path,
        "filename": "ABCDEFGHJKMNPQRS.pdf",
        "content_type": "application/pdf",
        "sha256": hashlib.sha256(PDF).hexdigest(),
    }


def _email(*attachments: object) -> OutboxMessage:
    with transaction.atomic():
        return enqueue(
            channel="email",
            recipient="an@example.vn",
            payload={"subject": "Biên lai", "body": "Đính kèm", "attachments": list(attachments)},
        )


@pytest.mark.django_db
def test_the_email_carries_the_stored_file_it_names(stored):
    _email(stored)
    assert deliver_due().sent == 1
    assert mail.outbox[0].attachments == [("ABCDEFGHJKMNPQRS.pdf", PDF, "application/pdf")]


@pytest.mark.django_db
def test_a_file_changed_since_the_message_was_written_is_not_sent(stored):
    message = _email(stored)
    default_storage.delete(stored["path"])
    default_storage.save(stored["path"], ContentFile(PDF + b"sua"))
    assert deliver_due().failed == 1 and not mail.outbox
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    assert "không còn đúng bản" in message.last_error


@pytest.mark.django_db
def test_a_missing_file_is_retried_not_dropped(stored):
    message = _email(stored)
    default_storage.delete(stored["path"])
    assert deliver_due().failed == 1
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING and message.attempts == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        {"path": "/etc/passwd"},
        {"path": "documents/../../secret.pdf"},
        {"sha256": ""},
        {"filename": None},
    ],
)
def test_an_attachment_that_could_never_be_sent_is_refused_when_written(stored, change):
    with pytest.raises(OutboxError):
        _email({**stored, **change})
    with pytest.raises(OutboxError):
        _email("documents/2026/03/BL.pdf")
