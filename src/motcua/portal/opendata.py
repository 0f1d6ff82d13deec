"""The open-data pages: every dataset of ``opendata.entries`` (the platform's figures and the
city's open databases), one dataset's columns and first rows, and its files. Anonymous and
cached; the files carry their SHA-256 as ETag."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from motcua.core.page_cache import cached_for_visitors
from motcua.core.replicas import replica_reads
from motcua.opendata import entries
from motcua.opendata.datasets import FREQUENCY_NAMES
from motcua.opendata.entries import LICENCE_URL, Column, Entry
from motcua.opendata.published import preview, stored_file

FILE_SECONDS = 3600
DCAT_FORMATS = (("ttl", "Turtle"), ("jsonld", "JSON-LD"), ("rdf", "RDF/XML"))


@dataclass(frozen=True)
class Shown:
    """An entry in the language of the page."""

    entry: Entry
    title: str
    description: str
    keywords: tuple[str, ...]
    frequency: str


def _english() -> bool:
    return (get_language() or "").startswith("en")


def _shown(entry: Entry) -> Shown:
    english = _english()
    return Shown(
        entry=entry,
        title=(entry.title_en if english and entry.title_en else entry.title),
        description=(
            entry.description_en if english and entry.description_en else entry.description
        ),
        keywords=entry.keywords_en if english and entry.keywords_en else entry.keywords,
        frequency=str(FREQUENCY_NAMES.get(entry.frequency, entry.frequency)),
    )


def _dcat_links() -> list[tuple[str, str]]:
    """The DCAT catalogue's addresses (the view is the DCAT module's; plain paths until then)."""
    found = []
    for fmt, name in DCAT_FORMATS:
        try:
            found.append((reverse("portal:opendata-dcat", kwargs={"fmt": fmt}), name))
        except NoReverseMatch:
            found.append((f"/du-lieu-mo/catalog.{fmt}", name))
    return found


@require_safe
@replica_reads
@cached_for_visitors
def dataset_list(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/opendata/list.html", {
        "datasets": [_shown(e) for e in entries.entries()],
        "dcat": _dcat_links(),
        "licence": LICENCE_URL,
    })  # fmt: skip


def _column(column: Column) -> dict[str, str]:
    english = _english()
    return {
        "name": column.name,
        "type": column.type,
        "title": column.title_en if english and column.title_en else column.title,
        "description": (
            column.description_en if english and column.description_en else column.description
        ),
    }


@require_safe
@replica_reads
@cached_for_visitors
def dataset_detail(request: HttpRequest, slug: str) -> HttpResponse:
    entry = entries.entry(slug)
    if entry is None:
        raise Http404
    names = [c.name for c in entry.columns]
    rows = [list(zip(names, row, strict=False)) for row in preview(slug)]
    context: dict[str, Any] = {
        "shown": _shown(entry),
        "entry": entry,
        "columns": [_column(c) for c in entry.columns],
        "rows": rows,
        "licence": LICENCE_URL,
    }
    return render(request, "portal/opendata/detail.html", context)


@require_safe
@replica_reads
def dataset_file(request: HttpRequest, slug: str, file_name: str) -> HttpResponseBase:
    found = stored_file(slug, file_name)
    if found is None:
        raise Http404
    etag = f'"{found.sha256}"'
    # RFC 9110 as Django reads it: weak If-None-Match (a proxy that compressed the file),
    # "*", and If-Modified-Since (what harvesters and link checkers send) answer 304 too.
    response: HttpResponseBase | None = get_conditional_response(
        request, etag=etag, last_modified=int(found.modified.timestamp())
    )
    if response is None:
        try:
            content = default_storage.open(found.storage_name, "rb")
        except FileNotFoundError:  # deleted since stored_file looked: not there to serve
            raise Http404 from None
        content_type = found.media_type
        if content_type.startswith("text/") or content_type.endswith("json"):
            content_type += "; charset=utf-8"
        response = FileResponse(
            content,
            content_type=content_type,
            as_attachment=not file_name.endswith(".json"),
            filename=file_name,
        )
        response["Content-Length"] = str(found.byte_size)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(found.modified.timestamp())
    response["Cache-Control"] = f"public, max-age={FILE_SECONDS}"
    response["Access-Control-Allow-Origin"] = "*"  # data portals read the files from a browser
    return response
