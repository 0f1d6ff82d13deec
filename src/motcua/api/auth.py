"""Bearer tokens for the API: issued for a password (and a TOTP code for every account that
reaches the back office, ``User.needs_second_factor``), kept only as a SHA-256 digest, valid
for ``settings.API_TOKEN_HOURS``, revocable, and revoked when the password changes or the
account is deactivated (``revoke_tokens_on_account_change``). Failed attempts are throttled by
the sign-in throttle every door shares (``motcua.identity.signin_throttle``)."""

from __future__ import annotations

import copy
import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.security import HttpBearer
from pydantic import BaseModel
from pydantic import Field as P

from motcua.core.security import announce
from motcua.core.throttle import Limit
from motcua.identity import second_factor
from motcua.identity.models import User
from motcua.identity.signin_throttle import SignInThrottle, throttled_message

from .errors import ApiError
from .models import ApiToken
from .schemas import ErrorOut

router = Router(tags=["auth"])
DOOR = "api"

TOKEN_PREFIX = "mc_"
KEEP_DEAD_TOKENS = timedelta(days=30)


class Throttled(ApiError):
    """Too many failures: 429 with the seconds to wait (the Retry-After header)."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, 429)
        self.retry_after = retry_after


@dataclass(frozen=True)
class FailureCounter:
    """Failures counted per (limit, who) in the shared cache (motcua.core.throttle); each
    count is forgotten its limit's seconds after the first failure, and refuses further
    attempts once it reaches the limit."""

    limits: tuple[tuple[Limit, str], ...]

    def wait(self) -> int:
        """Seconds until the next attempt is allowed; 0 when it is allowed now."""
        return max((limit.wait(who) for limit, who in self.limits), default=0)

    def record_failure(self) -> None:
        for limit, who in self.limits:
            limit.hit(who)

    def forget_first(self) -> None:
        """After a success: the account's count restarts, the address's does not."""
        limit, who = self.limits[0]
        limit.reset(who)

    def refuse_if_locked(self, message: str) -> None:
        wait = self.wait()
        if wait:
            raise Throttled(message, wait)


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(*, user: User, at: datetime | None = None) -> tuple[str, ApiToken]:
    """A new token for ``user``: the secret (shown once) and its stored record."""
    at = at or timezone.now()
    # Tokens long dead are of no use, even to an audit; keep the table from growing for ever.
    ApiToken.objects.filter(user=user, expires_at__lt=at - KEEP_DEAD_TOKENS).delete()
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken.objects.create(
        user=user,
        digest=digest_of(secret),
        created_at=at,
        expires_at=at + timedelta(hours=settings.API_TOKEN_HOURS),
    )
    return secret, record


def revoke_token(*, token: ApiToken, at: datetime | None = None) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=at or timezone.now()
    )
    _checked.forget_now_and_at_commit(token_id=token.pk)


def revoke_tokens(*, user: User, reason: str, at: datetime | None = None) -> int:
    """Revoke every live token of ``user``; announced when there was any."""
    at = at or timezone.now()
    live = ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=at)
    count = live.update(revoked_at=at)
    _checked.forget_now_and_at_commit(user_id=user.pk)
    if count:
        announce("token.revoked", user=user, detail={"reason": reason, "count": count})
    return count


def token_record(secret: str, *, at: datetime | None = None) -> ApiToken | None:
    """The valid (unexpired, unrevoked) token for ``secret``, with its active user."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    at = at or timezone.now()
    digest = digest_of(secret)
    record = _checked.get(digest)
    if record is None:
        record = (
            ApiToken.objects.select_related("user")
            .filter(digest=digest, revoked_at__isnull=True, expires_at__gt=at, user__is_active=True)
            .first()
        )
        if record is None:
            return None
        if not record.user.must_change_password:  # refused each call until it is changed
            _checked.keep(digest, record)
    return record if record.expires_at > at else None


class CheckedTokens:
    """Tokens this process found valid in the database, each kept ``API_TOKEN_CACHE_SECONDS``
    (issue 18: the check was a query, and the request's first round trip, on every API call).
    The process that revokes a token or ends an account forgets its tokens at once; any other
    process stops accepting them at the latest that many seconds later. Expiry is compared
    on every call. Each call gets its own copy of the record and of its user, so nothing a
    request notes on them reaches another."""

    LIMIT = 10_000  # one process's distinct tokens; past it, all are checked afresh

    def __init__(self) -> None:
        self._kept: dict[str, tuple[float, ApiToken]] = {}
        self.clock = time.monotonic

    def get(self, digest: str) -> ApiToken | None:
        found = self._kept.get(digest)
        if found is None or self.clock() - found[0] >= settings.API_TOKEN_CACHE_SECONDS:
            return None
        record = copy.copy(found[1])
        record.user = copy.copy(found[1].user)
        return record

    def keep(self, digest: str, record: ApiToken) -> None:
        if settings.API_TOKEN_CACHE_SECONDS <= 0:
            return
        if len(self._kept) >= self.LIMIT:
            self._kept.clear()
        kept = copy.copy(record)
        kept.user = copy.copy(record.user)  # not the one this request goes on to use
        self._kept[digest] = (self.clock(), kept)

    def forget(self, *, user_id: int | None = None, token_id: int | None = None) -> None:
        for digest, (_kept_at, record) in list(self._kept.items()):
            if record.user_id == user_id or record.pk == token_id:
                self._kept.pop(digest, None)

    def forget_now_and_at_commit(
        self, *, user_id: int | None = None, token_id: int | None = None
    ) -> None:
        """At once, and again once the revocation is committed: until then another thread of
        this process still finds the token valid in the database, and would keep it."""
        self.forget(user_id=user_id, token_id=token_id)
        transaction.on_commit(lambda: self.forget(user_id=user_id, token_id=token_id))


_checked = CheckedTokens()


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``; the request's ``user`` becomes the token's owner."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        record = token_record(token.strip())
        if record is None:
            return None
        refuse_until_password_changed(record.user)
        request.user = record.user
        request.api_token = record  # type: ignore[attr-defined]
        return record.user


bearer = TokenAuth()


def refuse_until_password_changed(user: User) -> None:
    """An account whose password an administrator set changes it on the website first."""
    if user.must_change_password:
        raise ApiError(_(
            "Tài khoản phải đổi mật khẩu do quản trị viên đặt trước khi dùng API. Vui lòng "
            "đăng nhập trên trang web để đổi mật khẩu."
        ), 403)  # fmt: skip


class WrongCode(ApiError):
    """A code was checked and refused: it counts against the sign-in like a wrong password."""


def check_second_factor(request: HttpRequest, user: User, code: str) -> None:
    """Accept ``code`` from one of the account's confirmed TOTP devices, or raise ApiError."""
    if not second_factor.confirmed_totp_devices(user).exists():
        raise ApiError(
            _(
                "Tài khoản cán bộ chưa có ứng dụng xác thực; hãy đăng ký tại trang cán bộ trước "
                "khi dùng API."
            ),
            401,
        )
    if not code:
        raise ApiError(_("Cán bộ cần gửi kèm mã xác thực (otp) từ ứng dụng xác thực."), 401)
    try:
        second_factor.verify_second_factor(user=user, code=code)
    except second_factor.SecondFactorError as error:
        if error.wait:
            raise Throttled(error.message, error.wait) from error
        announce("otp.failed", request=request, user=user, detail={"door": DOOR})
        raise WrongCode(error.message, 401) from error
    announce("otp.verified", request=request, user=user, detail={"door": DOOR})


class TokenIn(BaseModel):
    username: str = P(
        ..., min_length=1, max_length=254, description="Username, phone number or email"
    )
    password: str = P(..., min_length=1, max_length=1024)
    otp: str = P(
        "", max_length=12, description="TOTP code; required for officers, staff and administrators"
    )


class TokenOut(Schema):
    token: str
    expires_at: datetime


@router.post(
    "/token",
    response={200: TokenOut, 401: ErrorOut, 403: ErrorOut, 429: ErrorOut},
    summary="Get a bearer token",
)
def create_token(request: HttpRequest, payload: TokenIn) -> dict[str, Any]:
    throttle = SignInThrottle.for_request(request, payload.username, door=DOOR)
    wait = throttle.wait()
    if wait:
        raise Throttled(throttled_message(), wait)
    user = authenticate(request, username=payload.username.strip(), password=payload.password)
    if not isinstance(user, User):
        throttle.record_failure(request)
        raise ApiError(_("Tên đăng nhập hoặc mật khẩu không đúng."), 401)
    if user.needs_second_factor:
        try:
            check_second_factor(request, user, "".join(payload.otp.split()))
        except WrongCode:
            throttle.record_failure(request)
            raise
    throttle.record_success()
    refuse_until_password_changed(user)
    with transaction.atomic():
        secret, record = issue_token(user=user)
    announce("token.issued", request=request, user=user, target=f"api-token:{record.pk}")
    return {"token": secret, "expires_at": timezone.localtime(record.expires_at)}


@router.delete(
    "/token", auth=bearer, response={204: None, 401: ErrorOut}, summary="Revoke this token"
)
def delete_token(request: HttpRequest) -> HttpResponse:
    token: ApiToken = request.api_token  # type: ignore[attr-defined]
    revoke_token(token=token)
    announce("token.revoked", request=request, user=token.user, target=f"api-token:{token.pk}",
             detail={"reason": "signed_out", "count": 1})  # fmt: skip
    return HttpResponse(status=204)


def notice_account_change(
    sender: type[User], instance: User, update_fields: frozenset[str] | None = None, **kwargs: Any
) -> None:
    """``pre_save`` of User: note whether this save changes the password or deactivates the
    account (the password pages, the admin and the IT team's commands all save the row)."""
    watched = {"password", "is_active"}
    if instance.pk is None or (update_fields is not None and not watched & set(update_fields)):
        return
    before = User.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if before is None:
        return
    if before["password"] != instance.password:
        instance._tokens_end_because = "password_changed"  # type: ignore[attr-defined]
    elif before["is_active"] and not instance.is_active:
        instance._tokens_end_because = "deactivated"  # type: ignore[attr-defined]


def revoke_tokens_on_account_change(sender: type[User], instance: User, **kwargs: Any) -> None:
    """``post_save`` of User: a token must outlive neither a new password nor a deactivation;
    revoked in the same transaction as the save."""
    reason = instance.__dict__.pop("_tokens_end_because", None)
    if reason:
        revoke_tokens(user=instance, reason=reason)
