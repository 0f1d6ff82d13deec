from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .access import may_use_backoffice


class PasswordForm(AuthenticationForm):
    """Step 1. Errors sit on the username field so the error summary can link to it."""

    error_messages = {
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng."),
        "inactive": _("Tài khoản này đã bị khóa. Vui lòng liên hệ quản trị đơn vị."),
        "not_officer": _(
            "Trang này chỉ dành cho cán bộ, công chức. Công dân và doanh nghiệp vui lòng "
            "đăng nhập tại Cổng dịch vụ công."
        ),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        username, password = self.fields["username"], self.fields["password"]
        username.label = _("Tên đăng nhập")
        username.error_messages["required"] = _("Nhập tên đăng nhập.")
        password.label = _("Mật khẩu")
        password.error_messages["required"] = _("Nhập mật khẩu.")

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except ValidationError as error:
            self.add_error("username", error)
            return self.cleaned_data

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not may_use_backoffice(user):
            raise ValidationError(self.error_messages["not_officer"], code="not_officer")


class CodeForm(forms.Form):
    """Step 2 (and enrolment): the 6-digit code an authenticator app shows."""

    code = forms.CharField(
        label=_("Mã xác thực"),
        help_text=_("Gồm 6 chữ số, thay đổi mỗi 30 giây."),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9]*",
                "spellcheck": "false",
                "class": "input-code",
            }
        ),
        error_messages={"required": _("Nhập mã xác thực gồm 6 chữ số.")},
    )

    def clean_code(self) -> str:
        # Apps show the code as "123 456"; people also paste it with spaces.
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise ValidationError(_("Mã xác thực gồm đúng 6 chữ số."), code="format")
        return code
