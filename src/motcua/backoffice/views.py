"""Back-office shell: officer sign-in (password, then a TOTP code) and the home page."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import auth, messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from motcua.audit.selectors import may_read_log
from motcua.core.http import safe_next_url
from motcua.core.security import announce
from motcua.dossiers.rules import receiving_agencies
from motcua.identity import second_factor
from motcua.identity.models import User
from motcua.identity.signin_throttle import SignInThrottle, throttled_message

from . import selectors, signin
from .access import may_use_backoffice, officer_required, second_factor_satisfied
from .enrolment import enrolment_details
from .forms import CodeForm, EnrolmentForm, PasswordForm


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
        return _after_password(request, form.get_user(), next_url, form.cleaned_data["username"])
    return _render(request, "backoffice/login.html", {"form": form, "next": next_url},
                   retry_after=form.retry_after)  # fmt: skip


def _after_password(request: HttpRequest, user: User, next_url: str, name: str) -> HttpResponse:
    if not user.needs_second_factor:
        auth.login(request, user)
        SignInThrottle.for_request(request, name, door=signin.DOOR).record_success()
        return redirect(next_url or "backoffice:home")
    signin.begin(request, user, next_url, name)
    if second_factor.confirmed_totp_devices(user).exists():
        return redirect("backoffice:verify")
    return redirect("backoffice:enrol")


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], *, retry_after: int
) -> HttpResponse:
    """The page again; while sign-in is throttled, as a 429 that says when to come back."""
    response = render(request, template, context, status=429 if retry_after else 200)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def _refused_code(request: HttpRequest, pending: signin.PendingSignIn, error: Any) -> None:
    """A wrong code counts against the sign-in like a wrong password, and is reported."""
    if error.wrong_code:
        pending.throttle(request).record_failure(request)
        announce("otp.failed", request=request, user=pending.user, detail={"door": signin.DOOR})


@require_http_methods(["GET", "POST"])
@never_cache
def verify(request: HttpRequest) -> HttpResponse:
    pending = signin.pending(request)
    if pending is None:
        return _start_again(request)
    form = CodeForm(request.POST if request.method == "POST" else None)
    retry_after = pending.throttle(request).wait() if form.is_bound else 0
    if retry_after:
        form.is_valid()
        form.add_error("code", throttled_message())
    elif form.is_valid():
        try:
            code = form.cleaned_data["code"]
            device = second_factor.verify_second_factor(user=pending.user, code=code)
        except second_factor.SecondFactorError as error:
            form.add_error("code", error.message)
            _refused_code(request, pending, error)
        else:
            signin.complete(request, pending, device)
            announce(
                "otp.verified", request=request, user=pending.user, detail={"door": signin.DOOR}
            )
            return redirect(pending.next_url or "backoffice:home")
    return _render(request, "backoffice/verify.html", {"form": form}, retry_after=retry_after)


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("password")
@never_cache
def enrol(request: HttpRequest) -> HttpResponse:
    """A fresh secret each time the page is shown, confirmable only from this session, with
    the code it shows and the password again."""
    pending = signin.pending(request)
    if pending is None:
        return _start_again(request)
    if second_factor.confirmed_totp_devices(pending.user).exists():
        return redirect("backoffice:verify")
    if request.method == "GET":
        device = second_factor.start_totp_enrolment(user=pending.user)
        signin.offer_device(request, device)
        context = {"form": EnrolmentForm(), "enrolment": enrolment_details(device)}
        return render(request, "backoffice/enrol.html", context)
    offered = signin.offered_device(request, pending)
    if offered is None:  # shown to another session since, or never shown: show a new one
        messages.info(request, _("Mã thiết lập đã thay đổi. Vui lòng quét mã mới."))
        return redirect("backoffice:enrol")
    form = EnrolmentForm(request.POST)
    retry_after = pending.throttle(request).wait()
    if retry_after:
        form.is_valid()
        form.add_error("code", throttled_message())
    elif form.is_valid() and _password_again(request, pending, form):
        try:
            device = second_factor.confirm_totp_device(
                device=offered, code=form.cleaned_data["code"]
            )
        except second_factor.SecondFactorError as error:
            form.add_error("code", error.message)
            _refused_code(request, pending, error)
        else:
            signin.complete(request, pending, device)
            announce(
                "otp.enrolled", request=request, user=pending.user, detail={"door": signin.DOOR}
            )
            messages.success(request, _("Đã thiết lập ứng dụng xác thực cho tài khoản của bạn."))
            return redirect(pending.next_url or "backoffice:home")
    context = {"form": form, "enrolment": enrolment_details(offered)}
    return _render(request, "backoffice/enrol.html", context, retry_after=retry_after)


def _password_again(
    request: HttpRequest, pending: signin.PendingSignIn, form: EnrolmentForm
) -> bool:
    password = form.cleaned_data["password"]
    user = auth.authenticate(request, username=pending.identifier, password=password)
    if user is not None and user.pk == pending.user.pk:
        return True
    pending.throttle(request).record_failure(request)
    form.add_error("password", _("Mật khẩu không đúng."))
    return False


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
