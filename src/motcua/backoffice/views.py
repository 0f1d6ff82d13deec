"""Back-office shell: officer sign-in (password, then a TOTP code) and the home page."""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib import auth, messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from motcua.audit.selectors import may_read_log
from motcua.core.http import safe_next_url
from motcua.dossiers.rules import receiving_agencies
from motcua.identity.models import User

from . import selectors, services, signin
from .access import may_use_backoffice, officer_required, second_factor_satisfied
from .enrolment import enrolment_details
from .forms import CodeForm, PasswordForm


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("password")
@never_cache
def login(request: HttpRequest) -> HttpResponse:
    next_url = safe_next_url(request)
    user = request.user
    if request.method == "GET" and may_use_backoffice(user) and second_factor_satisfied(user):
        return redirect(next_url or "backoffice:home")
    form = PasswordForm(request, data=request.POST if request.method == "POST" else None)
    if form.is_valid():
        return _after_password(request, form.get_user(), next_url)
    return render(request, "backoffice/login.html", {"form": form, "next": next_url})


def _after_password(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    if not settings.OFFICER_2FA_REQUIRED:
        auth.login(request, user)
        return redirect(next_url or "backoffice:home")
    signin.begin(request, user, next_url)
    if selectors.confirmed_totp_devices(user).exists():
        return redirect("backoffice:verify")
    services.start_totp_enrolment(user=user)
    return redirect("backoffice:enrol")


@require_http_methods(["GET", "POST"])
@never_cache
def verify(request: HttpRequest) -> HttpResponse:
    pending = signin.pending(request)
    if pending is None:
        return _start_again(request)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            code = form.cleaned_data["code"]
            device = services.verify_second_factor(user=pending.user, code=code)
        except services.SecondFactorError as error:
            form.add_error("code", error.message)
        else:
            signin.complete(request, pending, device)
            return redirect(pending.next_url or "backoffice:home")
    return render(request, "backoffice/verify.html", {"form": form})


@require_http_methods(["GET", "POST"])
@never_cache
def enrol(request: HttpRequest) -> HttpResponse:
    pending = signin.pending(request)
    if pending is None:
        return _start_again(request)
    if selectors.confirmed_totp_devices(pending.user).exists():
        return redirect("backoffice:verify")
    device = selectors.unconfirmed_totp_device(pending.user)
    if device is None:
        return _start_again(request)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            device = services.confirm_totp_device(device=device, code=form.cleaned_data["code"])
        except services.SecondFactorError as error:
            form.add_error("code", error.message)
        else:
            signin.complete(request, pending, device)
            messages.success(request, _("Đã thiết lập ứng dụng xác thực cho tài khoản của bạn."))
            return redirect(pending.next_url or "backoffice:home")
    context = {"form": form, "enrolment": enrolment_details(device)}
    return render(request, "backoffice/enrol.html", context)


def _start_again(request: HttpRequest) -> HttpResponse:
    messages.info(request, _("Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại."))
    return redirect("backoffice:login")


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    auth.logout(request)
    messages.info(request, _("Bạn đã đăng xuất."))
    return redirect("backoffice:login")


@officer_required
def home(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # officer_required let only a signed-in user through
    return render(request, "backoffice/home.html", {
        "roles": selectors.roles_of(user),
        "tabs": selectors.inbox_tabs(user),
        "receives": bool(receiving_agencies(user)),
        "reads_audit": may_read_log(user),
    })  # fmt: skip
