"""The portal's password pages: change (citizen account area), forgot, reset by a code."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from motcua.identity import password_views
from motcua.identity.password_views import Door

from .access import citizen_required

DOOR = Door(namespace="portal", signin="portal:login", home="portal:account")
_SECRETS = ("current_password", "new_password", "new_password_again", "code")


@citizen_required
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters(*_SECRETS)
@never_cache
def change(request: HttpRequest) -> HttpResponse:
    return password_views.change(request, DOOR)


@require_http_methods(["GET", "POST"])
@never_cache
def forgot(request: HttpRequest) -> HttpResponse:
    return password_views.forgot(request, DOOR)


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters(*_SECRETS)
@never_cache
def reset(request: HttpRequest) -> HttpResponse:
    return password_views.reset(request, DOOR)
