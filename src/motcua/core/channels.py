"""The built-in outbox channels: email, SMS and the national public-service portal (DVCQG).

Each is a sender (raises on failure), a check run at enqueue time, and, where a setting is
needed, a test of whether it is configured (messages of an unconfigured channel are held).
"""

from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives
from django.utils.translation import gettext as _

from .models import OutboxMessage
from .outbox import DeliveryError, OutboxError, register_channel
from .sms import get_sms_backend

EMAIL = "email"
SMS = "sms"
NATIONAL_PORTAL = "national_portal"

# How much of a refusing answer is kept in the message's last error.
ERROR_SNIPPET = 500


def register_builtin_channels() -> None:
    register_channel(EMAIL, send_email, check=check_email)
    register_channel(SMS, send_sms, is_configured=sms_configured, check=check_sms)
    register_channel(
        NATIONAL_PORTAL,
        post_to_national_portal,
        is_configured=national_portal_configured,
        check=check_national_portal,
    )


def _require_text(payload: dict[str, Any], field: str) -> None:
    if not isinstance(payload.get(field), str) or not payload[field]:
        raise OutboxError(_("Nội dung tin nhắn thiếu trường “%(field)s”.") % {"field": field})


def _require_recipient(recipient: str) -> None:
    if not recipient.strip():
        raise OutboxError(_("Tin nhắn chưa có người nhận."))


def check_email(recipient: str, payload: dict[str, Any]) -> None:
    _require_recipient(recipient)
    _require_text(payload, "subject")
    _require_text(payload, "body")
    if "\n" in payload["subject"] or "\r" in payload["subject"]:
        raise OutboxError(_("Tiêu đề thư không được xuống dòng."))
    if payload.get("html") is not None and not isinstance(payload["html"], str):
        raise OutboxError(_("Nội dung tin nhắn thiếu trường “%(field)s”.") % {"field": "html"})
    attachments = payload.get("attachments", [])
    if not isinstance(attachments, list):
        raise OutboxError(_("Tệp đính kèm của thư phải là một danh sách."))
    for attachment in attachments:
        _check_attachment(attachment)


# An attachment names a stored file (Django's default storage), never carries its bytes: the
# outbox row stays small, and the file is read when the message is sent.
ATTACHMENT_FIELDS = ("path", "filename", "content_type", "sha256")


def _check_attachment(attachment: object) -> None:
    if not isinstance(attachment, dict):
        raise OutboxError(_("Tệp đính kèm của thư phải là một đối tượng JSON."))
    for field in ATTACHMENT_FIELDS:
        _require_text(attachment, field)
    path = attachment["path"]
    if path.startswith("/") or ".." in path.split("/"):
        raise OutboxError(_("Đường dẫn tệp đính kèm không hợp lệ."))


def _read_attachment(attachment: dict[str, str]) -> bytes:
    """The stored file, exactly the one named when the message was written (its SHA-256)."""
    try:
        with default_storage.open(attachment["path"], "rb") as handle:
            content: bytes = handle.read()
    except OSError as error:  # missing, or the storage is unreachable: retried later
        raise DeliveryError(
            _("Không đọc được tệp đính kèm %(name)s: %(reason)s")
            % {"name": attachment["filename"], "reason": error}
        ) from error
    if hashlib.sha256(content).hexdigest() != attachment["sha256"]:
        raise DeliveryError(
            _("Tệp đính kèm %(name)s không còn đúng bản đã ghi khi tạo thư.")
            % {"name": attachment["filename"]}
        )
    return content


def send_email(message: OutboxMessage) -> None:
    payload = message.payload
    email = EmailMultiAlternatives(
        subject=payload["subject"], body=payload["body"], to=[message.recipient]
    )
    if payload.get("html"):
        email.attach_alternative(payload["html"], "text/html")
    for attachment in payload.get("attachments", []):
        email.attach(
            attachment["filename"], _read_attachment(attachment), attachment["content_type"]
        )
    email.send(fail_silently=False)


def sms_configured() -> bool:
    return bool(settings.SMS_BACKEND)


def check_sms(recipient: str, payload: dict[str, Any]) -> None:
    _require_recipient(recipient)
    _require_text(payload, "text")


def send_sms(message: OutboxMessage) -> None:
    get_sms_backend().send(message.recipient, message.payload["text"])


def national_portal_configured() -> bool:
    return bool(settings.NATIONAL_PORTAL_URL)


def check_national_portal(recipient: str, payload: dict[str, Any]) -> None:
    if not isinstance(payload, dict) or not payload:
        raise OutboxError(_("Dữ liệu đồng bộ lên Cổng Dịch vụ công quốc gia đang trống."))


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirected POST turns into a GET without the body: that is not a delivery.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def post_to_national_portal(message: OutboxMessage) -> None:
    """POST the payload as JSON; any 2xx answer means delivered."""
    url = settings.NATIONAL_PORTAL_URL
    if urlsplit(url).scheme not in {"http", "https"}:
        raise DeliveryError(
            _("Địa chỉ Cổng Dịch vụ công quốc gia phải bắt đầu bằng http:// hoặc https://.")
        )
    request = urllib.request.Request(
        url,
        data=json.dumps(message.payload, ensure_ascii=False).encode("utf-8"),
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"},
    )
    if settings.NATIONAL_PORTAL_TOKEN:
        request.add_header("Authorization", f"Bearer {settings.NATIONAL_PORTAL_TOKEN}")
    opener = urllib.request.build_opener(_NoRedirects)
    try:
        with opener.open(request, timeout=settings.NATIONAL_PORTAL_TIMEOUT):
            return
    except urllib.error.HTTPError as error:
        snippet = error.read(ERROR_SNIPPET).decode("utf-8", errors="replace")
        raise DeliveryError(
            _("Cổng Dịch vụ công quốc gia trả lời HTTP %(status)s: %(body)s")
            % {"status": error.code, "body": snippet}
        ) from error
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise DeliveryError(
            _("Không kết nối được Cổng Dịch vụ công quốc gia: %(reason)s") % {"reason": reason}
        ) from error
