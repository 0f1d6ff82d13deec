from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from motcua.identity.signin_throttle import SignInThrottle, throttled_message

from .access import may_use_backoffice


class PasswordForm(AuthenticationForm):
    """Step 1. Errors sit on the username field so the error summary can link to it.

    Throttled like every door (``motcua.identity.signin_throttle``): while the account or
    the address is held up, the password is not checked at all. A citizen's account is
    refused with the same words as a wrong password, so this page never tells whether a
    password matched (the page itself points citizens to the portal).
    """

    error_messages = {
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng."),
        "inactive": _("Tên đăng nhập hoặc mật khẩu không đúng."),
    }

    request: HttpRequest  # never None here: the sign-in view always passes it

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.retry_after = 0
        username, password = self.fields["username"], self.fields["password"]
        username.label = _("Tên đăng nhập")
        username.error_messages["required"] = _("Nhập tên đăng nhập.")
        password.label = _("Mật khẩu")
        password.error_messages["required"] = _("Nhập mật khẩu.")

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        if not username or not self.cleaned_data.get("password"):
            return self.cleaned_data
        throttle = SignInThrottle.for_request(self.request, username, door="backoffice")
        self.retry_after = throttle.wait()
        if self.retry_after:
            self.add_error("username", ValidationError(throttled_message(), code="throttled"))
            return self.cleaned_data
        try:
            return super().clean()
        except ValidationError as error:
            throttle.record_failure(self.request)
            self.add_error("username", error)
            return self.cleaned_data

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not may_use_backoffice(user):
            raise self.get_invalid_login_error()


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


class EnrolmentForm(CodeForm):
    """Confirming a new authenticator: the code it shows, and the password again, so that a
    session left open (or taken over) at the enrolment page cannot bind a phone alone."""

    password = forms.CharField(
        label=_("Mật khẩu"),
        help_text=_("Nhập lại mật khẩu của bạn để xác nhận thiết lập."),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Nhập mật khẩu.")},
    )
