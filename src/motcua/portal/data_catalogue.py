"""The city's data catalogue on the portal (/danh-muc-csdl/): the current version, every version
with its differences from the one before, a database's page with its fields, and the XLSX of a
version or of every version. Anonymous, cached for visitors, no JavaScript."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from motcua.core.page_cache import cached_for_visitors
from motcua.core.replicas import replica_reads
from motcua.datacatalog import diff, export, selectors
from motcua.datacatalog.models import CatalogueVersion
from motcua.datacatalog.specs import publication_level, spec_of


def _listed(version: CatalogueVersion | None) -> list[tuple[object, str]]:
    return [(db, publication_level(spec_of(db))) for db in selectors.databases_of(version)]


@require_GET
@replica_reads
@cached_for_visitors
def catalogue(request: HttpRequest) -> HttpResponse:
    current = selectors.current_version()
    return render(request, "portal/data_catalogue/current.html", {
        "version": current, "databases": _listed(current), "versions": selectors.versions(),
        "review_due": selectors.review_due_on(current) if current else None,
    })  # fmt: skip


def _version_or_404(number: int) -> CatalogueVersion:
    version = selectors.version_numbered(number)
    if version is None:
        raise Http404
    return version


@require_GET
@replica_reads
@cached_for_visitors
def version_page(request: HttpRequest, number: int) -> HttpResponse:
    version = _version_or_404(number)
    previous = selectors.previous_of(version)
    changes = diff.differences(selectors.specs_of(previous), selectors.specs_of(version))
    return render(request, "portal/data_catalogue/version.html", {
        "version": version, "previous": previous, "diff": changes,
        "databases": _listed(version), "current": selectors.current_version(),
    })  # fmt: skip


@require_GET
@replica_reads
@cached_for_visitors
def database_page(request: HttpRequest, code: str) -> HttpResponse:
    version = selectors.current_version()
    database = selectors.database_in(version, code)
    if database is None:
        raise Http404
    return render(request, "portal/data_catalogue/database.html", {
        "version": version, "database": database,
        "level": publication_level(spec_of(database)),
    })  # fmt: skip


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=export.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@replica_reads
def version_export(request: HttpRequest, number: int) -> HttpResponse:
    version = _version_or_404(number)
    return _xlsx(export.workbook([version]), f"danh-muc-csdl-phien-ban-{version.number}.xlsx")


@require_GET
@replica_reads
def catalogue_export(request: HttpRequest) -> HttpResponse:
    every = selectors.versions()
    if not every:
        raise Http404
    return _xlsx(export.workbook(every), "danh-muc-co-so-du-lieu.xlsx")
