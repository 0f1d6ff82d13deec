"""Passwords: the policy's wording, changing one's own password, and the flag that makes an
account set its own password after an administrator set one for it.

The policy itself is ``settings.AUTH_PASSWORD_VALIDATORS``; every place a password is set
calls :func:`check_new_password` (or a Django form that runs the same validators).
"""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from motcua.core.security import announce
from motcua.core.throttle import Limit

from .accounts import AccountError
from .models import User

PASSWORD_HELP = _(
    "Ít nhất 12 ký tự. Nên dùng một câu dễ nhớ với bạn, ví dụ “Hoa sen nở tháng 6”. Không "
    "dùng số điện thoại, ngày sinh, số giấy tờ, dãy phím hay tên của bạn."
)


def check_new_password(password: str, user: User, *, field: str = "new_password") -> None:
    """The policy, told who the account is; an AccountError lists every reason at once."""
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise AccountError(" ".join(error.messages), field=field) from error


# Wrong current passwords on the change page, per account: a borrowed session must not become
# a way to guess the password.
WRONG_CURRENT = Limit("password-change", 5, 15 * 60, _(
    "Bạn đã nhập sai mật khẩu hiện tại quá nhiều lần. Vui lòng thử lại sau %(seconds)d giây."
))  # fmt: skip


def change_password(
    *, user: User, current_password: str, new_password: str, request: HttpRequest | None = None
) -> None:
    """The person's own change: the current password first, then the policy. Changing the
    password changes the session hash, so every other session of the account ends; the view
    keeps the current one (update_session_auth_hash)."""
    if WRONG_CURRENT.wait(str(user.pk)):
        WRONG_CURRENT.take(str(user.pk))  # raises RateLimited: a 429 page
    if not user.check_password(current_password):
        WRONG_CURRENT.hit(str(user.pk))
        raise AccountError(_("Mật khẩu hiện tại không đúng."), field="current_password")
    if current_password == new_password:
        raise AccountError(_("Mật khẩu mới phải khác mật khẩu hiện tại."), field="new_password")
    check_new_password(new_password, user)
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    announce("password.changed", request=request, user=user, target=f"user:{user.pk}")
