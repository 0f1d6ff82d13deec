"""Setting a new password with a one-time code sent to the account's verified email or phone.

The answer to a request is the same whether or not an account matches (no enumeration). The
code has 6 digits; only a keyed hash of it is stored; it serves once, for ``CODE_MINUTES``,
``MAX_TRIES`` wrong tries at most. Requests are throttled per identifier and per address,
code entries per address. An officer still needs their second factor to sign in afterwards.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core.http import client_ip
from motcua.core.security import announce
from motcua.core.sms import get_sms_backend
from motcua.core.throttle import Limit

from .accounts import AccountError
from .models import PasswordResetCode, User
from .passwords import check_new_password
from .selectors import account_by_identifier
from .validators import normalise_phone

logger = logging.getLogger(__name__)

CODE_MINUTES = 10
MAX_TRIES = 5
_TOO_MANY = gettext_lazy("Bạn đã yêu cầu quá nhiều lần. Vui lòng thử lại sau %(seconds)d giây.")
REQUESTS_PER_IDENTIFIER = Limit("password-reset-identifier", 3, 60 * 60, _TOO_MANY)
REQUESTS_PER_ADDRESS = Limit("password-reset-address", 10, 60 * 60, _TOO_MANY)
CODES_PER_ADDRESS = Limit("password-reset-code", 20, 10 * 60, _TOO_MANY)
WRONG_CODE = gettext_lazy(
    "Mã không đúng, đã hết hạn hoặc đã dùng. Vui lòng kiểm tra hoặc xin mã mới."
)


def canonical_identifier(identifier: str) -> str:
    """One key per account however it is typed ("0912…", "+84912…", any letter case)."""
    identifier = identifier.strip()
    return normalise_phone(identifier) or identifier.lower()


def _hash(user: User, code: str) -> str:
    # Keyed with SECRET_KEY: a copy of the table alone cannot be searched for the 10^6 codes.
    key = "motcua.identity.password_reset"
    return salted_hmac(key, f"{user.pk}:{code}", algorithm="sha256").hexdigest()


def _destinations(user: User, identifier: str) -> list[tuple[str, str]]:
    """Verified addresses, the kind the person typed first."""
    email = [("email", user.email)] if user.email and user.email_verified else []
    phone = [("sms", user.phone)] if user.phone and user.phone_verified else []
    return email + phone if "@" in identifier or not normalise_phone(identifier) else phone + email


def _send(channel: str, address: str, code: str) -> bool:
    text = _(
        "Mã đặt lại mật khẩu Một Cửa của bạn là %(code)s, dùng được một lần trong %(minutes)d "
        "phút. Không đưa mã này cho ai. Nếu bạn không yêu cầu, hãy bỏ qua; mật khẩu không đổi."
    ) % {"code": code, "minutes": CODE_MINUTES}
    try:
        if channel == "email":
            send_mail(_("Mã đặt lại mật khẩu Một Cửa"), text, None, [address])
        else:
            get_sms_backend().send(address, text)
    except Exception:  # an outage must not tell the person whether the account exists
        logger.exception("Could not send a password-reset code by %s", channel)
        return False
    return True


def request_reset(*, identifier: str, request: HttpRequest | None = None) -> None:
    """Send a code if ``identifier`` names an active account with a verified address.

    Returns nothing and raises only RateLimited, whatever the account: the caller shows the
    same page either way.
    """
    REQUESTS_PER_ADDRESS.take(client_ip(request) if request else "")
    REQUESTS_PER_IDENTIFIER.take(canonical_identifier(identifier))
    user = account_by_identifier(identifier)
    sent_by = ""
    if user is not None and user.is_active:
        sent_by = _issue_code(user, identifier)
    announce("password.reset_requested", request=request, user=user,
             target=f"user:{user.pk}" if user else "", detail={"sent_by": sent_by})  # fmt: skip


def _issue_code(user: User, identifier: str) -> str:
    code = f"{secrets.randbelow(10**6):06d}"
    now = timezone.now()
    for channel, address in _destinations(user, identifier):
        with transaction.atomic():
            # One live code per account: a new request ends the one before.
            PasswordResetCode.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
            PasswordResetCode.objects.create(
                user=user, code_hash=_hash(user, code), sent_to=channel, created_at=now,
                expires_at=now + timedelta(minutes=CODE_MINUTES),
            )  # fmt: skip
        if _send(channel, address, code):
            return channel
    return ""


def reset_password(
    *, identifier: str, code: str, new_password: str, request: HttpRequest | None = None
) -> User:
    """Check the code, then set the new password (the policy applies); AccountError names the
    field at fault. A wrong code counts one try; a refused password does not spend the code."""
    CODES_PER_ADDRESS.take(client_ip(request) if request else "")
    user = account_by_identifier(identifier)
    record = _live_code(user)
    if user is None or record is None:
        raise AccountError(WRONG_CODE, field="code")
    if not constant_time_compare(_hash(user, code.strip()), record.code_hash):
        PasswordResetCode.objects.filter(pk=record.pk).update(attempts=F("attempts") + 1)
        raise AccountError(WRONG_CODE, field="code")
    check_new_password(new_password, user)
    with transaction.atomic():
        spent = PasswordResetCode.objects.filter(pk=record.pk, used_at__isnull=True)
        if not spent.update(used_at=timezone.now()):  # used by a request running alongside
            raise AccountError(WRONG_CODE, field="code")
        user.set_password(new_password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
    announce("password.reset", request=request, user=user, target=f"user:{user.pk}")
    return user


def _live_code(user: User | None) -> PasswordResetCode | None:
    if user is None or not user.is_active:
        return None
    return (
        PasswordResetCode.objects.filter(
            user=user, used_at__isnull=True, expires_at__gt=timezone.now(), attempts__lt=MAX_TRIES
        )
        .order_by("-created_at")
        .first()
    )
