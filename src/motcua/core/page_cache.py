"""Public pages served from the cache to visitors who are not signed in.

The catalogue, a procedure, the units: the pages everyone reads, the same for every visitor
who is not signed in. For those visitors (no session cookie, no pending message) a page is
rendered once per language and address and kept in Django's cache (Redis in production,
shared by the nodes) for ``MOTCUA_PAGE_CACHE_SECONDS``; nginx may keep it as long
(``X-Accel-Expires``). Anyone with a session gets the page rendered for them and marked
``private``, so a page with someone's name on it is never stored or shared.

Keys carry a *generation*: any change to what the pages show (catalogue import, an admin
edit of a procedure, a unit or a holiday) sets a new one once its transaction commits, and
every page is rendered afresh from then on. Stale entries simply expire.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

from motcua.core import generations, replicas

GENERATION_KEY = "motcua:pages:generation"
View = Callable[..., HttpResponse]


def generation(key: str = GENERATION_KEY) -> str:
    """The current generation of what ``key`` names (the public pages by default)."""
    # A random token, not a counter: should the cache drop this key, a new token can never
    # bring back entries stored under an old one.
    value = generations.read(key)  # once a request (core/generations.py)
    if value is None:
        # Not a change, just a key the cache lost: nothing new for the replicas to show.
        cache.add(key, _token(bumped_at=0), None)
        value = cache.get(key, "")
        generations.remember(key, value)
    value = str(value)
    # What is built now is kept under this generation: while a replica may not show the
    # change yet, the rest of the request reads the primary (core/replicas.py).
    bumped_at = value.rpartition("-")[2]
    if bumped_at.isdigit():
        replicas.generation_is_young(int(bumped_at))
    return value


def _token(*, bumped_at: float | None = None) -> str:
    at = time.time() if bumped_at is None else bumped_at
    return f"{secrets.token_hex(8)}-{int(at)}"


def bump(key: str = GENERATION_KEY) -> None:
    token = _token()
    cache.set(key, token, None)
    generations.remember(key, token)


def bump_on_commit(**kwargs: Any) -> None:
    """Signal receiver: the pages change when the transaction saving the change commits (a
    page rendered before that shows the old data and must not outlive it)."""
    transaction.on_commit(bump)


def _visitor(request: HttpRequest) -> bool:
    """Not signed in, with nothing personal to show: no session, no pending message."""
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def _key(request: HttpRequest) -> str:
    address = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"motcua:page:{generation()}:{get_language()}:{address}"


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    # Nothing personal: no cookie set, no CSRF token rendered into the page.
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )


def cached_for_visitors(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        seconds = int(settings.PAGE_CACHE_SECONDS)
        if seconds <= 0 or request.method != "GET" or not _visitor(request):
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True)
            patch_vary_headers(response, ["Cookie"])
            return response
        key = _key(request)
        stored = cache.get(key)
        if stored is not None:
            content, content_type = stored
            response = HttpResponse(content, content_type=content_type)
        else:
            response = view(request, *args, **kwargs)
            if not _storable(request, response):
                patch_cache_control(response, private=True)
                patch_vary_headers(response, ["Cookie"])
                return response
            cache.set(key, (response.content, response["Content-Type"]), seconds)
        # Shared caches (nginx) keep it as long as we do; browsers ask again each time, so
        # that after signing in the header shows the person's name at once.
        patch_cache_control(response, public=True, max_age=0)
        response["X-Accel-Expires"] = str(seconds)
        patch_vary_headers(response, ["Cookie"])  # a session cookie means another page
        return response

    return wrapped
