"""``Cache-Control: no-store`` on every answer that may carry personal data (ASVS V8.2.1).

Fail closed: an answer may be kept by a browser or a shared proxy only when it is one of the
public pages that are the same for everyone (the catalogue, the units, the calendar, static
files) *and* the request carries no session and no bearer token. Everything else (the
citizen's dossiers and account, the lookup, the back office, the admin, the API's dossiers,
payments and documents) is marked ``no-store, private``, so a shared computer's browser
history or a proxy's cache never gives it to the next person.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

# The public pages and answers (paths): the same for every visitor, cacheable
# (core.page_cache keeps some of them). Submitting (thu-tuc/<code>/nop/) is not among them,
# nor sending or following feedback (phan-anh/gui/, phan-anh/theo-doi/): only the public
# answers (phan-anh/ and phan-anh/tra-loi/<code>/). Open data (du-lieu-mo/: pages, files, DCAT) is
# aggregates only.
PUBLIC = re.compile(
    r"^/(?:"
    r"|thu-tuc/(?:[^/]+/)?|don-vi/(?:[^/]+/)?|ngay-hen-tra/|kho-du-lieu/.*|static/.*"
    r"|xac-thuc/crl/.*|i18n/.*|phan-anh/(?:tra-loi/[^/]+/)?|du-lieu-mo/.*"
    r"|api/v1/(?:procedures|units|calendar)(?:/.*)?|api/v1/openapi\.json|api/v1/docs.*"
    r"|open311/v2/(?:discovery|services(?:/[^/]+)?)\.(?:json|xml)"
    r"|danh-muc-csdl/.*"  # the city's data catalogue: versions, databases, exports
    r"|du-lieu-mo/catalog\.(?:ttl|jsonld|rdf)"
    # The CKAN-compatible API: open data, anonymous, read only (motcua.ckan).
    r"|api/(?:3/)?action/[^/]*"
    r")$"
)


def is_public(request: HttpRequest) -> bool:
    """Whether this request's answer is the same for everyone and may be stored."""
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "HTTP_AUTHORIZATION" in request.META:
        return False
    return PUBLIC.match(request.path) is not None


def forbid_storing(response: HttpResponse) -> None:
    patch_cache_control(response, no_store=True, private=True, max_age=0)
    # A "public" the view set would contradict "private" (patch_cache_control drops it).
    response.headers.pop("Expires", None)


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not is_public(request):
            forbid_storing(response)
        return response
