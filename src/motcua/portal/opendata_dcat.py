"""The DCAT catalogue of open data, for harvesters: Turtle, JSON-LD or RDF/XML
(motcua.opendata.dcat builds it; docs/opendata.md, section "DCAT"); and each version of the
city's data catalogue in DCAT, every database with its access rights (docs/data-catalogue.md)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from motcua.core.page_cache import cached_for_visitors
from motcua.core.replicas import replica_reads
from motcua.datacatalog import selectors
from motcua.opendata import catalogue_source, dcat


@require_safe
@replica_reads
@cached_for_visitors
def catalogue(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in dcat.FORMATS:
        raise Http404
    body, content_type = dcat.serialise(fmt)
    return HttpResponse(body, content_type=content_type)


@require_safe
@replica_reads
@cached_for_visitors
def data_catalogue_version(request: HttpRequest, number: str, fmt: str) -> HttpResponse:
    version = selectors.version_numbered(int(number))
    if version is None or fmt not in dcat.FORMATS:
        raise Http404
    header = dcat.Header(**catalogue_source.version_header(version))
    body, content_type = dcat.serialise(fmt, catalogue_source.version_entries(version), header)
    return HttpResponse(body, content_type=content_type)
