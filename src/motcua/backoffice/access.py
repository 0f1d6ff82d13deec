"""Who may use the back office, and the decorator that guards its pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse

View = Callable[..., HttpResponseBase]


def may_use_backoffice(user: Any) -> bool:
    """Officers, staff and superusers (``User.reaches_back_office``); citizens and
    businesses use the portal."""
    return bool(user.is_active and getattr(user, "reaches_back_office", False))


def second_factor_satisfied(user: Any) -> bool:
    """True once the user has passed the code step, or when their account needs none
    (``User.needs_second_factor``: the one rule, also asked by the API's token endpoint)."""
    if not user.is_authenticated:
        return False
    if not getattr(user, "needs_second_factor", True):
        return True
    is_verified = getattr(user, "is_verified", None)  # installed by django_otp's middleware
    return bool(is_verified is not None and is_verified())


def officer_required(view: View) -> View:
    """Signed in, an officer, and past the second factor; a class-based view can use it
    through ``method_decorator(officer_required, name="dispatch")``."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("backoffice:login"))
        if not may_use_backoffice(user):
            raise PermissionDenied
        if not second_factor_satisfied(user):
            return redirect_to_login(request.get_full_path(), reverse("backoffice:login"))
        return view(request, *args, **kwargs)

    return guarded
