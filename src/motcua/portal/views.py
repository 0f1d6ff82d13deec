"""Public pages: no sign-in. Views parse, call one selector, render."""

from __future__ import annotations

import sys

from django.core.paginator import Paginator
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from motcua.catalog.selectors import (
    CatalogueFilter,
    due_dates_if_submitted,
    fields_with_counts,
    procedure_in_force,
    procedures_in_force,
)
from motcua.core.admission import database_unavailable
from motcua.core.calendar import DueDateError, compute_due
from motcua.core.page_cache import cached_for_visitors
from motcua.core.replicas import replica_reads
from motcua.identity.selectors import unit_with_services, units

from .forms import CatalogueSearchForm, DueDateForm, UnitSearchForm

PAGE_SIZE = 20


def _query_without_page(request: HttpRequest) -> str:
    """The current filters, for the pagination links to keep."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_GET
@replica_reads
@cached_for_visitors
def home(request: HttpRequest) -> HttpResponse:
    fields = fields_with_counts()
    return render(request, "portal/home.html", {
        "form": CatalogueSearchForm(),
        "fields": fields,
        "procedure_count": sum(f.procedure_count for f in fields),  # type: ignore[attr-defined]
    })  # fmt: skip


@require_GET
@replica_reads
@cached_for_visitors
def procedure_list(request: HttpRequest) -> HttpResponse:
    form = CatalogueSearchForm(request.GET)
    filters = CatalogueFilter(**form.cleaned_data) if form.is_valid() else CatalogueFilter()
    page = Paginator(procedures_in_force(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/procedure_list.html", {
        "form": form, "page": page, "query": _query_without_page(request),
    })  # fmt: skip


@require_GET
@replica_reads
@cached_for_visitors
def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    version = procedure_in_force(code)
    if version is None:
        raise Http404
    now = timezone.now()
    return render(request, "portal/procedure_detail.html", {
        "version": version, "now": now, "due_dates": due_dates_if_submitted(version, now),
    })  # fmt: skip


@require_GET
@replica_reads
@cached_for_visitors
def unit_list(request: HttpRequest) -> HttpResponse:
    form = UnitSearchForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    parent = request.GET.get("parent", "")
    if not data.get("q") and not data.get("level") and not parent:
        data = {"level": "province"}
    queryset = units(parent=parent, level=data.get("level", ""), q=data.get("q", ""))
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    return render(request, "portal/unit_list.html", {
        "form": form, "page": page, "query": _query_without_page(request), "parent": parent,
    })  # fmt: skip


@require_GET
@replica_reads
@cached_for_visitors
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    unit = unit_with_services(code)
    if unit is None:
        raise Http404
    children = Paginator(units(parent=code), 200).get_page(request.GET.get("page"))
    return render(request, "portal/unit_detail.html", {"unit": unit, "children": children})


@require_GET
@replica_reads
def due_date(request: HttpRequest) -> HttpResponse:
    form = DueDateForm(request.GET or None)
    result = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            result = compute_due(
                data["start"], value=data["amount"], unit=data["unit"],
                apply_cutoff=data["apply_cutoff"],
            ).due  # fmt: skip
        except DueDateError as error:
            form.add_error(None, error.message)
    return render(request, "portal/due_date.html", {"form": form, "result": result})


def _error(request: HttpRequest, status: int, template: str) -> HttpResponse:
    return render(request, template, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, "400.html")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403, "403.html")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, "404.html")


def server_error(request: HttpRequest) -> HttpResponse:
    # The database failing outside a view (a middleware saving the session) is not a bug of
    # ours: the same 503 with Retry-After as when a view meets it (core.admission).
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError):
        return database_unavailable(request, error)
    return _error(request, 500, "500.html")
