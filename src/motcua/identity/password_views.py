"""The password pages, the same on both doors: change (signed in), forgot and reset (by a
code). Each door wraps them with its own guard and names its own pages (``Door``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from .accounts import AccountError
from .models import User
from .password_forms import ChangePasswordForm, ForgotPasswordForm, ResetPasswordForm
from .password_reset import request_reset, reset_password
from .passwords import change_password

RESET_SESSION_KEY = "password_reset_identifier"


@dataclass(frozen=True)
class Door:
    """URL names of one interface: where to sign in, and where to go after a change."""

    namespace: str
    signin: str
    home: str

    def url(self, page: str) -> str:
        return f"{self.namespace}:password-{page}"


def _add_error(form: Form, error: AccountError) -> None:
    form.add_error(error.field if error.field in form.fields else None, str(error.message))


def change(request: HttpRequest, door: Door) -> HttpResponse:
    """The guard in front (citizen_required / officer_required) let a signed-in user in."""
    user = cast(User, request.user)
    form = ChangePasswordForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        data = form.cleaned_data
        try:
            change_password(user=user, current_password=data["current_password"],
                            new_password=data["new_password"], request=request)  # fmt: skip
        except AccountError as error:
            _add_error(form, error)
        else:
            update_session_auth_hash(request, user)  # this session stays; the others end
            messages.success(request, _(
                "Đã đổi mật khẩu. Các phiên đăng nhập khác của tài khoản đã kết thúc."
            ))  # fmt: skip
            return redirect(door.home)
    context = {"form": form, "door": door, "forced": user.must_change_password}
    return render(request, "identity/password_change.html", context)


def forgot(request: HttpRequest, door: Door) -> HttpResponse:
    form = ForgotPasswordForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        identifier = form.cleaned_data["identifier"].strip()
        request_reset(identifier=identifier, request=request)
        request.session[RESET_SESSION_KEY] = identifier
        # The same words whether or not an account matched.
        messages.info(request, _(
            "Nếu thông tin bạn nhập khớp với một tài khoản có thư điện tử hoặc số điện thoại "
            "đã xác minh, chúng tôi vừa gửi tới đó một mã gồm 6 chữ số, dùng được trong 10 phút."
        ))  # fmt: skip
        return redirect(door.url("reset"))
    return render(request, "identity/password_forgot.html", {"form": form, "door": door})


def reset(request: HttpRequest, door: Door) -> HttpResponse:
    identifier = request.session.get(RESET_SESSION_KEY)
    if not identifier:
        return redirect(door.url("forgot"))
    form = ResetPasswordForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        data = form.cleaned_data
        try:
            reset_password(identifier=identifier, code=data["code"],
                           new_password=data["new_password"], request=request)  # fmt: skip
        except AccountError as error:
            _add_error(form, error)
        else:
            request.session.pop(RESET_SESSION_KEY, None)
            messages.success(request, _("Đã đặt mật khẩu mới. Hãy đăng nhập bằng mật khẩu mới."))
            return redirect(door.signin)
    context = {"form": form, "door": door}
    return render(request, "identity/password_reset.html", context)


# What a crash report must never show of these forms (sensitive_post_parameters).
SECRET_FIELDS = ("current_password", "new_password", "new_password_again", "code")


@dataclass(frozen=True)
class DoorViews:
    change: Callable[[HttpRequest], HttpResponse]
    forgot: Callable[[HttpRequest], HttpResponse]
    reset: Callable[[HttpRequest], HttpResponse]


def views_for(
    door: Door, signed_in: Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]
) -> DoorViews:
    """The three pages for one door: ``signed_in`` is the door's guard for the change page
    (citizen_required, officer_required); forgot and reset are open to anyone."""
    methods = require_http_methods(["GET", "POST"])
    hide = sensitive_post_parameters(*SECRET_FIELDS)

    def change_page(request: HttpRequest) -> HttpResponse:
        return change(request, door)

    def forgot_page(request: HttpRequest) -> HttpResponse:
        return forgot(request, door)

    def reset_page(request: HttpRequest) -> HttpResponse:
        return reset(request, door)

    return DoorViews(
        change=signed_in(methods(hide(never_cache(change_page)))),
        forgot=methods(never_cache(forgot_page)),
        reset=methods(hide(never_cache(reset_page))),
    )
