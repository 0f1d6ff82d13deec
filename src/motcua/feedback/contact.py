"""A sender without an account proves the phone or email they give: a 6-digit code is sent
there, only a keyed hash is stored, it serves once, for 10 minutes, 5 wrong tries at most;
requests are throttled per address and per network address. The same mechanics as the
password-reset code (identity.password_reset), for an address that belongs to no account."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core.sms import get_sms_backend
from motcua.core.throttle import Limit
from motcua.identity.validators import normalise_phone

from .models import ContactCode

logger = logging.getLogger(__name__)

CODE_MINUTES = 10
MAX_TRIES = 5
_TOO_MANY = gettext_lazy("Bạn đã yêu cầu quá nhiều lần. Vui lòng thử lại sau %(seconds)d giây.")
CODES_PER_CONTACT = Limit("feedback-code-contact", 3, 60 * 60, _TOO_MANY)
CODES_PER_CLIENT = Limit("feedback-code-client", 10, 60 * 60, _TOO_MANY)
CHECKS_PER_CLIENT = Limit("feedback-code-check", 20, 10 * 60, _TOO_MANY)


class ContactError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def canonical(contact: str) -> str:
    """ "0912…", "+84912…" and "084912…" are one phone; an email in lower case."""
    contact = contact.strip()
    return normalise_phone(contact) or contact.lower()


def _hash(address: str, code: str) -> str:
    return salted_hmac(
        "motcua.feedback.contact", f"{address}:{code}", algorithm="sha256"
    ).hexdigest()


def send_code(contact: str, *, client: str = "") -> str:
    """Send a code to ``contact`` (a phone or an email); returns "sms" or "email"."""
    address = canonical(contact)
    if not address or ("@" not in address and not normalise_phone(address)):
        raise ContactError(_("Hãy nhập số điện thoại hoặc địa chỉ thư điện tử hợp lệ."))
    CODES_PER_CLIENT.take(client)
    CODES_PER_CONTACT.take(address)
    code = f"{secrets.randbelow(10**6):06d}"
    now = timezone.now()
    with transaction.atomic():
        ContactCode.objects.filter(address=address, used_at__isnull=True).update(used_at=now)
        ContactCode.objects.create(
            address=address,
            code_hash=_hash(address, code),
            created_at=now,
            expires_at=now + timedelta(minutes=CODE_MINUTES),
        )
    text = _(
        "Mã xác minh gửi phản ánh, kiến nghị trên Một Cửa: %(code)s (dùng một lần trong "
        "%(minutes)d phút). Không đưa mã này cho ai."
    ) % {"code": code, "minutes": CODE_MINUTES}
    channel = "email" if "@" in address else "sms"
    try:
        if channel == "email":
            send_mail(_("Mã xác minh phản ánh, kiến nghị"), text, None, [address])
        else:
            get_sms_backend().send(address, text)
    except Exception as error:
        logger.exception("Could not send a feedback contact code by %s", channel)
        raise ContactError(
            _("Không gửi được mã xác minh lúc này. Vui lòng thử lại sau ít phút.")
        ) from error
    return channel


def check_code(contact: str, code: str, *, client: str = "") -> bool:
    """Spend the code when it is right; False (one try counted) when it is not."""
    CHECKS_PER_CLIENT.take(client)
    address = canonical(contact)
    record = (
        ContactCode.objects.filter(
            address=address,
            used_at__isnull=True,
            expires_at__gt=timezone.now(),
            attempts__lt=MAX_TRIES,
        )
        .order_by("-created_at")
        .first()
    )
    if record is None:
        return False
    if not constant_time_compare(_hash(address, code.strip()), record.code_hash):
        ContactCode.objects.filter(pk=record.pk).update(attempts=F("attempts") + 1)
        return False
    return bool(
        ContactCode.objects.filter(pk=record.pk, used_at__isnull=True).update(
            used_at=timezone.now()
        )
    )
