"""Who may use the citizen pages of the portal, and the decorator that guards them."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from motcua.identity.models import User

View = Callable[..., HttpResponse]


def uses_portal(user: Any) -> bool:
    """A signed-in, active citizen or business account."""
    return bool(user.is_authenticated and user.is_active and getattr(user, "uses_portal", False))


def citizen_required(view: View) -> View:
    """Signed in as a citizen or a business, else to the portal sign-in and back here.

    Officers are refused (403): they act for the state in the back office, never as an
    applicant with their officer account. A class-based view can use it through
    ``method_decorator(citizen_required, name="dispatch")``.
    """

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("portal:login"))
        if not uses_portal(user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded


def citizen(request: HttpRequest) -> User:
    """The signed-in account of a view behind ``citizen_required``."""
    return cast(User, request.user)
