"""The Django admin behind the same door as the back office: staff status and a verified
second factor, with sign-in only through ``backoffice:login`` (the admin's own form asks
for a password alone, so it is never shown)."""

from __future__ import annotations

from types import MethodType
from typing import Any

from django.contrib.admin import AdminSite
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from motcua.core.http import safe_next_url

from .access import second_factor_satisfied


def secure_admin_site(site: AdminSite) -> None:
    """Patch ``site`` in place: every ModelAdmin already holds a reference to it, so a
    patched instance is safer than swapping in another site after autodiscovery."""
    site.has_permission = MethodType(_has_permission, site)  # type: ignore[method-assign]
    site.login = MethodType(_login, site)  # type: ignore[method-assign]
    # One change page for officers: it announces the change and clears a forced change.
    site.password_change = MethodType(_password_change, site)  # type: ignore[method-assign]
    site.site_header = _("Quản trị Một Cửa")
    site.site_title = _("Quản trị Một Cửa")
    site.index_title = _("Quản trị hệ thống")


def _has_permission(site: AdminSite, request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_staff and second_factor_satisfied(user))


def _login(
    site: AdminSite, request: HttpRequest, extra_context: dict[str, Any] | None = None
) -> HttpResponse:
    index = reverse("admin:index", current_app=site.name)
    if site.has_permission(request):
        return redirect(safe_next_url(request) or index)
    if request.user.is_authenticated and second_factor_satisfied(request.user):
        # Fully signed in but not staff: sending them to sign in again would loop.
        raise PermissionDenied
    return redirect_to_login(safe_next_url(request) or index, reverse("backoffice:login"))


def _password_change(
    site: AdminSite, request: HttpRequest, extra_context: dict[str, Any] | None = None
) -> HttpResponse:
    return redirect("backoffice:password-change")
