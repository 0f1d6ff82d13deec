"""The DCAT catalogue of open data, for harvesters: Turtle, JSON-LD or RDF/XML
(motcua.opendata.dcat builds it; docs/opendata.md, section "DCAT")."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from motcua.core.page_cache import cached_for_visitors
from motcua.opendata import dcat


@require_safe
@cached_for_visitors
def catalogue(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in dcat.FORMATS:
        raise Http404
    body, content_type = dcat.serialise(fmt)
    return HttpResponse(body, content_type=content_type)
