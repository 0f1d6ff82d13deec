"""Small request helpers shared by the interfaces (portal, back office, API)."""

from __future__ import annotations

import gzip
import ipaddress
import json
from collections.abc import Callable
from functools import lru_cache
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme


def json_body(request: HttpRequest) -> Any:
    """The request's JSON body; None when it is not JSON (the caller refuses it as unsigned)."""
    try:
        return json.loads(request.body)
    except ValueError:
        return None


def safe_next_url(request: HttpRequest) -> str:
    """The ``next`` parameter when it points inside this site, else "" (no open redirect)."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if allowed else ""


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    try:
        return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)
    except ValueError as error:
        raise ImproperlyConfigured(f"MOTCUA_TRUSTED_PROXIES: {error}") from None


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(request: HttpRequest) -> str:
    """The address of the person's machine, for per-client limits and logs.

    ``X-Forwarded-For`` is believed only as far as it was written by our own proxies
    (``MOTCUA_TRUSTED_PROXIES``): reading it from the right, each hop added by a trusted
    proxy is skipped and the first address that is not one is the client. Anything a client
    wrote itself further left is ignored, so a forged header cannot dodge a limit."""
    remote = str(request.META.get("REMOTE_ADDR") or "")
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    if not networks or not _trusted(remote, networks):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    client = remote
    for hop in reversed([hop for hop in hops if hop]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            break  # not an address: written by the client, not by a proxy of ours
        client = hop
        if not _trusted(hop, networks):
            break
    return client


def stored_file_response(
    stored: Any, *, name: str, content_type: str, attachment: bool = True
) -> HttpResponse:
    """An uploaded file streamed to someone the caller checked may have it: 404 when its bytes
    are gone; never run as this site (a sandbox CSP: no scripts, no same-origin access)."""
    try:
        handle = stored.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    response = FileResponse(
        handle, as_attachment=attachment, filename=name, content_type=content_type
    )
    response["Content-Security-Policy"] = "sandbox"
    return cast(HttpResponse, response)


def accepts_gzip(request: HttpRequest) -> bool:
    """Whether the client said it reads a gzip-encoded answer (RFC 9110, 12.5.3): ``gzip``
    (or its old name ``x-gzip``) in Accept-Encoding with a weight above 0, or else ``*`` with
    one. Every browser and HTTP library sends ``gzip``; wrk and a bare urllib do not."""
    weights: dict[str, float] = {}
    for part in request.META.get("HTTP_ACCEPT_ENCODING", "").split(","):
        coding, *params = (piece.strip() for piece in part.split(";"))
        weight = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0  # a weight nobody can read: not an acceptance
        weights[coding.lower()] = weight
    weight = weights.get("gzip", weights.get("x-gzip", weights.get("*", 0.0)))
    return weight > 0


def gzipped(body: bytes) -> bytes:
    """``body`` gzip-compressed, the same bytes for the same body (no time in the header)."""
    return gzip.compress(body, compresslevel=6, mtime=0)


def encoded_answer(
    request: HttpRequest,
    content_type: str,
    plain: Callable[[], bytes],
    compressed: Callable[[], bytes],
) -> HttpResponse:
    """A large answer gzip-compressed for a client that accepts it, as is otherwise; the
    callers keep both forms (compressing 2 MB costs about 15 ms, which a kept answer pays once).
    Only for answers that carry no secret beside text an attacker chooses (BREACH): a report's
    figures, never a page with a CSRF token."""
    if accepts_gzip(request):
        response = HttpResponse(compressed(), content_type=content_type)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(plain(), content_type=content_type)
    patch_vary_headers(response, ("Accept-Encoding",))
    return response
