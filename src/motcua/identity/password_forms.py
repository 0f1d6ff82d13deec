"""The password forms both doors show (portal and back office); the rules they apply live
in passwords.py and password_reset.py."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .passwords import PASSWORD_HELP


def _password(label: Any, required: Any, autocomplete: str, hint: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label, strip=False, help_text=hint, max_length=1024,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
        error_messages={"required": required},
    )  # fmt: skip


class NewPasswordForm(forms.Form):
    """The new password, typed twice."""

    new_password = _password(
        _("Mật khẩu mới"), _("Nhập mật khẩu mới."), "new-password", PASSWORD_HELP
    )
    new_password_again = _password(
        _("Nhập lại mật khẩu mới"), _("Nhập lại mật khẩu mới."), "new-password"
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        new = data.get("new_password")
        if new and data.get("new_password_again") and data["new_password_again"] != new:
            self.add_error("new_password_again", _("Hai mật khẩu mới không giống nhau."))
        return data


class ChangePasswordForm(NewPasswordForm):
    current_password = _password(
        _("Mật khẩu hiện tại"), _("Nhập mật khẩu hiện tại."), "current-password"
    )
    field_order = ["current_password", "new_password", "new_password_again"]


class ForgotPasswordForm(forms.Form):
    identifier = forms.CharField(
        label=_("Số điện thoại, thư điện tử hoặc tên đăng nhập"),
        max_length=254,
        help_text=_("Mã sẽ được gửi tới thư điện tử hoặc số điện thoại đã xác minh của tài khoản."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
        error_messages={"required": _("Nhập số điện thoại, thư điện tử hoặc tên đăng nhập.")},
    )


class ResetPasswordForm(NewPasswordForm):
    code = forms.CharField(
        label=_("Mã gồm 6 chữ số"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
        error_messages={"required": _("Nhập mã gồm 6 chữ số đã được gửi cho bạn.")},
    )
    field_order = ["code", "new_password", "new_password_again"]

    def clean_code(self) -> str:
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise ValidationError(_("Mã gồm đúng 6 chữ số."), code="format")
        return code
