from __future__ import annotations

import json
import logging

import pytest
from django.db import transaction

from motcua.core.models import OutboxMessage
from motcua.core.outbox import enqueue
from motcua.core.sms import ConsoleSmsBackend, FileSmsBackend, MemorySmsBackend, Sms


def test_the_file_backend_appends_one_json_line_per_message(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "var"

    FileSmsBackend().send("0912345678", "Hồ sơ 000.00.01.H26-260302-0001 đã có kết quả")
    FileSmsBackend().send("0987654321", "Mời ông/bà bổ sung hồ sơ")

    lines = (tmp_path / "var" / "sms.log").read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    assert (first["to"], first["text"]) == (
        "0912345678",
        "Hồ sơ 000.00.01.H26-260302-0001 đã có kết quả",
    )
    assert "+07:00" in first["at"]
    assert json.loads(lines[1])["to"] == "0987654321"


def test_the_console_backend_logs_the_message(caplog):
    with caplog.at_level(logging.INFO, logger="motcua.core.sms"):
        ConsoleSmsBackend().send("0912345678", "Xin chào")

    assert "0912345678" in caplog.text
    assert "Xin chào" in caplog.text


@pytest.mark.django_db
def test_an_sms_is_sent_through_the_configured_backend(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        message = enqueue(channel="sms", recipient="0912345678", payload={"text": "Đã tiếp nhận"})

    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert MemorySmsBackend.outbox == [Sms("0912345678", "Đã tiếp nhận")]


@pytest.mark.django_db
def test_an_sms_is_held_while_no_backend_is_configured(
    settings, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = ""

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        message = enqueue(channel="sms", recipient="0912345678", payload={"text": "Đã tiếp nhận"})

    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.HELD
    assert MemorySmsBackend.outbox == []
