"""Text messages to phones, through a back-end chosen by ``MOTCUA_SMS_BACKEND``.

A back-end is any class whose instances have ``send(phone, text)`` and raise on failure; a
province plugs its gateway (Viettel, VNPT, FPT brandname SMS …) by naming its own class in the
setting. See docs/outbox.md.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from typing import ClassVar, Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsBackend(Protocol):
    def send(self, phone: str, text: str) -> None: ...


def get_sms_backend() -> SmsBackend:
    backend: SmsBackend = import_string(settings.SMS_BACKEND)()
    return backend


class ConsoleSmsBackend:
    """Writes each message to the log; sends nothing."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)


class FileSmsBackend:
    """Appends each message as one JSON line to ``DATA_DIR/sms.log`` (the development default)."""

    _lock = threading.Lock()

    def send(self, phone: str, text: str) -> None:
        path = settings.DATA_DIR / "sms.log"
        line = {"at": timezone.localtime().isoformat(), "to": phone, "text": text}
        with self._lock:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as log:
                log.write(json.dumps(line, ensure_ascii=False) + "\n")


@dataclass(frozen=True)
class Sms:
    phone: str
    text: str


class MemorySmsBackend:
    """Keeps messages in ``MemorySmsBackend.outbox``, like Django's ``mail.outbox``, for tests."""

    outbox: ClassVar[list[Sms]] = []

    def send(self, phone: str, text: str) -> None:
        self.outbox.append(Sms(phone, text))
