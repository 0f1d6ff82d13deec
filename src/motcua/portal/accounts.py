"""Citizen and business accounts on the portal: sign-up, sign-in with a password or through
the national identity provider (VNeID), sign-out, and the profile page."""

from __future__ import annotations

import logging
from typing import Any, cast

from django.contrib import auth, messages
from django.core.exceptions import SuspiciousOperation
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from motcua.core.http import safe_next_url
from motcua.identity.accounts import AccountError, register_account, update_profile
from motcua.identity.backends import IdentityProviderError, national_identity_enabled
from motcua.identity.models import User

from .access import citizen_required, uses_portal
from .accounts_forms import ProfileForm, SignInForm, SignUpForm

logger = logging.getLogger(__name__)
PASSWORD_BACKEND = "motcua.identity.backends.PhoneOrEmailBackend"


def _add_error(form: Form, error: AccountError) -> None:
    form.add_error(error.field if error.field in form.fields else None, str(error.message))


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("password", "password_again")
@never_cache
def signup(request: HttpRequest) -> HttpResponse:
    next_url = safe_next_url(request)
    if request.method == "GET" and uses_portal(request.user):
        return redirect(next_url or "portal:account")
    form = SignUpForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "password_again"}
        try:
            user = register_account(**data)
        except AccountError as error:
            _add_error(form, error)
        else:
            auth.login(request, user, backend=PASSWORD_BACKEND)
            messages.success(request, _("Đã tạo tài khoản. Bạn đang đăng nhập."))
            return redirect(next_url or "portal:account")
    return render(request, "portal/accounts/signup.html", {"form": form, "next": next_url})


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("password")
@never_cache
def login(request: HttpRequest) -> HttpResponse:
    next_url = safe_next_url(request)
    if request.method == "GET" and uses_portal(request.user):
        return redirect(next_url or "portal:account")
    form = SignInForm(request, data=request.POST if request.method == "POST" else None)
    if form.is_valid() and form.user is not None:
        auth.login(request, form.user)
        return redirect(next_url or "portal:account")
    context = {"form": form, "next": next_url, "vneid": national_identity_enabled()}
    status = 429 if form.retry_after else 200
    response = render(request, "portal/accounts/login.html", context, status=status)
    if form.retry_after:
        response["Retry-After"] = str(form.retry_after)
    return response


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    auth.logout(request)
    messages.info(request, _("Bạn đã đăng xuất."))
    return redirect("portal:home")


@citizen_required
@require_http_methods(["GET", "POST"])
@never_cache
def account(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # citizen_required let only a portal account through
    search = request.POST.get("unit_query", "")
    if request.method == "POST" and request.POST.get("action") == "find-unit" and search.strip():
        # Searching changes nothing: show the same values again, the list now with the matches.
        form = ProfileForm(user, initial=request.POST.dict(), search=search)
    else:
        data = request.POST if request.method == "POST" else None
        form = ProfileForm(user, data, search=search)
        if form.is_valid():
            try:
                update_profile(user=user, changes=form.changes())  # type: ignore[arg-type]
            except AccountError as error:
                _add_error(form, error)
            else:
                messages.success(request, _("Đã lưu thông tin tài khoản."))
                return redirect("portal:account")
    return render(request, "portal/accounts/profile.html", {
        "form": form, "account": user, "locked": ProfileForm.locked_fields(user),
        "vneid": national_identity_enabled() and not user.oidc_subject,
    })  # fmt: skip


def _require_national_identity() -> None:
    if not national_identity_enabled():
        raise Http404


class NationalIdentityStart(OIDCAuthenticationRequestView):
    """Send the person to the identity provider; ``next`` is kept only when safe."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        _require_national_identity()
        response: HttpResponseBase = super().dispatch(request, *args, **kwargs)
        return response


@method_decorator(never_cache, name="dispatch")
class NationalIdentityCallback(OIDCAuthenticationCallbackView):
    """Back from the identity provider: the library checks state, nonce and the ID token;
    every refusal becomes a page that says what happened, never a server error."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        _require_national_identity()
        try:
            response: HttpResponseBase = super().dispatch(request, *args, **kwargs)
        except SuspiciousOperation:
            # Raised for a state this browser never sent: a forged or replayed answer.
            return self._failed(
                _("Yêu cầu đăng nhập không hợp lệ hoặc đã được dùng. Vui lòng đăng nhập lại."),
                status=400,
            )
        except IdentityProviderError as error:
            return self._failed(str(error.message), status=502)
        except AccountError as error:
            return self._failed(str(error.message), status=409)
        return response

    @property
    def success_url(self) -> str:
        next_url: str | None = self.request.session.get("oidc_login_next")
        return next_url or reverse("portal:account")

    def login_success(self) -> HttpResponse:
        response: HttpResponse = super().login_success()
        messages.success(self.request, _("Đã đăng nhập bằng tài khoản định danh điện tử."))
        return response

    def login_failure(self) -> HttpResponse:
        if self.request.GET.get("error") == "access_denied":
            return self._failed(_("Bạn đã hủy đăng nhập bằng tài khoản định danh điện tử."), 400)
        return self._failed(
            _("Không đăng nhập được bằng tài khoản định danh điện tử. Vui lòng đăng nhập lại."),
            status=400,
        )

    def _failed(self, message: str, status: int) -> HttpResponse:
        context = {"message": message, "vneid": True}
        return render(self.request, "portal/accounts/vneid_failed.html", context, status=status)
